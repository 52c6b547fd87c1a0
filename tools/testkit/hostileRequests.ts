/**
 * Hostile requests for the property-based test (tests/hostileProperty.test.ts) and the long fuzz
 * run (tools/fuzz.ts): a fast-check arbitrary of mutations, each applied to a freshly signed valid
 * request, and an oracle that is independent of the gateway: a 200 is legitimate only when the
 * mutated request's signed content (method, request target, body and every header the valid request
 * signed) is byte-identical to the valid one's. The Authorization header is not signed content: a
 * reformatted one that still carries the same signature is no false accept; the header rules AWS
 * documents are asserted separately (expectedErrorType).
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { createSigner } from "../../sigv4/signer";
import { toHttpRequest, wireUrl } from "../../sigv4/signingRequest";
import { presignUrl } from "../../sigv4/signedFetch";
import { RawRequest, rawRequestBytes } from "./rawHttp";
import { SigV4aMutation, sigV4aArb, sigV4aRequest } from "./sigv4aHostile";

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface FuzzTarget {
  port: number;
  /** `127.0.0.1:PORT` */
  host: string;
  dataPath: string;
  region: string;
  caller: Creds;
  denied: Creds;
  /** The declared API's id, when the target is a VPC endpoint's listener (requests there may name an API: x-apigw-api-id, Host). */
  apiId?: string;
}

const PROTO_NAMES = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "__defineGetter__", "prototype", "isPrototypeOf"];
const printable = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.~%+=&;,/ :\"'!*()[]{}<>\\\t".split("")), maxLength: 24 });

export type Mutation =
  | { kind: "none" }
  | { kind: "protoQuery"; name: string; encoded: boolean; value: string }
  | { kind: "signatureInQuery"; value: string }
  | { kind: "duplicateHost"; same: boolean }
  | { kind: "dropHost" }
  | { kind: "otherHost"; host: string }
  | { kind: "signedHeadersName"; name: string }
  | { kind: "authorizationSyntax"; variant: number; text: string }
  | { kind: "duplicateHeader"; name: string; same: boolean }
  | { kind: "flip"; where: "target" | "header" | "body"; at: number; char: string }
  | { kind: "body"; size: number; contentSha: "none" | "right" | "wrong" | "unsigned" }
  | { kind: "date"; text: string }
  | { kind: "presignParam"; param: string; action: "drop" | "duplicate" | "change" }
  | { kind: "extraUnsignedHeader"; name: string; value: string }
  | { kind: "garbage"; bytes: Uint8Array }
  | { kind: "rawLine"; text: string }
  | { kind: "apiIdHeader"; value: string }
  | SigV4aMutation;

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant<Mutation>({ kind: "none" }), weight: 2 },
  fc.record({
    kind: fc.constant("protoQuery" as const),
    name: fc.oneof(fc.constantFrom(...PROTO_NAMES), printable),
    encoded: fc.boolean(),
    value: printable,
  }),
  fc.record({
    kind: fc.constant("signatureInQuery" as const),
    value: fc.oneof(
      fc.constant("anything"),
      fc.string({ unit: fc.constantFrom(..."0123456789abcdef".split("")), minLength: 64, maxLength: 64 }),
    ),
  }),
  fc.record({ kind: fc.constant("duplicateHost" as const), same: fc.boolean() }),
  fc.constant<Mutation>({ kind: "dropHost" }),
  fc.record({
    kind: fc.constant("otherHost" as const),
    host: fc.constantFrom("localhost", "127.0.0.1", "127.0.0.1:1", "evil.example", "127.0.0.2:PORT", "", "APIHOST", "b0therap1d.APIDOMAIN"),
  }),
  fc.record({
    kind: fc.constant("signedHeadersName" as const),
    name: fc.oneof(fc.constantFrom(...PROTO_NAMES, "", "HOST", "x-missing"), printable),
  }),
  fc.record({ kind: fc.constant("authorizationSyntax" as const), variant: fc.integer({ min: 0, max: 11 }), text: printable }),
  fc.record({
    kind: fc.constant("duplicateHeader" as const),
    name: fc.constantFrom("authorization", "x-amz-date", "x-amz-security-token", "date"),
    same: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("flip" as const),
    where: fc.constantFrom("target" as const, "header" as const, "body" as const),
    at: fc.nat(),
    char: fc.constantFrom(..."aZ0%+/=&?;, ~\u00e9".split("")),
  }),
  fc.record({
    kind: fc.constant("body" as const),
    size: fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(65_537, 2 * 1024 * 1024)),
    contentSha: fc.constantFrom("none" as const, "right" as const, "wrong" as const, "unsigned" as const),
  }),
  fc.record({
    kind: fc.constant("date" as const),
    text: fc.oneof(
      fc.constantFrom(
        "",
        "20261301T250000Z",
        "99999999T999999Z",
        "2026-11-24T00:00:00Z",
        "Mon, 09 Sep 2011 23:36:00 GMT",
        "19700101T000000Z",
      ),
      printable,
    ),
  }),
  fc.record({
    kind: fc.constant("presignParam" as const),
    param: fc.constantFrom(
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Expires",
      "X-Amz-SignedHeaders",
      "X-Amz-Security-Token",
      "X-Amz-Signature",
    ),
    action: fc.constantFrom("drop" as const, "duplicate" as const, "change" as const),
  }),
  fc.record({
    kind: fc.constant("extraUnsignedHeader" as const),
    name: fc.constantFrom("x-extra", "constructor", "__proto__", "toString", "user-agent"),
    value: printable,
  }),
  fc.record({ kind: fc.constant("garbage" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant("rawLine" as const), text: printable }),
  // Through an endpoint, x-apigw-api-id names the API ("How to invoke a private API"): the declared one, another, or junk.
  fc.record({
    kind: fc.constant("apiIdHeader" as const),
    value: fc.oneof(fc.constantFrom("DECLARED", "DECLARED ", "b0therap1d", "*", "", "__proto__", "DECLARED/dev/GET/*"), printable),
  }),
  { arbitrary: sigV4aArb, weight: 2 },
);

