/**
 * SigV4 signature arithmetic (IAM User Guide, "Create a signed AWS API request", steps 3–4):
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"), and the
 * signature is hex(HMAC(kSigning, stringToSign)). Signing keys are cached per secret/date/region/
 * service (a key is valid for its whole day), in a bounded Map.
 */
import { createHmac } from "node:crypto";
import { sha256Hex } from "./canonicalRequest";

const MAX_CACHED_KEYS = 1024;
const cache = new Map<string, Buffer>();

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

export function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const id = `${secret}\u0000${shortDate}\u0000${region}\u0000${service}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, shortDate), region), service), "aws4_request");
  if (cache.size >= MAX_CACHED_KEYS) cache.clear();
  cache.set(id, key);
  return key;
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequestText)}`;
}

export function signature(key: Buffer, stringToSignText: string): string {
  return createHmac("sha256", key).update(stringToSignText, "utf8").digest("hex");
}
