/**
 * SigV4a (`AWS4-ECDSA-P256-SHA256`), which API Gateway accepts for IAM-authorized calls ("API Gateway
 * resource policy examples", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html).
 * Byte layouts from awslabs/aws-c-auth (source/key_derivation.c, source/aws_signing.c); checked against its v4a suite.
 */
import { KeyObject, createECDH, createHmac, createPublicKey, verify } from "node:crypto";
import { sha256Hex } from "./canonicalRequest";

export const ALGORITHM_V4A = "AWS4-ECDSA-P256-SHA256";
export const REGION_SET_HEADER = "x-amz-region-set";
export const REGION_SET_PARAM = "X-Amz-Region-Set";

/** n − 2 of P-256: a KDF output above it is rejected and the counter moves on (key_derivation.c, s_n_minus_2). */
const N_MINUS_2 = BigInt("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC63254F");
const MAX_COUNTER = 254; // key_derivation.c MAX_KEY_DERIVATION_COUNTER_VALUE
const LABEL = Buffer.from(ALGORITHM_V4A, "ascii");
const ONE = Buffer.from([0, 0, 0, 1]); // NIST SP 800-108 counter-mode i = 1 (one 256-bit block)
const LENGTH_256 = Buffer.from([0, 0, 1, 0]); // L = 256 bits

/**
 * The P-256 private scalar for a key pair: HMAC-SHA256 keyed "AWS4A" + secret over
 * 1 ‖ label ‖ 0x00 ‖ access key id ‖ counter ‖ 256, the first output ≤ n − 2, plus one.
 */
export function sigV4aPrivateKey(accessKeyId: string, secretAccessKey: string): Buffer {
  const key = Buffer.from(`AWS4A${secretAccessKey}`, "utf8");
  const id = Buffer.from(accessKeyId, "utf8");
  for (let counter = 1; counter <= MAX_COUNTER; counter++) {
    const k0 = createHmac("sha256", key)
      .update(Buffer.concat([ONE, LABEL, Buffer.from([0]), id, Buffer.from([counter]), LENGTH_256]))
      .digest();
    const candidate = BigInt(`0x${k0.toString("hex")}`);
    if (candidate <= N_MINUS_2) return Buffer.from((candidate + 1n).toString(16).padStart(64, "0"), "hex");
  }
  throw new Error(`no SigV4a key for ${accessKeyId} within ${MAX_COUNTER} counter values`);
}

/** The public point (uncompressed X, Y) of a private scalar, by node:crypto's ECDH. */
export function sigV4aPublicPoint(privateKey: Buffer): { x: Buffer; y: Buffer } {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(privateKey);
  const point = ecdh.getPublicKey(); // 0x04 ‖ X ‖ Y
  return { x: point.subarray(1, 33), y: point.subarray(33, 65) };
}

/** The public key of the pair derived from these credentials, derived again on each request (no memo: no user figure needs one). */
export function sigV4aPublicKey(accessKeyId: string, secretAccessKey: string): KeyObject {
  const { x, y } = sigV4aPublicPoint(sigV4aPrivateKey(accessKeyId, secretAccessKey));
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: x.toString("base64url"), y: y.toString("base64url") }, format: "jwk" });
}

/** SigV4a's credential scope has no region: date/service/aws4_request (aws_signing.c, s_build_credential_scope). */
export function sigV4aStringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return `${ALGORITHM_V4A}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequestText)}`;
}

const DER_HEX = /^(?:[0-9a-fA-F]{2}){8,72}$/; // a DER ECDSA P-256 signature is at most 72 bytes (aws_signing.c)

/** True when `signatureHex` is a DER ECDSA-P256-SHA256 signature of the string to sign by this key pair's key. */
export function verifySigV4aSignature(publicKey: KeyObject, stringToSignText: string, signatureHex: string): boolean {
  if (!DER_HEX.test(signatureHex)) return false;
  try {
    return verify(
      "sha256",
      Buffer.from(stringToSignText, "utf8"),
      { key: publicKey, dsaEncoding: "der" },
      Buffer.from(signatureHex, "hex"),
    );
  } catch {
    return false; // malformed DER
  }
}

/**
 * Whether a region set (comma-separated, X-Amz-Region-Set) covers `region`: an entry equal to it, `*`,
 * or a prefix ending in `*` such as `us-*` (smithy-lang/smithy-typescript#1760 on `*` as a SigV4a region).
 */
export function regionSetCovers(regionSet: string, region: string): boolean {
  for (const raw of regionSet.split(",")) {
    const entry = raw.trim();
    if (entry === region || entry === "*") return true;
    if (entry.length > 1 && entry.endsWith("*") && !entry.slice(0, -1).includes("*") && region.startsWith(entry.slice(0, -1))) return true;
  }
  return false;
}
