/**
 * Query-string (presigned) SigV4 as botocore's SigV4QueryAuth and smithy's presign() write it ("Authenticating
 * Requests: Using Query Parameters"); the canonical query is every parameter but X-Amz-Signature.
 */
import { AuthFailure, REEXAMINE_QUERY, fail, queryMustInclude, repeatedQueryParam } from "./authErrors";
import type { SignatureClaims } from "./authorizationHeader";
import type { QueryPair } from "./canonicalRequest";

export const PRESIGN_ALGORITHM_PARAM = "X-Amz-Algorithm";
const REQUIRED = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] as const;
// X-Amz-Region-Set: SigV4a's region set (sigv4a.ts).
// X-Amz-Expires is signed but sets no validity outside S3: the fixed clock-skew window does (aws/aws-sdk-go#2224).
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
    if (found.has(name)) return fail("IncompleteSignatureException", repeatedQueryParam(name)); // ambiguous: refused
    found.set(name, { value, index: i });
  }
  // Each missing or empty one is listed, ending "Re-examine the query-string parameters." (dynalite's probe of AWS).
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
