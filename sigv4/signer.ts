import { Hash } from "@smithy/hash-node";
import type { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { QuerySafeSignatureV4 } from "./signingRequest";

/** SHA-256 and HMAC-SHA-256 from node:crypto, as the AWS SDK for JavaScript v3 uses in Node. */
const Sha256 = Hash.bind(null, "sha256");

/**
 * The one way this project builds a SigV4 signer (the signed fetch, the offline twin's verifier, the
 * test helpers' `sign` and the bench):
 * `@smithy/signature-v4` with node:crypto's SHA-256 (`@smithy/hash-node`, as the SDK uses in Node), no
 * `x-amz-content-sha256` header (execute-api does not need it), paths double-encoded as every non-S3
 * service requires, and a prototype-safe canonical query (signingRequest.ts: smithy's own renders a
 * `__proto__` parameter as `[object Object]`).
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
