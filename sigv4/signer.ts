import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * The one way this project builds a SigV4 signer (the signed fetch, the offline twin's verifier and the
 * test helpers' `sign`):
 * `@smithy/signature-v4` with `@aws-crypto/sha256-js`, no `x-amz-content-sha256` header (execute-api
 * does not need it), and paths double-encoded as every non-S3 service requires.
 */
export function createSigner(opts: {
  region: string;
  service?: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}): SignatureV4 {
  return new SignatureV4({
    service: opts.service ?? "execute-api",
    region: opts.region,
    credentials: opts.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
}
