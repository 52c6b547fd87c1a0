/**
 * How the story sends one signed GET: over a real socket from a loopback source address (127.0.0.0/8
 * can be bound), or, for a source address loopback cannot originate (203.0.113.10, 2001:db8::10), as the
 * same signed request handed to the gateway's pipeline in-process with that `aws:SourceIp`.
 */
import * as http from "node:http";
import { createSigner } from "../sigv4/signer";
import { toHttpRequest } from "../sigv4/signingRequest";
import type { LocalIdentity } from "./identities";
import type { Pipeline } from "./gateway/pipeline";

export interface Reply {
  status: number;
  contentType?: string;
  errorType?: string;
  body: string;
}

/** A source address 127.0.0.0/8 can originate: any loopback IPv4 address. */
export const isLoopbackSource = (ip: string): boolean => /^127\.\d+\.\d+\.\d+$/.test(ip);

async function signedHeaders(url: string, who: LocalIdentity, region: string, tamper: boolean): Promise<Record<string, string>> {
  const signer = createSigner({
    region,
    credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey, sessionToken: who.sessionToken },
  });
  const signed = await signer.sign(toHttpRequest(url, { method: "GET" }), { signingDate: new Date() });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = String(v);
  if (tamper)
    headers.authorization = headers.authorization.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === "0" ? "1" : "0"}`);
  return headers;
}

function overSocket(url: string, headers: Record<string, string>, localAddress: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "GET", headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"],
          errorType: res.headers["x-amzn-errortype"] as string | undefined,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Sends `GET url` signed as `who` (or unsigned) from `sourceIp`. */
export async function sendGet(opts: {
  url: string;
  region: string;
  who?: LocalIdentity;
  sourceIp: string;
  pipeline: Pipeline;
  tamper?: boolean;
  /** Headers added after signing (unsigned), e.g. `x-apigw-api-id`. */
  extraHeaders?: Record<string, string>;
}): Promise<Reply> {
  const headers = {
    ...(opts.who ? await signedHeaders(opts.url, opts.who, opts.region, opts.tamper ?? false) : { host: new URL(opts.url).host }),
    ...opts.extraHeaders,
  };
  if (isLoopbackSource(opts.sourceIp)) return overSocket(opts.url, headers, opts.sourceIp);
  const u = new URL(opts.url);
  const a = opts.pipeline({
    method: "GET",
    rawUrl: `${u.pathname}${u.search}`,
    headers,
    body: Buffer.alloc(0),
    sourceIp: opts.sourceIp,
  });
  return { status: a.status, contentType: a.contentType ?? "application/json", errorType: a.errorType, body: a.body };
}
