import { Hash } from "@smithy/hash-node";
import type { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { signingDates } from "./signingDate";
import { QuerySafeSignatureV4 } from "./signingRequest";

/** SHA-256 and HMAC-SHA-256 from node:crypto, as the AWS SDK for JavaScript v3 uses in Node. */
const Sha256 = Hash.bind(null, "sha256");

/**
 * The one way this project builds a SigV4 signer (the signed fetch, the offline twin's verifier, the
 * test helpers' `sign` and the bench):
 * `@smithy/signature-v4` with node:crypto's SHA-256 (`@smithy/hash-node`, as the SDK uses in Node), no
 * `x-amz-content-sha256` header (execute-api does not need it), paths double-encoded as every non-S3
 * service requires, a prototype-safe canonical query (signingRequest.ts: smithy's own renders a
 * `__proto__` parameter as `[object Object]`), and the signing time rendered without `toISOString`
 * (signingDate.ts).
 */
export function createSigner(opts: {
  region: string;
  service?: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}): SignatureV4 {
  const service = opts.service ?? "execute-api";
  if (typeof opts.credentials === "function") return newSigner(opts.region, service, opts.credentials);
  // One signer per static credential set: its cache of the day's signing key (SignatureV4 keeps one per
  // date, region and service) then survives between requests, instead of four HMACs every time.
  const { accessKeyId, secretAccessKey, sessionToken } = opts.credentials;
  const key = JSON.stringify([opts.region, service, accessKeyId, secretAccessKey, sessionToken ?? null]);
  let signer = signers.get(key);
  if (signer === undefined) {
    signer = newSigner(opts.region, service, { accessKeyId, secretAccessKey, sessionToken });
    if (signers.size >= MAX_SHARED_SIGNERS) signers.delete(signers.keys().next().value as string);
    signers.set(key, signer);
  }
  return signer;
}

/** Signers kept for static credentials; beyond this the oldest is dropped (only memory is bounded). */
export const MAX_SHARED_SIGNERS = 256;
const signers = new Map<string, SignatureV4>();

/**
 * {@link QuerySafeSignatureV4} with the signing time rendered from the UTC getters (signingDate.ts:
 * smithy's `formatDate` goes through `Date#toISOString`, whose first call costs a cold start ≈1 ms).
 * Any date it does not render (a number, a string, a 5-digit year) is smithy's to format.
 */
class ProjectSignatureV4 extends QuerySafeSignatureV4 {
  protected override formatDate(now: Date | number | string): { longDate: string; shortDate: string } {
    return (now instanceof Date ? signingDates(now) : undefined) ?? super.formatDate(now);
  }
}

function newSigner(region: string, service: string, credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): SignatureV4 {
  return new ProjectSignatureV4({
    service,
    region,
    credentials,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
}
