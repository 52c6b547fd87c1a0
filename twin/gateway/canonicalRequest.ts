/**
 * The SigV4 canonical request from the request as it arrived (raw target, header lines, body), independent of
 * the signer, by "Create a signed AWS API request" (IAM User Guide) and AWS's suite (tests/twin/canonicalRequest.test.ts).
 */
import { hash } from "node:crypto";

export type QueryPair = readonly [name: string, value: string];

export interface ParsedQuery {
  pairs: QueryPair[];
  /** Some component had invalid percent-encoding (kept raw in `pairs`); no signature can match. */
  malformed: boolean;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 encoding of every UTF-8 byte except unreserved characters (and `/` when asked). */
export function uriEncode(text: string, keepSlash = false): string {
  let out = "";
  for (const ch of text) {
    if (UNRESERVED.test(ch) || (keepSlash && ch === "/")) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A path that normalizing and encoding leave as it is: unreserved characters and single `/`, no `.` or `..` segment. */
const ALREADY_CANONICAL = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~]+)*\/?$/;

/** `/a/./b/../c//d/` → `/a/c/d/`, then encoded: non-S3 services encode the wire path twice (botocore `_normalize_url_path`). */
export function canonicalUri(wirePath: string): string {
  if (wirePath !== "" && ALREADY_CANONICAL.test(wirePath)) return wirePath; // the common case, unchanged
  const segments: string[] = [];
  for (const segment of wirePath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && wirePath.endsWith("/") ? "/" : "";
  return uriEncode(`/${segments.join("/")}${trailing}`, true);
}

function decodeComponent(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

/** Splits a raw query string (`a=1&b=&c`) into decoded pairs. `+` stays `+`; empty pairs are skipped. */
export function parseRawQuery(raw: string): ParsedQuery {
  const pairs: QueryPair[] = [];
  let malformed = false;
  if (raw === "") return { pairs, malformed };
  for (const part of raw.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? "" : part.slice(eq + 1);
    const name = decodeComponent(rawName);
    const value = decodeComponent(rawValue);
    if (name === undefined || value === undefined) malformed = true;
    pairs.push([name ?? rawName, value ?? rawValue]);
  }
  return { pairs, malformed };
}

/** Sorted by encoded name, then by encoded value; `omitIndex` leaves one pair out (a presigned URL's own signature). */
export function canonicalQuery(pairs: readonly QueryPair[], omitIndex = -1): string {
  const encoded: [string, string][] = [];
  pairs.forEach(([name, value], i) => {
    if (i !== omitIndex) encoded.push([uriEncode(name), uriEncode(value)]);
  });
  encoded.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return encoded.map(([n, v]) => `${n}=${v}`).join("&");
}

/**
 * Header lines by lower-case name, values in arrival order. From Node's `rawHeaders` (every line as
 * sent) when available; otherwise from a headers record (Node has already merged duplicates there).
 */
export function headerLines(
  rawHeaders: readonly string[] | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    const list = lines.get(key);
    if (list) list.push(value);
    else lines.set(key, [value]);
  };
  if (rawHeaders) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) add(rawHeaders[i], rawHeaders[i + 1]);
    return lines;
  }
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value)) value.forEach((v) => add(name, v));
    else if (typeof value === "string") add(name, value);
  }
  return lines;
}

/** All lines of one header joined with `,` in arrival order (suite case get-header-value-order), or undefined. */
export function joinedHeader(lines: ReadonlyMap<string, readonly string[]>, name: string): string | undefined {
  const values = lines.get(name);
  return values === undefined ? undefined : values.join(",");
}

const canonicalValue = (value: string) => value.trim().replace(/ +/g, " ");

/**
 * `name:value\n` for each signed name in the order given, or undefined when a signed header is
 * missing (no signature over it can match).
 */
export function canonicalHeaders(lines: ReadonlyMap<string, readonly string[]>, signedNames: readonly string[]): string | undefined {
  let out = "";
  for (const name of signedNames) {
    const values = lines.get(name);
    if (values === undefined) return undefined;
    out += `${name}:${values.map(canonicalValue).join(",")}\n`;
  }
  return out;
}

/** One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per call, about 0.5 µs less than createHash for a canonical request. */
export const sha256Hex = (data: string | Uint8Array): string => hash("sha256", data, "hex");

/** SHA-256 of no bytes: a GET's payload hash, computed once. */
const EMPTY_PAYLOAD_SHA256 = sha256Hex("");

export interface CanonicalRequestParts {
  method: string;
  wirePath: string;
  query: readonly QueryPair[];
  /** Index of the query pair the signature itself occupies (presigned URLs), or -1. */
  omitQueryIndex: number;
  headers: ReadonlyMap<string, readonly string[]>;
  signedNames: readonly string[];
  /** The `SignedHeaders` text exactly as the client sent it. */
  signedHeadersText: string;
  body: Uint8Array;
}

export function canonicalRequest(p: CanonicalRequestParts): string | undefined {
  const headers = canonicalHeaders(p.headers, p.signedNames);
  if (headers === undefined) return undefined;
  return [
    p.method,
    canonicalUri(p.wirePath),
    canonicalQuery(p.query, p.omitQueryIndex),
    headers,
    p.signedHeadersText,
    p.body.length === 0 ? EMPTY_PAYLOAD_SHA256 : sha256Hex(p.body),
  ].join("\n");
}
