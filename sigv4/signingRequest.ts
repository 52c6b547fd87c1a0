/**
 * URL + init → the `HttpRequest` that SignatureV4 signs, and back to the exact URL that goes on the
 * wire. The query is re-encoded with the signer's own canonical encoding, so what is sent is what
 * was signed, whatever ordering, repetition, empty values or UTF-8 the caller's URL used.
 */
import { getCanonicalQuery } from "@smithy/signature-v4";
import type { HttpRequest, QueryParameterBag } from "@smithy/types";

export interface SignableInit {
  method?: string;
  headers?: Record<string, string> | Headers | [string, string][];
  body?: string | Uint8Array;
}

/** Parses a raw query string (`a=1&b=&a=2`) without treating `+` as a space; keys keep their order of values. */
export function parseQuery(search: string): QueryParameterBag {
  const query: Record<string, string | string[] | null> = {};
  const raw = search.startsWith("?") ? search.slice(1) : search;
  if (raw === "") return query;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    const prev = query[key];
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
  if (headers instanceof Headers) return [...headers.entries()];
  return Array.isArray(headers) ? headers : Object.entries(headers);
}

/** Builds the request to sign: lower-case header names, a `host` header with any non-default port. */
export function toHttpRequest(input: string | URL, init: SignableInit = {}): HttpRequest {
  const url = typeof input === "string" ? new URL(input) : input;
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`Unsupported URL scheme ${JSON.stringify(url.protocol)} in ${url.href}: expected https: (or http: for a loopback gateway)`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of headerEntries(init.headers)) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
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

/** The URL to send: scheme, host, the path as given and the canonically encoded query. */
export function wireUrl(request: HttpRequest): string {
  const query = getCanonicalQuery(request);
  const host = request.headers.host ?? request.hostname;
  return `${request.protocol}//${host}${request.path}${query ? `?${query}` : ""}`;
}