export interface HostileCase {
  /** Class name for the counts (the mutation kind and the auth form). */
  label: string;
  valid: RawRequest;
  sent: RawRequest | Buffer;
}

/** A fresh valid request: signed in the Authorization header, or presigned in the query. */
export async function validRequest(t: FuzzTarget, presigned: boolean): Promise<RawRequest> {
  const url = `http://${t.host}${t.dataPath}`;
  if (presigned) {
    const signed = new URL(await presignUrl(url, { region: t.region, credentials: async () => t.caller, expiresIn: 300 }));
    return { target: `${signed.pathname}${signed.search}`, headers: [["Host", t.host]] };
  }
  const signed = await createSigner({ region: t.region, credentials: t.caller }).sign(toHttpRequest(url));
  const wire = new URL(wireUrl(signed));
  return {
    target: `${wire.pathname}${wire.search}`,
    headers: [
      ["Host", t.host],
      ...Object.entries(signed.headers)
        .filter(([n]) => n !== "host")
        .map(([n, v]) => [n, String(v)] as [string, string]),
    ],
  };
}

const setHeader = (r: RawRequest, name: string, f: (v: string) => string): RawRequest => ({
  ...r,
  headers: r.headers.map(([n, v]) => [n, n.toLowerCase() === name ? f(v) : v]),
});

function replaceAt(text: string, at: number, char: string): string {
  if (text.length === 0) return char;
  const i = at % text.length;
  return text.slice(0, i) + char + text.slice(i + 1);
}

function mutateQueryParam(target: string, param: string, action: "drop" | "duplicate" | "change"): string {
  const [p, q = ""] = target.split("?");
  const parts = q.split("&");
  if (!parts.some((part) => part.split("=")[0] === param)) return target;
  const out: string[] = [];
  for (const part of parts) {
    if (part.split("=")[0] !== param) out.push(part);
    else if (action === "duplicate") out.push(part, part);
    else if (action === "change") out.push(`${part}0`);
  }
  return `${p}?${out.join("&")}`;
}

