/**
 * Strict parsing of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
 * by the rules AWS's front end applies (IAM User Guide, "Authentication methods": no comma between
 * the algorithm and Credential, commas between the other elements):
 * - the first token is the algorithm; the rest is split on commas and spaces;
 * - every remaining token must be `key=value`, else IncompleteSignatureException
 *   "'<token>' not a valid key=value pair (missing equal-sign) …" — so `Credential= AKIA…` (the key
 *   id becomes its own token) and a trailing `, garbage` are refused, as API Gateway refuses them;
 * - a missing or empty Credential / Signature / SignedHeaders, or no date header, is listed in one
 *   IncompleteSignatureException ending with `Authorization=<header>`;
 * - a part given twice is refused (see authErrors.repeatedHeaderPart). Unknown keys are ignored.
 */
import { AuthFailure, HEADER_REQUIRES_DATE, fail, headerRequires, missingEqualSign, repeatedHeaderPart } from "./authErrors";

export interface SignatureClaims {
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
}

const PARTS = ["Credential", "SignedHeaders", "Signature"] as const;
type Part = (typeof PARTS)[number];
const isPart = (key: string): key is Part => (PARTS as readonly string[]).includes(key);

export function parseAuthorizationHeader(header: string, hasDateHeader: boolean): { ok: true; claims: SignatureClaims } | AuthFailure {
  const [algorithm, ...rest] = header.split(/[ ,]/);
  const found = new Map<Part, string>();
  for (const token of rest) {
    if (token === "") continue;
    const eq = token.indexOf("=");
    if (eq === -1) return fail("IncompleteSignatureException", missingEqualSign(token, header));
    const key = token.slice(0, eq);
    if (!isPart(key)) continue;
    if (found.has(key)) return fail("IncompleteSignatureException", repeatedHeaderPart(key, header));
    found.set(key, token.slice(eq + 1));
  }
  const missing: string[] = [];
  for (const part of ["Credential", "Signature", "SignedHeaders"] as const) {
    if (!found.get(part)) missing.push(headerRequires(part));
  }
  if (!hasDateHeader) missing.push(HEADER_REQUIRES_DATE);
  if (missing.length > 0) return fail("IncompleteSignatureException", `${missing.join(" ")} Authorization=${header}`);
  return {
    ok: true,
    claims: {
      algorithm,
      credential: found.get("Credential") ?? "",
      signedHeaders: found.get("SignedHeaders") ?? "",
      signature: found.get("Signature") ?? "",
    },
  };
}
