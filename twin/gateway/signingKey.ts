/**
 * SigV4 signature arithmetic (IAM User Guide, "Create a signed AWS API request", steps 3–4):
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), and the
 * signature is hex(HMAC(kSigning, stringToSign)).
 */
import { createHmac } from "node:crypto";
import { sha256Hex } from "./canonicalRequest";

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

// Derived keys kept per scope, bounded at 50 like smithy's (signature-v4 credentialDerivation.ts, MAX_CACHE_SIZE):
// four HMACs a request are what held the gateway under its 0.30× budget (docs/benchmarks.md).
const derived = new Map<string, Buffer>();

export function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const id = `${shortDate}\n${region}\n${service}\n${secret}`;
  let key = derived.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), "aws4_request");
    if (derived.size >= 50) derived.delete(derived.keys().next().value as string);
    derived.set(id, key);
  }
  return key;
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequestText)}`;
}

export function signature(key: Buffer, stringToSignText: string): string {
  return createHmac("sha256", key).update(stringToSignText, "utf8").digest("hex");
}