export function applyMutation(t: FuzzTarget, valid: RawRequest, m: Mutation, denied: RawRequest): RawRequest | Buffer {
  switch (m.kind) {
    case "none":
      return valid;
    case "protoQuery": {
      const name = m.encoded ? encodeURIComponent(m.name).replace(/_/g, "%5F") : m.name;
      const sep = valid.target.includes("?") ? "&" : "?";
      return { ...valid, target: `${valid.target}${sep}${name}=${encodeURIComponent(m.value)}` };
    }
    case "signatureInQuery":
      return { ...valid, target: `${valid.target}${valid.target.includes("?") ? "&" : "?"}X-Amz-Signature=${m.value}` };
    case "duplicateHost":
      return { ...valid, headers: [...valid.headers, ["Host", m.same ? t.host : "evil.example"]] };
    case "dropHost":
      return { ...valid, headers: valid.headers.filter(([n]) => n.toLowerCase() !== "host") };
    case "otherHost":
      return setHeader(valid, "host", () =>
        m.host
          .replace("PORT", String(t.port))
          .replace("APIHOST", `${t.apiId ?? "abc"}.execute-api.${t.region}.amazonaws.com`)
          .replace("APIDOMAIN", `execute-api.${t.region}.amazonaws.com`),
      );
    case "signedHeadersName": {
      const withName = (list: string) => `${m.name};${list}`;
      if (valid.target.includes("X-Amz-SignedHeaders="))
        return {
          ...valid,
          target: valid.target.replace(
            /X-Amz-SignedHeaders=([^&]*)/,
            (_x, l: string) => `X-Amz-SignedHeaders=${encodeURIComponent(withName(decodeURIComponent(l)))}`,
          ),
        };
      return setHeader(valid, "authorization", (v) =>
        v.replace(/SignedHeaders=([^,]*)/, (_x, l: string) => `SignedHeaders=${withName(l)}`),
      );
    }
    case "authorizationSyntax": {
      const auth = valid.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1];
      const theirs = denied.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1] ?? "";
      const part = (v: string, p: string) => new RegExp(`${p}=([^, ]*)`).exec(v)?.[1] ?? "";
      const variants: ((v: string) => string)[] = [
        (v) => v.replace("Credential=", "Credential= "),
        (v) => `${v}, ${m.text || "garbage"}`,
        (v) => v.replace("Credential=", `Credential=${part(theirs, "Credential")}, Credential=`),
        (v) => v.replace("Signature=", `Signature=${part(theirs, "Signature")}, Signature=`),
        (v) => v.replace("Credential=", "credential="),
        (v) => v.replace(/, Signature=[0-9a-f]+/, ""),
        () => `Bearer ${m.text}`,
        (v) => v.replace(/, /g, ",\t"),
        () => m.text,
        (v) => v.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
        (v) => `${v},`,
        (v) => v.replace(/Credential=[^/]+/, `Credential=${m.text}`),
      ];
      const f = variants[m.variant % variants.length];
      if (auth === undefined) return { ...valid, headers: [...valid.headers, ["Authorization", f(theirs)]] };
      return setHeader(valid, "authorization", f);
    }
    case "duplicateHeader": {
      const existing = valid.headers.find(([n]) => n.toLowerCase() === m.name);
      const value = existing && m.same ? existing[1] : "20261124T000000Z";
      return { ...valid, headers: [...valid.headers, [m.name, value]] };
    }
    case "flip": {
      if (m.where === "target") return { ...valid, target: replaceAt(valid.target, m.at, m.char === " " ? "+" : m.char) };
      if (m.where === "body") return { ...valid, body: replaceAt(String(valid.body ?? ""), m.at, m.char) };
      const i = m.at % valid.headers.length;
      return {
        ...valid,
        headers: valid.headers.map(([n, v], j) => [
          n,
          j === i ? replaceAt(v, m.at >> 3, m.char === "\u00e9" ? "e" : m.char).trim() || "x" : v,
        ]),
      };
    }
    case "body":
      return {
        ...valid,
        body: "b".repeat(m.size),
        headers:
          m.contentSha === "none"
            ? valid.headers
            : [
                ...valid.headers,
                [
                  "x-amz-content-sha256",
                  m.contentSha === "unsigned" ? "UNSIGNED-PAYLOAD" : m.contentSha === "right" ? "x" : "0".repeat(64),
                ],
              ],
      };
    case "date":
      if (valid.target.includes("X-Amz-Date="))
        return { ...valid, target: valid.target.replace(/X-Amz-Date=[^&]*/, `X-Amz-Date=${encodeURIComponent(m.text)}`) };
      return {
        ...valid,
        headers: [
          ...valid.headers.filter(([n]) => n.toLowerCase() !== "x-amz-date"),
          ...(m.text ? [["Date", m.text] as [string, string]] : []),
        ],
      };
    case "presignParam":
      return { ...valid, target: mutateQueryParam(valid.target, m.param, m.action) };
    case "extraUnsignedHeader":
      return { ...valid, headers: [...valid.headers, [m.name, m.value.replace(/[\r\n]/g, "") || "x"]] };
    case "garbage":
      return Buffer.from(m.bytes);
    case "rawLine":
      return Buffer.from(`GET ${m.text} HTTP/1.1\r\nHost: ${t.host}\r\n${m.text}\r\n\r\n`, "latin1");
    case "apiIdHeader":
      return {
        ...valid,
        headers: [...valid.headers, ["x-apigw-api-id", m.value.replace("DECLARED", t.apiId ?? "abc").replace(/[\r\n]/g, "")]],
      };
    case "sigv4a":
      return sigV4aRequest(t.host, t.dataPath, t.region, t.caller, valid, m);
  }
}

