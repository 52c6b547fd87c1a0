import { Sha256 } from "@aws-crypto/sha256-js";
import type { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { QuerySafeSignatureV4 } from "./signingRequest";

/**
 * The one way this project builds a SigV4 signer (the signed fetch, the offline twin's verifier and the
 * test helpers' `sign`):
 * `@smithy/signature-v4` with `@aws-crypto/sha256-js`, no `x-amz-content-sha256` header (execute-api
 * does not need it), paths double-encoded as every non-S3 service requires, and a prototype-safe
 * canonical query (signingRequest.ts: smithy's own renders a `__proto__` parameter as `[object Object]`).
 */
export function createSigner(opts: {
  region: string;
  service?: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}): SignatureV4 {
  return new QuerySafeSignatureV4({
    service: opts.service ?? "execute-api",
    region: opts.region,
    credentials: opts.credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
}
