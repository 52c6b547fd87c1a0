import { fromEnv } from "@aws-sdk/credential-provider-env";
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

/** Loads the full chain from its own module (its own file in the bundle) only when it is needed. */
function loadCredentialChain(): AwsCredentialIdentityProvider {
  // A runtime require, not an import: the bundler keeps it out of index.js (scripts/bundle.ts).
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
    if (hasEnvironmentCredentials(process.env)) return fromEnv()(props);
    chain ??= loadCredentialChain();
    return chain(props);
  });
  return shared;
}
