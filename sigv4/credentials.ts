import { defaultProvider } from "@aws-sdk/credential-provider-node";
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

let shared: AwsCredentialIdentityProvider | undefined;

/** The standard AWS credential chain (env, SSO, profile, web identity, container, IMDS), created once. */
export function defaultCredentials(): AwsCredentialIdentityProvider {
  shared ??= memoizeCredentials(defaultProvider());
  return shared;
}
