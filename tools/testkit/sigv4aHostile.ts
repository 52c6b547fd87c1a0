/**
 * SigV4a forms for the hostile generator (hostileRequests.ts): requests signed with the caller's real
 * SigV4a key, each carrying one defect (a region set without the API's region, bad DER, the two
 * algorithms mixed, an unsigned or altered region set), so every one must be refused.
 */
import { KeyObject, createPrivateKey, sign } from "node:crypto";
import fc from "fast-check";
import {
  ALGORITHM_V4A,
  canonicalRequest,
  headerLines,
  parseRawQuery,
  sigV4aPrivateKey,
  sigV4aPublicPoint,
  sigV4aStringToSign,
} from "../../twin";
import type { RawRequest } from "./rawHttp";

export interface SigV4aMutation {
  kind: "sigv4a";
  form: "header" | "query";
  /** 0 region set without the API's region; 1 bad DER; 2–3 algorithms mixed; 4 region set unsigned (query: dropped after signing); 5 altered; 6 repeated; 7 HMAC signature under SigV4a; 8 presigned without its region set. */
  variant: number;
  regionSet: string;
  text: string;
}

const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.~%+=&;,/ :*".split("")), maxLength: 24 });

export const sigV4aArb: fc.Arbitrary<SigV4aMutation> = fc.record({
  kind: fc.constant("sigv4a" as const),
  form: fc.constantFrom("header" as const, "query" as const),
  variant: fc.integer({ min: 0, max: 8 }),
  regionSet: fc.oneof(fc.constantFrom("eu-west-1", "us-*", "", " ", ",", "ap-northeast-1x", "eu-*,us-*", "__proto__"), printable),
  text: printable,
});

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function privateKeyOf(c: Creds): KeyObject {
  const d = sigV4aPrivateKey(c.accessKeyId, c.secretAccessKey);
  const { x, y } = sigV4aPublicPoint(d);
  const jwk = { kty: "EC", crv: "P-256", d: d.toString("base64url"), x: x.toString("base64url"), y: y.toString("base64url") };
  return createPrivateKey({ key: jwk, format: "jwk" });
}

const amzDateNow = () => new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** Signs `headers`/`query` as SigV4a over `signedNames`; the hex DER signature. */
function signatureOf(c: Creds, target: string, headers: [string, string][], signedNames: string[], date: string, scope: string): string {
  const q = target.indexOf("?");
  const query = parseRawQuery(q === -1 ? "" : target.slice(q + 1));
  const canonical = canonicalRequest({
    method: "GET",
    wirePath: q === -1 ? target : target.slice(0, q),
    query: query.pairs,
    omitQueryIndex: -1,
    headers: headerLines(headers.flat(), {}),
    signedNames,
    signedHeadersText: signedNames.join(";"),
    body: Buffer.alloc(0),
  });
  return sign("sha256", Buffer.from(sigV4aStringToSign(date, scope, canonical ?? ""), "utf8"), {
    key: privateKeyOf(c),
    dsaEncoding: "der",
  }).toString("hex");
}

function badDer(sig: string, text: string): string {
  const options = [
    sig.slice(0, -2),
    `${sig}00`,
    "30",
    "zz".repeat(35),
    "0".repeat(146),
    sig.replace(/^30/, "31"),
    Buffer.from(text).toString("hex") || "00",
  ];
  return options[text.length % options.length];
}

/** A SigV4a request from `host` for `path` with the defect `m` names; `valid` is the SigV4 request it replaces (variant 7 reuses its signature). */
export function sigV4aRequest(host: string, path: string, region: string, c: Creds, valid: RawRequest, m: SigV4aMutation): RawRequest {
  const date = amzDateNow();
  const scope = `${date.slice(0, 8)}/execute-api/aws4_request`;
  // Variant 0 signs a region set that must not cover the API's region: no '*', and not the region itself.
  const regionSet = m.variant === 0 ? (m.regionSet.includes("*") || m.regionSet.includes(region) ? "eu-west-1" : m.regionSet) : region;
  const token = c.sessionToken ?? "";
  if (m.form === "query" || m.variant === 8) {
    const params: [string, string][] = [
      ["X-Amz-Algorithm", m.variant === 2 ? "AWS4-HMAC-SHA256" : ALGORITHM_V4A],
      ["X-Amz-Credential", `${c.accessKeyId}/${m.variant === 3 ? `${date.slice(0, 8)}/${region}/execute-api/aws4_request` : scope}`],
      ["X-Amz-Date", date],
      ["X-Amz-Expires", "300"],
      ["X-Amz-SignedHeaders", "host"],
      ...(token ? ([["X-Amz-Security-Token", token]] as [string, string][]) : []),
      ...(m.variant === 8 ? [] : ([["X-Amz-Region-Set", regionSet]] as [string, string][])),
    ];
    const target = `${path}?${params.map(([k, v]) => `${enc(k)}=${enc(v)}`).join("&")}`;
    let sig = signatureOf(c, target, [["Host", host]], ["host"], date, scope);
    if (m.variant === 1) sig = badDer(sig, m.text);
    let sent = `${target}&X-Amz-Signature=${sig}`;
    if (m.variant === 5) sent = sent.replace(`X-Amz-Region-Set=${enc(regionSet)}`, "X-Amz-Region-Set=%2A");
    if (m.variant === 6) sent = `${sent}&X-Amz-Region-Set=${enc(regionSet)}`;
    if (m.variant === 4) sent = sent.replace(`&X-Amz-Region-Set=${enc(regionSet)}`, ""); // dropped after signing
    if (m.variant === 7) sent = `${target}&X-Amz-Signature=${/Signature=([0-9a-f]+)/.exec(valid.target)?.[1] ?? "00"}`;
    return { target: sent, headers: [["Host", host]] };
  }
  const headers: [string, string][] = [
    ["Host", host],
    ["X-Amz-Date", date],
    ...(token ? ([["X-Amz-Security-Token", token]] as [string, string][]) : []),
    ["X-Amz-Region-Set", regionSet],
  ];
  const signedNames = [
    "host",
    "x-amz-date",
    ...(m.variant === 4 ? [] : ["x-amz-region-set"]),
    ...(token ? ["x-amz-security-token"] : []),
  ].sort();
  let sig = signatureOf(c, path, headers, signedNames, date, scope);
  if (m.variant === 1) sig = badDer(sig, m.text);
  const validAuth = valid.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1] ?? "";
  if (m.variant === 7) sig = /Signature=([0-9a-f]+)/.exec(validAuth)?.[1] ?? "00";
  const algorithm = m.variant === 2 ? "AWS4-HMAC-SHA256" : ALGORITHM_V4A;
  const credential = `${c.accessKeyId}/${m.variant === 3 ? `${date.slice(0, 8)}/${region}/execute-api/aws4_request` : scope}`;
  const out: [string, string][] = [
    ...headers,
    ["Authorization", `${algorithm} Credential=${credential}, SignedHeaders=${signedNames.join(";")}, Signature=${sig}`],
  ];
  if (m.variant === 5) return { target: path, headers: out.map(([n, v]) => [n, n === "X-Amz-Region-Set" ? "*" : v]) };
  if (m.variant === 6) out.push(["X-Amz-Region-Set", regionSet]);
  return { target: path, headers: out };
}
