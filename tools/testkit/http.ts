import * as http from "node:http";
import { createSigner } from "../../sigv4/signer";
import { toHttpRequest } from "../../sigv4/signingRequest";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request with node:http, optionally from a chosen loopback source address. */
export function send(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: opts.method ?? "GET", headers: opts.headers, localAddress: opts.localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** SigV4 headers for a request, with full control over date, region and service (for negative tests). */
export async function sign(
  url: string,
  creds: Creds,
  opts: { region: string; service?: string; date?: Date; method?: string; headers?: Record<string, string> },
): Promise<Record<string, string>> {
  const request = toHttpRequest(url, { method: opts.method ?? "GET", headers: opts.headers });
  const signer = createSigner({ service: opts.service, region: opts.region, credentials: creds });
  const signed = await signer.sign(request, { signingDate: opts.date ?? new Date() });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k] = String(v);
  return out;
}
