import { memoize } from "@smithy/property-provider";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/** Refresh credentials this long before they expire. */
export const REFRESH_WINDOW_MS = 5 * 60_000;

/**
 * Memoizes a credential provider: the same credentials are reused until they are within
 * {@link REFRESH_WINDOW_MS} of expiring, then fetched again.
 */
export function memoizeCredentials(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  return memoize(
    provider,
    (c: AwsCredentialIdentity) => c.expiration !== undefined && c.expiration.getTime() - Date.now() < REFRESH_WINDOW_MS,
    (c: AwsCredentialIdentity) => c.expiration !== undefined,
  );
}

/**
 * True when the standard chain would answer from its first link, the environment: an access key pair
 * is set and AWS_PROFILE is not (with AWS_PROFILE set the chain skips the environment for the profile;
 * aws-sdk-js-v3 packages/credential-provider-node/src/defaultProvider.ts). A Lambda function always has
 * the pair: "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN — the access keys obtained from
 * the function's execution role" (AWS Lambda Developer Guide, "Defined runtime environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export function hasEnvironmentCredentials(env: Record<string, string | undefined>): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !env.AWS_PROFILE);
}

/**
 * The environment's credentials, read as the SDK's `fromEnv` reads them (aws-sdk-js-v3
 * packages/credential-provider-env/src/fromEnv.ts: the key pair, the session token, an optional
 * AWS_CREDENTIAL_EXPIRATION, AWS_CREDENTIAL_SCOPE and AWS_ACCOUNT_ID). Read here rather than through
 * that package, whose imports (the SDK's endpoint rules and shared-config loader) were 40% of index.js.
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
 * The standard AWS credential chain, created once and memoized: the environment's credentials when it
 * has them (as the chain itself would pick first, without loading the chain), else the full chain
 * (SSO, profile, process, web identity, container, IMDS) loaded on first use.
 */
export function defaultCredentials(): AwsCredentialIdentityProvider {
  shared ??= memoizeCredentials(async (props) => {
    if (hasEnvironmentCredentials(process.env)) return environmentCredentials(process.env);
    chain ??= loadCredentialChain();
    return chain(props);
  });
  return shared;
}
