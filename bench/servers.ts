/**
 * `npm run bench`'s load targets, each in its own process so the load generator does not share their
 * CPU: `gateway` (the offline twin for the dev stack) or `bare` (a plain node:http server sending the
 * same status, headers and body). Prints one JSON line `{ url, … }` and serves until killed.
 * With BENCH_CPU_PROFILE=FILE it records a V8 CPU profile (what `node --cpu-prof` records) from
 * when it is ready until SIGTERM, so the profile shows serving, not start-up.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { Session } from "node:inspector";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { contractLine, startGateway, buildPlan } from "../twin";
import { HOLIDAYS_CONTENT_TYPE } from "../lib/holidays";

async function bare(): Promise<void> {
  const plan = await buildPlan("dev");
  const body = plan.dataDocument;
  // The gateway sends a fresh x-amzn-requestid per answer; the bare server sends one of the same length.
  const requestId = "00000000-0000-4000-8000-000000000000";
  // …and the same headers as its 200: a content-length (not chunked), the object's ETag and Last-Modified.
  const headers = {
    "content-type": HOLIDAYS_CONTENT_TYPE,
    "content-length": String(Buffer.byteLength(body)),
    "x-amzn-requestid": requestId,
    etag: `"${createHash("md5").update(body).digest("hex")}"`,
    "last-modified": new Date().toUTCString(),
  };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/${plan.stageName}/api/v1/data.json` })}\n`);
}

async function gateway(): Promise<void> {
  const gw = await startGateway(await buildPlan("dev"));
  process.stdout.write(`${contractLine(gw)}\n`);
}

function startProfile(file: string | undefined): () => void {
  if (!file) return () => undefined;
  const session = new Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.start"));
  return () =>
    session.post("Profiler.stop", (err, result) => {
      if (!err) fs.writeFileSync(file, JSON.stringify(result.profile));
      process.exit(0);
    });
}

const mode = process.argv[2];
(mode === "bare"
  ? bare()
  : mode === "gateway"
    ? gateway()
    : Promise.reject(new Error(`usage: servers.ts bare|gateway (got ${String(mode)})`))
)
  .then(() => {
    const stopProfile = startProfile(process.env.BENCH_CPU_PROFILE);
    process.once("SIGTERM", () => (process.env.BENCH_CPU_PROFILE ? stopProfile() : process.exit(0)));
  })
  .catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  });
