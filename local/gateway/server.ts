/**
 * The offline twin's transport: a loopback HTTP server (127.0.0.1 only) that reads each request and
 * hands it to the pipeline (pipeline.ts), which answers as the deployed API Gateway would.
 *
 * `npm run gateway -- [--port N] [--stack dev]` prints one JSON line (the contract) and runs until
 * SIGINT/SIGTERM.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { HOLIDAYS_PATH } from "../../lib/holidays";
import { LocalIdentity, localIdentities } from "../identities";
import { Plan, buildPlan } from "../plan";
import { AnswerObserver, createPipeline, errorAnswer } from "./pipeline";

export const MAX_BODY_BYTES = 64 * 1024;

export interface GatewayOptions {
  port?: number;
  /** Adjusts the local identities (tests add callers of their own). */
  identities?: (base: LocalIdentity[]) => LocalIdentity[];
  /** Fixed clock for tests. */
  now?: () => Date;
  /** Sees every answer the pipeline gives, with the path the request took (the story prints it). */
  onAnswer?: AnswerObserver;
}

export interface RunningGateway {
  url: string;
  dataUrl: string;
  region: string;
  identities: LocalIdentity[];
  plan: Plan;
  close(): Promise<void>;
}

export async function startGateway(plan: Plan, opts: GatewayOptions = {}): Promise<RunningGateway> {
  const base = localIdentities(plan);
  const identities = opts.identities ? opts.identities(base) : base;
  const answer = createPipeline(plan, identities, opts.now, opts.onAnswer);

  const server = http.createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 10_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const done = tooLarge
        ? Promise.resolve(errorAnswer(413, "RequestEntityTooLargeException", "Request Too Long"))
        : answer({
          method: req.method ?? "GET",
          rawUrl: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks),
          sourceIp: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
        }).catch((err: Error) => {
          // Never a 5xx for anything a client can send: an unforeseen input is a bad request.
          process.stderr.write(`gateway: rejected a request it could not process: ${err.message}\n`);
          return errorAnswer(400, "BadRequestException", "Bad Request");
        });
      void done.then((a) => {
        if (res.destroyed) return;
        const headers: Record<string, string> = {
          "content-type": a.contentType ?? "application/json",
          "x-amzn-requestid": randomUUID(),
        };
        if (a.errorType) headers["x-amzn-errortype"] = a.errorType;
        for (const [name, value] of a.headers ?? []) headers[name.toLowerCase()] = value;
        res.writeHead(a.status, headers);
        res.end(a.body);
      });
    });
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"message\":\"Bad Request\"}");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/${plan.stageName}`;
  return {
    url,
    dataUrl: `${url}/${HOLIDAYS_PATH}`,
    region: plan.region,
    identities,
    plan,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The one-line JSON contract printed first on stdout. */
export function contractLine(gw: RunningGateway): string {
  const creds = (i: LocalIdentity) => ({ arn: i.caller.principalArn, accessKeyId: i.accessKeyId, secretAccessKey: i.secretAccessKey, sessionToken: i.sessionToken });
  return JSON.stringify({
    url: gw.url,
    dataUrl: gw.dataUrl,
    region: gw.region,
    allowed: gw.identities.filter((i) => i.expectAllowed).map(creds),
    denied: gw.identities.filter((i) => !i.expectAllowed).map(creds),
  });
}

export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`--port ${JSON.stringify(text)}: expected a port number 0-65535 (0 picks any free port)`);
  }
  return n;
}

if (require.main === module) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  (async () => {
    const port = parsePort(arg("--port"));
    const gw = await startGateway(await buildPlan(arg("--stack") ?? "dev"), { port });
    process.stdout.write(`${contractLine(gw)}\n`);
    process.stderr.write(`local execute-api gateway listening on ${gw.url} (Ctrl-C to stop)\n`);
    const stop = () => void gw.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  })().catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
}
