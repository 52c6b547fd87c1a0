/**
 * The full AWS credential chain (env, SSO, profile, process, web identity, container, IMDS). It is its
 * own module, and its own file in the caller's zip (`credentialChain.js`, see lambda/bundle.ts), so
 * that a Lambda, which always has environment credentials, never loads or even parses it.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

export function credentialChain(): AwsCredentialIdentityProvider {
  return defaultProvider();
}