/**
 * The oracle: a 200 is legitimate only for the valid request's exact signed content and, at an endpoint's
 * listener, when no x-apigw-api-id names another API than the declared one (that header is not signed).
 */
export function legitimateAccept(t: FuzzTarget, valid: RawRequest, sent: RawRequest | Buffer): boolean {
  if (!sameSignedContent(valid, sent)) return false;
  if (Buffer.isBuffer(sent) || t.apiId === undefined) return true;
  // HTTP trims a field value's surrounding whitespace (RFC 9110 §5.5); several lines of one field join into a list.
  const named = sent.headers.filter(([n]) => n.toLowerCase() === "x-apigw-api-id").map(([, v]) => v.trim());
  return named.length === 0 || (named.length === 1 && named[0] === t.apiId);
}

/** Names the valid request signed (from its Authorization header or X-Amz-SignedHeaders). */
function signedNames(valid: RawRequest): string[] {
  const auth = valid.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1];
  const list = auth
    ? /SignedHeaders=([^,]*)/.exec(auth)?.[1]
    : decodeURIComponent(/X-Amz-SignedHeaders=([^&]*)/.exec(valid.target)?.[1] ?? "");
  return (list ?? "").split(";");
}

/**
 * The answer AWS gives whatever the gateway's code says, for mutations whose rule is documented
 * (authErrors.ts cites each): the Authorization header variants AWS refuses as incomplete.
 */
export function expectedErrorType(m: Mutation, presigned: boolean): string | undefined {
  if (m.kind !== "authorizationSyntax" || presigned) return undefined;
  // 0: `Credential= AKIA…`, 1: trailing `, <text>` (missing equal-sign unless <text> has one), 2/3: repeated part.
  if (m.variant === 0 || m.variant === 2 || m.variant === 3) return "IncompleteSignatureException";
  // The text ends the header value, whose trailing whitespace HTTP drops (RFC 9110 §5.5).
  if (
    m.variant === 1 &&
    (m.text || "garbage")
      .replace(/[ \t]+$/, "")
      .split(/[ ,]/)
      .some((token) => token !== "" && !token.includes("="))
  )
    return "IncompleteSignatureException";
  return undefined;
}

const valuesOf = (r: RawRequest, name: string) => r.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

/** True when `sent` carries exactly the signed content of `valid` (the only case a 200 is legitimate). */
export function sameSignedContent(valid: RawRequest, sent: RawRequest | Buffer): boolean {
  if (Buffer.isBuffer(sent)) return rawRequestBytes(valid).equals(sent);
  if ((sent.method ?? "GET") !== (valid.method ?? "GET") || sent.target !== valid.target) return false;
  if (!Buffer.from(sent.body ?? "").equals(Buffer.from(valid.body ?? ""))) return false;
  return signedNames(valid).every((name) => {
    const a = valuesOf(valid, name);
    const b = valuesOf(sent, name);
    return a.length === b.length && a.every((v, i) => v === b[i]);
  });
}

export function fixBodyHash(sent: RawRequest | Buffer): RawRequest | Buffer {
  if (Buffer.isBuffer(sent)) return sent;
  const sha = (body: string) => createHash("sha256").update(body).digest("hex");
  return {
    ...sent,
    headers: sent.headers.map(([n, v]) => [n, n === "x-amz-content-sha256" && v === "x" ? sha(String(sent.body ?? "")) : v]),
  };
}

/** A valid request (presigned or header-signed) and what mutation `m` makes of it, a denied caller's header where it needs one. */
export async function mutatedRequest(
  t: FuzzTarget,
  m: Mutation,
  presigned: boolean,
): Promise<{ valid: RawRequest; sent: RawRequest | Buffer }> {
  const valid = await validRequest(t, presigned);
  const denied = m.kind === "authorizationSyntax" ? await validRequest({ ...t, caller: t.denied }, false) : valid;
  return { valid, sent: fixBodyHash(applyMutation(t, valid, m, denied)) };
}
