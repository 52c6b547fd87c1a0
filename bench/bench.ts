/**
 * `npm run bench`: speed and size budgets, each beside its comparison, measured in one run on this
 * machine. Prints a table; exits 1 if a budget is missed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { deflateRawSync } from "node:zlib";
import autocannon from "autocannon";
import * as aws4 from "aws4";
import { buildSync } from "esbuild";
import { bundleCaller, writeCallerBundle } from "../scripts/bundle";
import { createSignedFetch } from "../sigv4/signedFetch";
import { createSigner } from "../sigv4/signer";
import { toHttpRequest } from "../sigv4/signingRequest";
import { startGateway } from "../local/gateway/server";
import { buildPlan } from "../local/plan";
import { sign } from "../tests/helpers/http";
import { parseCommandLineOrExit } from "../local/cli";

const ROOT = path.join(__dirname, "..");
const BENCH_COMMAND = {
  command: "npm run bench",
  summary: "Measures each speed and size budget beside its comparison in the same run and prints a table.",
  options: { quick: { type: "boolean", help: "a shorter run (fewer repetitions)" } },
} as const;
const QUICK = parseCommandLineOrExit(BENCH_COMMAND, process.argv.slice(2)).values.quick === true;
const rows: { metric: string; value: string; comparison: string; budget: string; ok: boolean | undefined }[] = [];
const row = (metric: string, value: string, comparison: string, budget = "", ok?: boolean) => rows.push({ metric, value, comparison, budget, ok });

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function wallMs(args: string[], env: Record<string, string>): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function benchBundle(): string {
  const { code } = bundleCaller();
  const zipped = deflateRawSync(code, { level: 9 }).length + 120; // + zip local/central headers for one entry
  row("bundle size (dist/caller/index.js)", `${kib(Buffer.byteLength(code))} raw, ${kib(zipped)} zipped`, "", "≤ 150 KiB zipped", zipped <= 150 * 1024);
  return writeCallerBundle().path;
}

/** The same handler, transpiled file by file (no bundling), requiring the SDK from node_modules. */
function unbundledEntry(): string {
  const out = path.join(ROOT, "dist", "unbundled");
  fs.rmSync(out, { recursive: true, force: true });
  // lambda/, sigv4/ and the pure lib/ modules they import, one output file per source file, same layout.
  const files = ["lambda", "sigv4", "lib", "lib/iam"].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith(".ts")).map((f) => path.join(ROOT, dir, f)));
  buildSync({ entryPoints: files, outdir: out, outbase: ROOT, platform: "node", format: "cjs", target: "node20", bundle: false, logLevel: "silent" });
  return path.join(out, "lambda", "handler.js");
}

function benchColdInit(bundlePath: string): void {
  const runs = QUICK ? 7 : 21;
  const env = { API_URL: "https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json", AWS_REGION: "ap-northeast-1" };
  const unbundled = unbundledEntry();
  const bare: number[] = [];
  const bundled: number[] = [];
  const modules: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so drift on the machine hits all three alike.
    bare.push(wallMs(["-e", "0"], env));
    bundled.push(wallMs(["-e", `require(${JSON.stringify(bundlePath)})`], env));
    modules.push(wallMs(["-e", `require(${JSON.stringify(unbundled)})`], env));
  }
  const b = median(bundled) - median(bare);
  const u = median(modules) - median(bare);
  row(`cold init (require − bare node -e 0), median of ${runs}`, ms(b), `unbundled from node_modules: ${ms(u)} (bare node: ${ms(median(bare))})`, "≤ 30 ms", b <= 30);
}

