import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * True when the chain would answer from the environment: a key pair and no AWS_PROFILE (aws-sdk-js-v3
 * packages/credential-provider-node/src/defaultProvider.ts). Lambda always sets the pair (AWS Lambda
 * Developer Guide, https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export function hasEnvironmentCredentials(env: Record<string, string | undefined>): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !env.AWS_PROFILE);
}

/**
 * The environment's credentials as the SDK's fromEnv reads them (aws-sdk-js-v3
 * packages/credential-provider-env/src/fromEnv.ts), without that package's imports, 40% of index.js.
 */
export function environmentCredentials(env: Record<string, string | undefined>): AwsCredentialIdentity {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set");
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
    ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
    ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
  };
}

/** Loads the full chain from its own module (its own file in the bundle) only when it is needed. */
function loadCredentialChain(): AwsCredentialIdentityProvider {
  // A runtime require, not an import: the bundler keeps it out of index.js (lambda/bundle.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const chain = require("./credentialChain") as typeof import("./credentialChain");
  return chain.credentialChain();
}

let shared: AwsCredentialIdentityProvider | undefined;
let chain: AwsCredentialIdentityProvider | undefined;

/**
 * The standard chain: the environment's credentials when it has them (as the chain would pick, without
 * loading it), else the full chain, loaded on first use; it memoizes itself (credential-provider-node's memoizeChain).
 */
export function defaultCredentials(): AwsCredentialIdentityProvider {
  shared ??= async (props) => {
    if (hasEnvironmentCredentials(process.env)) return environmentCredentials(process.env);
    chain ??= loadCredentialChain();
    return chain(props);
  };
  return shared;
}
