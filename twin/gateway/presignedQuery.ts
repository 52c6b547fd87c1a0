/**
 * Query-string (presigned) SigV4: `X-Amz-Algorithm`, `-Credential`, `-Date`, `-SignedHeaders`,
 * `-Signature`, optionally `-Security-Token` and `-Expires`, as botocore's `SigV4QueryAuth` and
 * smithy's `SignatureV4.presign()` write them ("Authenticating Requests: Using Query Parameters",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
 * - The five required parameters missing or empty → IncompleteSignatureException listing each,
 *   ending "Re-examine the query-string parameters." (dynalite's probe of AWS).
 * - Any auth parameter given twice → refused (ambiguous; authErrors.repeatedQueryParam).
 * - The canonical query is every parameter except `X-Amz-Signature` itself; the payload hash is the
 *   body's SHA-256, as botocore's SigV4QueryAuth (only S3SigV4QueryAuth uses UNSIGNED-PAYLOAD) and
 *   smithy's presign() compute it for execute-api.
 * - `X-Amz-Expires` is signed like any parameter but does not set the validity: outside S3, AWS
 *   services accept a presigned request only within the fixed clock-skew window around X-Amz-Date
 *   (aws/aws-sdk-go#2224: "All other AWS services will use a fixed request signature expiration";
 *   for API Gateway, Stack Overflow 66961500: "Signature expired … - 5 min." whatever X-Amz-Expires).
 */
import { AuthFailure, REEXAMINE_QUERY, fail, queryMustInclude, repeatedQueryParam } from "./authErrors";
import type { SignatureClaims } from "./authorizationHeader";
import type { QueryPair } from "./canonicalRequest";

export const PRESIGN_ALGORITHM_PARAM = "X-Amz-Algorithm";
const REQUIRED = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] as const;
// X-Amz-Region-Set: SigV4a's region set (sigv4a.ts).
const AUTH_PARAMS = new Set<string>([...REQUIRED, "X-Amz-Security-Token", "X-Amz-Expires", "X-Amz-Region-Set"]);

export interface PresignedClaims extends SignatureClaims {
  dateText: string;
  token: string | undefined;
  regionSet: string | undefined;
  /** Index of the X-Amz-Signature pair, left out of the canonical query. */
  signatureIndex: number;
}

export const isPresigned = (pairs: readonly QueryPair[]) => pairs.some(([name]) => name === PRESIGN_ALGORITHM_PARAM);

export function parsePresignedQuery(pairs: readonly QueryPair[]): { ok: true; claims: PresignedClaims } | AuthFailure {
  const found = new Map<string, { value: string; index: number }>();
  for (let i = 0; i < pairs.length; i++) {
    const [name, value] = pairs[i];
    if (!AUTH_PARAMS.has(name)) continue;
    if (found.has(name)) return fail("IncompleteSignatureException", repeatedQueryParam(name));
    found.set(name, { value, index: i });
  }
  const missing = REQUIRED.filter((name) => !found.get(name)?.value);
  if (missing.length > 0) return fail("IncompleteSignatureException", `${missing.map(queryMustInclude).join(" ")} ${REEXAMINE_QUERY}`);
  const value = (name: string) => found.get(name)?.value ?? "";
  return {
    ok: true,
    claims: {
      algorithm: value("X-Amz-Algorithm"),
      credential: value("X-Amz-Credential"),
      signedHeaders: value("X-Amz-SignedHeaders"),
      signature: value("X-Amz-Signature"),
      dateText: value("X-Amz-Date"),
      token: found.get("X-Amz-Security-Token")?.value,
      regionSet: found.get("X-Amz-Region-Set")?.value,
      signatureIndex: found.get("X-Amz-Signature")?.index ?? -1,
    },
  };
}
