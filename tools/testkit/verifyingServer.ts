/**
 * A loopback HTTP server for client tests. It verifies every request's SigV4 signature on its own
 * (from the raw request line and headers, with the same verifier as the local gateway), records
 * what arrived, then answers with whatever the test scripts.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { IncomingSignedRequest, LocalCredentials, verifySigV4 } from "../../twin";

export interface Seen {
  method: string;
  rawUrl: string;
  /** The request headers as received (lower-case names). */
  headers: http.IncomingHttpHeaders;
  body: string;
  accessKeyId?: string;
  verified: boolean;
  failure?: string;
}

export type Reply = {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Send the status and headers at once, and the body this much later. */
  bodyDelayMs?: number;
};

export interface VerifyingServer {
  url: string;
  seen: Seen[];
  connections: number;
  /** Answers for the next requests in order; when empty, 200 with `{"ok":true}` for verified requests. */
  script: Reply[];
  close(): Promise<void>;
}

export async function startVerifyingServer(opts: { region: string; credentials: LocalCredentials[] }): Promise<VerifyingServer> {
  const byKey = new Map(opts.credentials.map((c) => [c.accessKeyId, c]));
  const state: VerifyingServer = { url: "", seen: [], connections: 0, script: [], close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const incoming: IncomingSignedRequest = { method: req.method ?? "GET", rawUrl: req.url ?? "/", headers: req.headers, body };
      const result = verifySigV4(incoming, {
        region: opts.region,
        service: "execute-api",
        lookup: (k) => {
          const c = byKey.get(k);
          return c ? { identity: k, credentials: c } : undefined;
        },
      });
      state.seen.push({
        method: incoming.method,
        rawUrl: incoming.rawUrl,
        headers: req.headers,
        body: body.toString("utf8"),
        accessKeyId: result.ok ? result.identity : undefined,
        verified: result.ok,
        failure: result.ok ? undefined : result.message,
      });
      const reply =
        state.script.shift() ??
        (result.ok
          ? { status: 200, body: JSON.stringify({ ok: true }), headers: { "content-type": "application/json" } }
          : { status: 403, body: JSON.stringify({ message: result.message }), headers: { "x-amzn-errortype": result.errorType } });
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {});
        if (!reply.bodyDelayMs) {
          res.end(reply.body ?? "");
          return;
        }
        res.flushHeaders();
        setTimeout(() => res.destroyed || res.end(reply.body ?? ""), reply.bodyDelayMs);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
