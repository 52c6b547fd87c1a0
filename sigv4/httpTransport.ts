/**
 * The default transport: node:http/https with a keep-alive agent, the body read whole into a
 * {@link BufferedResponse}. Not the global fetch: its first call loads undici, more than the rest of a
 * cold start together (docs/benchmarks-signer.md). {@link fetchTransport} takes any fetch instead.
 */
import * as http from "node:http";
import type * as https from "node:https";
import { BufferedResponse, ResponseHeaders } from "./bufferedResponse";

/** What the client passes for one attempt. */
export interface TransportInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /**
   * The attempt's time budget, ms: past it the attempt is abandoned and rejects with an error named
   * `TimeoutError`, as fetch does for `AbortSignal.timeout`. Redirects are answered, not followed.
   */
  timeoutMs: number;
}

/** Sends one request and resolves to its response. */
export type Transport = (url: string, init: TransportInit) => Promise<Response>;

/** A fetch-compatible function (`globalThis.fetch`, a test double, …). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Any fetch-compatible function as a transport: the budget becomes `AbortSignal.timeout`, redirects are not followed. */
export function fetchTransport(fetchLike: FetchLike): Transport {
  return (url, { method, headers, body, timeoutMs }) =>
    fetchLike(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * What a timed-out attempt rejects with: the name and message of the DOMException that
 * `AbortSignal.timeout` aborts with (WHATWG DOM, "AbortSignal.timeout()": a "TimeoutError"
 * DOMException; Node's message), so the client handles both transports' timeouts alike.
 */
function timeoutError(): Error {
  return Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });
}

const agents: { http?: http.Agent; https?: https.Agent } = {};

function agentFor(protocol: string): { request: typeof http.request; agent: http.Agent } {
  if (protocol === "https:") {
    // Loaded on the first https call only: a loopback (http) caller never pays for TLS.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tls = require("node:https") as typeof https;
    agents.https ??= new tls.Agent({ keepAlive: true });
    return { request: tls.request, agent: agents.https };
  }
  agents.http ??= new http.Agent({ keepAlive: true });
  return { request: http.request, agent: agents.http };
}

/** Content codings fetch decodes; anything else is answered as received, as fetch does. */
function decode(body: Buffer, encoding: string | null): Buffer {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === "identity") return body;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const zlib = require("node:zlib") as typeof import("node:zlib");
  if (coding === "gzip" || coding === "x-gzip") return zlib.gunzipSync(body);
  if (coding === "deflate") return zlib.inflateSync(body);
  if (coding === "br") return zlib.brotliDecompressSync(body);
  return body;
}

export const nodeTransport: Transport = (url, init) =>
  new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    const { request, agent } = agentFor(target.protocol);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = request(target, { method: init.method, headers: init.headers, agent });
    // A timer, not an AbortSignal, whose first use costs a cold start ≈1 ms; set before any listener,
    // so settle() always sees it.
    const timer = setTimeout(() => {
      settle(() => reject(timeoutError()));
      req.destroy();
    }, init.timeoutMs);
    req.on("error", (err) => settle(() => reject(err)));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (err) => settle(() => reject(err)));
      res.on("aborted", () =>
        settle(() => reject(Object.assign(new Error("socket hang up: the response was cut short"), { code: "ECONNRESET" }))),
      );
      res.on("end", () =>
        settle(() => {
          const headers = ResponseHeaders.fromRaw(res.rawHeaders);
          let body: Buffer;
          try {
            body = decode(Buffer.concat(chunks), headers.get("content-encoding"));
          } catch (err) {
            reject(err);
            return;
          }
          resolve(new BufferedResponse(body, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers, url }));
        }),
      );
    });
    req.end(init.body);
  });
