/**
 * URL + init → the `HttpRequest` to sign, and back to the URL on the wire, its query re-encoded in
 * SigV4's canonical form so that what is sent is what was signed. Query bags are prototype-free.
 */
import type { HttpRequest, QueryParameterBag } from "@smithy/types";

export interface SignableInit {
  method?: string;
  headers?: Record<string, string> | Headers | [string, string][];
  body?: string | Uint8Array;
}

/** Parses a raw query string (`a=1&b=&a=2`) without treating `+` as a space; keys keep their order of values. */
export function parseQuery(search: string): QueryParameterBag {
  const query: Record<string, string | string[] | null> = Object.create(null) as Record<string, string | string[] | null>;
  const raw = search.startsWith("?") ? search.slice(1) : search;
  if (raw === "") return query;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    const prev = Object.hasOwn(query, key) ? query[key] : undefined;
    if (prev === undefined || prev === null) query[key] = value;
    else query[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return query;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw new TypeError(`Invalid percent-encoding in query component ${JSON.stringify(component)}`);
  }
}

function headerEntries(headers: SignableInit["headers"]): [string, string][] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers;
  // A Headers object iterates [name, value] pairs. Tested without `instanceof Headers`: on Node 20/22
  // the first touch of the global Headers loads undici (≈20 ms of a cold start).
  if (Symbol.iterator in headers) return [...(headers as Headers)] as [string, string][];
  return Object.entries(headers);
}

/** Builds the request to sign: lower-case header names, a `host` header with any non-default port. */
export function toHttpRequest(input: string | URL, init: SignableInit = {}): HttpRequest {
  const url = typeof input === "string" ? new URL(input) : input;
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `Unsupported URL scheme ${JSON.stringify(url.protocol)} in ${url.href}: expected https: (or http: for a loopback gateway)`,
    );
  }
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of headerEntries(init.headers)) {
    const key = name.toLowerCase();
    headers[key] = Object.hasOwn(headers, key) ? `${headers[key]},${value}` : value;
  }
  headers.host = url.host;
  const method = (init.method ?? "GET").toUpperCase();
  return {
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: url.pathname,
    query: parseQuery(url.search),
    headers,
    body: init.body,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex. */
export function sigv4Encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical query string of a query bag: names and values encoded, sorted by name then value.
 * Reads only own keys and never writes into a keyed plain object, so `__proto__`, `constructor` and
 * the like are ordinary names.
 */
export function canonicalQueryString(query: QueryParameterBag | undefined): string {
  if (!query) return "";
  const pairs: [string, string][] = [];
  for (const name of Object.keys(query)) {
    const value = query[name];
    const values = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
    for (const v of values) pairs.push([sigv4Encode(name), sigv4Encode(v)]);
  }
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join("&");
}

/** The URL to send: scheme, host, the path as given and the canonically encoded query. */
export function wireUrl(request: HttpRequest): string {
  const query = canonicalQueryString(request.query);
  const host = request.headers.host ?? request.hostname;
  return `${request.protocol}//${host}${request.path}${query ? `?${query}` : ""}`;
}
