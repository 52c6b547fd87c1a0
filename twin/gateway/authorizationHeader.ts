/**
 * Strict parsing of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` as AWS's
 * front end applies it (IAM User Guide, "Authentication methods"); unknown keys are ignored.
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
    // So `Credential= AKIA…` (the key id its own token) and a trailing `, garbage` are refused, as API Gateway does.
    if (eq === -1) return fail("IncompleteSignatureException", missingEqualSign(token, header));
    const key = token.slice(0, eq);
    if (!isPart(key)) continue;
    if (found.has(key)) return fail("IncompleteSignatureException", repeatedHeaderPart(key, header));
    found.set(key, token.slice(eq + 1));
  }
  // Every missing or empty part, and a missing date header, in one message ending `Authorization=<header>`.
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
