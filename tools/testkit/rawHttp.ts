/**
 * One HTTP/1.1 exchange over a raw socket, byte for byte as given: repeated or missing headers,
 * any request target, any body. Node's http client would normalize or refuse much of that.
 */
import * as net from "node:net";

export interface RawRequest {
  method?: string;
  /** Request target as sent: path and query, not re-encoded. */
  target: string;
  /** Header lines in order; a name may repeat. No Host is added unless listed. */
  headers: [string, string][];
  body?: Buffer | string;
  /** Request line protocol. Default HTTP/1.1. */
  protocol?: string;
}

export interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export function rawRequestBytes(r: RawRequest): Buffer {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const lines = [`${r.method ?? "GET"} ${r.target} ${r.protocol ?? "HTTP/1.1"}`, ...r.headers.map(([n, v]) => `${n}: ${v}`)];
  if (body.length > 0 && !r.headers.some(([n]) => n.toLowerCase() === "content-length")) lines.push(`Content-Length: ${body.length}`);
  lines.push("Connection: close");
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), body]);
}

/** Parses one HTTP response (Content-Length bodies; the gateway always sends one). */
export function parseAnswer(data: Buffer): RawAnswer | undefined {
  const text = data.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (end === -1 || !m) return undefined;
  const headers = new Map<string, string>();
  for (const line of text.slice(0, end).split("\r\n").slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(m[1]), headers, body: data.subarray(end + 4).toString("utf8") };
}

/**
 * Sends the request and resolves with the answer (undefined if the connection closed without one).
 * Raw bytes are sent with a half-close, so an incomplete message ends at once instead of waiting
 * for the server's header deadline.
 */
export function rawExchange(port: number, r: RawRequest | Buffer, timeoutMs = 10_000): Promise<RawAnswer | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks)));
    };
    socket.setTimeout(timeoutMs, done);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", done);
    socket.on("close", done);
    socket.on("error", done);
    if (Buffer.isBuffer(r)) socket.end(r);
    else socket.write(rawRequestBytes(r));
  });
}

export const answerMessage = (a: RawAnswer | undefined): string | undefined => {
  if (!a) return undefined;
  try {
    const b = JSON.parse(a.body) as { message?: string; Message?: string };
    return b.message ?? b.Message;
  } catch {
    return undefined;
  }
};