async function loopbackServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"2026-01-01":"元日"}');
  });
  server.on("connection", () => connections++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/api/v1/data.json`,
    connections: () => connections,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function benchSignedVsUnsigned(): Promise<void> {
  const server = await loopbackServer();
  const signed = createSignedFetch({ region: "ap-northeast-1", credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" }) });
  const calls = 100;
  const time = async (fn: () => Promise<Response>) => {
    const out: number[] = [];
    await (await fn()).text(); // warm: connection open, JIT warm
    for (let i = 0; i < calls; i++) {
      await new Promise((r) => setImmediate(r)); // warm invocations are event-loop turns apart
      const t = performance.now();
      await (await fn()).text();
      out.push(performance.now() - t);
    }
    return out;
  };
  const before = server.connections();
  const unsignedTimes = await time(() => fetch(server.url));
  const afterUnsigned = server.connections();
  const signedTimes = await time(() => signed(server.url));
  const signedConnections = server.connections() - afterUnsigned;
  await server.close();
  row(`signed fetch, ${calls} warm sequential calls (p50 / p99)`, `${ms(median(signedTimes))} / ${ms(quantile(signedTimes, 0.99))}`,
    `unsigned fetch: ${ms(median(unsignedTimes))} / ${ms(quantile(unsignedTimes, 0.99))}; overhead p50 ${ms(median(signedTimes) - median(unsignedTimes))}`);
  row(`TCP connections for ${calls} warm signed calls`, String(signedConnections), `unsigned: ${afterUnsigned - before}`, "1", signedConnections === 1);
}

async function benchSigning(): Promise<void> {
  const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token" };
  const url = "https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json?b=2&a=1";
  const signer = createSigner({ region: "ap-northeast-1", credentials: creds });
  const date = new Date();
  const n = QUICK ? 1000 : 4000;

  const perOp = async (fn: () => unknown): Promise<number> => {
    const batches: number[] = [];
    for (let b = 0; b < 5; b++) {
      const t = performance.now();
      for (let i = 0; i < n; i++) await fn();
      batches.push(((performance.now() - t) * 1000) / n);
    }
    return median(batches);
  };
  const ours = await perOp(() => signer.sign(toHttpRequest(url), { signingDate: date }));
  const u = new URL(url);
  const viaAws4 = await perOp(() => aws4.sign({ host: u.host, path: `${u.pathname}${u.search}`, service: "execute-api", region: "ap-northeast-1", method: "GET" }, creds));
  const floor = await perOp(() => rawCryptoSign(creds.secretAccessKey, u.host, u.pathname, "a=1&b=2", creds.sessionToken));
  row("SigV4 signing µs/op (median of 5 batches)", `${ours.toFixed(1)} µs (@smithy/signature-v4 + @aws-crypto/sha256-js)`,
    `aws4: ${viaAws4.toFixed(1)} µs; raw node:crypto floor: ${floor.toFixed(1)} µs`);
}

/** The least work SigV4 needs: one canonical request, one SHA-256, five HMACs (node:crypto, no caching). */
function rawCryptoSign(secret: string, host: string, p: string, query: string, token: string): string {
  const amzDate = "20261124T000000Z";
  const scope = "20261124/ap-northeast-1/execute-api/aws4_request";
  const canonical = `GET\n${p}\n${query}\nhost:${host}\nx-amz-date:${amzDate}\nx-amz-security-token:${token}\n\nhost;x-amz-date;x-amz-security-token\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`;
  const sts = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update("20261124").digest();
  for (const part of ["ap-northeast-1", "execute-api", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  return createHmac("sha256", key).update(sts).digest("hex");
}

async function benchGateway(): Promise<void> {
  const plan = await buildPlan("dev");
  const gw = await startGateway(plan);
  try {
    const [caller] = gw.identities;
    const headers = await sign(gw.dataUrl, caller, { region: gw.region });
    const duration = QUICK ? 3 : 10;
    const result = await autocannon({ url: gw.dataUrl, headers, connections: 10, duration });
    const non2xx = result.non2xx;
    row(`local gateway, signed GETs (autocannon, 10 connections, ${duration} s)`, `${Math.round(result.requests.average)} req/s`,
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; non-2xx ${non2xx}, errors ${result.errors}`, "0 non-2xx", non2xx === 0 && result.errors === 0);
  } finally {
    await gw.close();
  }
}

function benchPlan(): void {
  const runs = QUICK ? 3 : 5;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "local", "plan.ts")], { cwd: ROOT, stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  row(`offline plan (npm run plan, whole process), median of ${runs}`, ms(median(times)), "", "≤ 3 s", median(times) <= 3000);
}

function printTable(): void {
  const headers = ["metric", "value", "comparison (same run)", "budget", ""];
  const table = rows.map((r) => [r.metric, r.value, r.comparison, r.budget, r.ok === undefined ? "" : r.ok ? "ok" : "MISSED"]);
  const widths = headers.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const t of table) console.log(line(t));
}

(async () => {
  const cpu = (await import("node:os")).cpus();
  console.log(`holidays-api bench — node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "cpu"}${QUICK ? " (quick)" : ""}\n`);
  const bundlePath = benchBundle();
  benchColdInit(bundlePath);
  await benchSignedVsUnsigned();
  await benchSigning();
  await benchGateway();
  benchPlan();
  printTable();
  process.exit(rows.some((r) => r.ok === false) ? 1 : 0);
})().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
