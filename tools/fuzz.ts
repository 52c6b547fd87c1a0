/**
 * `npm run fuzz -- --requests N --seed S [--concurrency C]`: a long hostile run against the gateway
 * as users run it (`twin/gateway/server.ts` in its own process, stderr read). The same generator
 * and oracle as the property test (tests/helpers/hostileRequests.ts). Reports counts by class and
 * status, crashes, unexpected 5xx, false accepts, internal exceptions (the gateway's own count, from
 * its last stderr line), the gateway's RSS before and after, and the latency of valid requests sent
 * beside the load. Exits 1 if any of those is not zero, 2 on a usage error (the shared parser, tools/cli/args.ts).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import fc from "fast-check";
import {
  FuzzTarget,
  Mutation,
  expectedErrorType,
  legitimateAccept,
  mutatedRequest,
  mutationArb,
  validRequest,
} from "./testkit/hostileRequests";
import { rawExchange } from "./testkit/rawHttp";
import {
  type ControlPlaneCase,
  type ControlPlaneTarget,
  buildControlPlaneRequest,
  controlPlaneCaseArb,
  errorCodeOf,
  expectedCodes,
} from "./testkit/controlPlaneHostile";
import { send } from "./testkit/http";
import { Parsed, STACK_OPTIONS, UsageError, runMain, stackArgs } from "./cli/args";

export const FUZZ_COMMAND = {
  command: "npm run fuzz",
  summary:
    "A long hostile run against the gateway process (the property test's generator and oracle): counts by class and status, crashes, unexpected 5xx, false accepts, internal exceptions, memory, and the latency of valid requests beside the load. Exits 1 if any of those is not zero.",
  options: {
    requests: { type: "string", value: "N", help: "hostile requests to send (default 5000)" },
    seed: { type: "string", value: "S", help: "seed of the generator, to replay a run (default 1)" },
    concurrency: { type: "string", value: "C", help: "requests in flight at once (default 8)" },
    via: {
      type: "string",
      value: "main|endpoint",
      help: "send to the main listener (default) or to the first VPC endpoint's listener (a private stack: --set holidays-api:endpointType=private)",
    },
    "control-plane": {
      type: "string",
      value: "N",
      help: "hostile requests to the control plane besides (default a fifth of --requests): unsigned, bad or expired signatures, unknown keys, malformed Authorization, wrong service scope, unknown operations, junk bodies and paths, __proto__ names",
    },
    set: STACK_OPTIONS.set,
  },
} as const;
const ROOT = path.join(__dirname, "..");

interface Contract {
  dataUrl: string;
  region: string;
  controlPlaneUrl: string;
  outputs: { callerFunctionName: string; restApiId: string; stageName: string };
  deployers: { accountId: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }[];
  allowed: { accessKeyId: string; secretAccessKey: string; sessionToken: string }[];
  denied: { arn: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }[];
  endpoints?: { id: string; url: string; apiHost: string }[];
}

function parse(values: Parsed<typeof FUZZ_COMMAND.options>["values"]): {
  requests: number;
  seed: number;
  concurrency: number;
  controlPlane: number;
} {
  const int = (name: string, text: string | undefined, fallback: number, min: number) => {
    if (text === undefined) return fallback;
    const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min)
      throw new UsageError(
        `--${name} ${JSON.stringify(text)}: expected a whole number ≥ ${min}. Run \`${FUZZ_COMMAND.command} -- --help\` for usage.`,
      );
    return n;
  };
  const requests = int("requests", values.requests, 5000, 1);
  return {
    requests,
    seed: int("seed", values.seed, 1, 0),
    concurrency: int("concurrency", values.concurrency, 8, 1),
    controlPlane: int("control-plane", values["control-plane"], Math.ceil(requests / 5), 0),
  };
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main({ values }: Parsed<typeof FUZZ_COMMAND.options>): Promise<void> {
  const { requests, seed, concurrency, controlPlane } = parse(values);
  const via = values.via ?? "main";
  if (via !== "main" && via !== "endpoint")
    throw new UsageError(`--via ${JSON.stringify(via)}: expected main or endpoint. Run \`${FUZZ_COMMAND.command} -- --help\` for usage.`);
  const sets = stackArgs({ set: values.set }).overrides.flatMap(([k, v]) => ["--set", `${k}=${v ?? ""}`]);
  const child = spawn(process.execPath, ["--expose-gc", "-r", "./tools/tsHook.cjs", "twin/gateway/server.ts", "--port", "0", ...sets], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let statsLine = "";
  let controlPlaneStatsLine = "";
  const memoryWaiters: ((m: { rssMiB: number; heapUsedMiB: number }) => void)[] = [];
  const errorLines: string[] = [];
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    if (line.startsWith("gateway stats: ")) statsLine = line.slice("gateway stats: ".length);
    else if (line.startsWith("control plane stats: ")) controlPlaneStatsLine = line.slice("control plane stats: ".length);
    else if (line.startsWith("gateway memory: "))
      memoryWaiters.shift()?.(JSON.parse(line.slice("gateway memory: ".length)) as { rssMiB: number; heapUsedMiB: number });
    else if (line.includes("internal error")) errorLines.push(line);
  });
  let exited: [number | null, NodeJS.Signals | null] | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = [code, signal];
      resolve();
    }),
  );
  const contract = JSON.parse(
    await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`the gateway exited before its contract line (${code})`)));
    }),
  ) as Contract;
  const endpoint = contract.endpoints?.[0];
  if (via === "endpoint" && !endpoint) {
    child.kill("SIGTERM");
    throw new UsageError("--via endpoint: the stack declares no VPC endpoint; add --set holidays-api:endpointType=private");
  }
  const url = new URL(via === "endpoint" && endpoint ? `${endpoint.url}/api/v1/data.json` : contract.dataUrl);
  const target: FuzzTarget = {
    port: Number(url.port),
    host: url.host,
    dataPath: url.pathname,
    region: contract.region,
    caller: contract.allowed[0],
    denied: contract.denied[0],
    // The declared API's id: at an endpoint's listener, x-apigw-api-id may name it or another API.
    apiId: via === "endpoint" && endpoint ? endpoint.apiHost.split(".")[0] : undefined,
  };

  /** The gateway's RSS and, after a full GC, its live heap (it answers SIGUSR2 with one line). */
  const memory = async () => {
    const heap = new Promise<{ rssMiB: number; heapUsedMiB: number }>((resolve) => memoryWaiters.push(resolve));
    child.kill("SIGUSR2");
    const m = await Promise.race([heap, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
    return { rssMiB: rssKb(child.pid!) / 1024, heapUsedMiB: m?.heapUsedMiB ?? NaN };
  };
  // Warm up (JIT, key cache), then the baseline.
  for (let i = 0; i < 200; i++) await rawExchange(target.port, await validRequest(target, i % 2 === 0));
  const before = await memory();
  const samples: { rssMiB: number; heapUsedMiB: number }[] = [];

  const cases = fc.sample(fc.tuple(mutationArb, fc.boolean()), { seed, numRuns: requests });
  const byClass = new Map<string, Map<string, number>>();
  const tally = (cls: string, outcome: string) => {
    const m = byClass.get(cls) ?? new Map<string, number>();
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
    byClass.set(cls, m);
  };
  const problems = { unexpected5xx: 0, falseAccepts: 0, wrongAnswers: 0 };
  const examples: string[] = [];
  const note = (what: string, m: Mutation, detail: string) => {
    if (examples.length < 10) examples.push(`${what}: ${JSON.stringify(m)} → ${detail}`);
  };

  const latencies: number[] = [];
  let validFailures = 0;
  let done = 0;
  let running = true;
  const validLoop = (async () => {
    while (running) {
      const req = await validRequest(target, latencies.length % 2 === 1);
      const t = process.hrtime.bigint();
      const a = await rawExchange(target.port, req, 10_000);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (a?.status !== 200) validFailures++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < cases.length && exited === undefined) {
      const [m, presigned] = cases[next++];
      const { valid, sent } = await mutatedRequest(target, m, presigned);
      const a = await rawExchange(target.port, sent, 5_000);
      const cls = `${m.kind}/${presigned ? "query" : "header"}`;
      tally(cls, a ? String(a.status) : "closed");
      if (a && a.status >= 500) {
        problems.unexpected5xx++;
        note("5xx", m, `${a.status} ${a.body}`);
      }
      if (a?.status === 200 && !legitimateAccept(target, valid, sent)) {
        problems.falseAccepts++;
        note("false accept", m, a.body.slice(0, 80));
      }
      const expected = expectedErrorType(m, presigned);
      if (expected && a?.headers.get("x-amzn-errortype") !== expected) {
        problems.wrongAnswers++;
        note(`expected ${expected}`, m, `${a?.status} ${a?.body.slice(0, 200)}`);
      }
      if (++done % Math.ceil(requests / 4) === 0 && exited === undefined) samples.push(await memory());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (Date.now() - started) / 1000;
  const cp = exited === undefined ? await fuzzControlPlane(contract, controlPlane, seed, concurrency) : undefined;
  running = false;
  await validLoop;
  const crashedDuringRun = exited !== undefined;
  const after = crashedDuringRun ? { rssMiB: NaN, heapUsedMiB: NaN } : await memory();

  stopping = true;
  child.kill("SIGTERM");
  await exit;
  const stats = statsLine
    ? (JSON.parse(statsLine) as { requests: number; internalErrors: number; droppedLogLines: number; timedOut: number })
    : undefined;
  const crashes = crashedDuringRun || !stopping || (exited?.[0] !== 0 && exited?.[1] !== "SIGTERM") ? 1 : 0;
  const internal = stats?.internalErrors ?? errorLines.length;
  const cpStats = controlPlaneStatsLine ? (JSON.parse(controlPlaneStatsLine) as { requests: number; internalErrors: number }) : undefined;
  const cpInternal = cpStats?.internalErrors ?? (cp && cp.done > 0 ? 1 : 0);
  const sorted = [...latencies].sort((a, b) => a - b);

  console.log(
    `npm run fuzz -- --requests ${requests} --seed ${seed} --concurrency ${concurrency}${via === "endpoint" ? ` --via endpoint (${endpoint?.id})` : ""}${sets.length ? ` ${sets.join(" ")}` : ""}`,
  );
  console.log(`hostile requests: ${done} in ${elapsed.toFixed(1)} s (${(done / elapsed).toFixed(0)}/s), ${byClass.size} classes`);
  const statusTotals = new Map<string, number>();
  for (const m of byClass.values()) for (const [k, v] of m) statusTotals.set(k, (statusTotals.get(k) ?? 0) + v);
  console.log(
    `answers: ${[...statusTotals]
      .sort()
      .map(([k, v]) => `${k}×${v}`)
      .join(" ")}`,
  );
  for (const [cls, m] of [...byClass].sort())
    console.log(
      `  ${cls.padEnd(34)} ${[...m]
        .sort()
        .map(([k, v]) => `${k}×${v}`)
        .join(" ")}`,
    );
  console.log(
    `crashes: ${crashes}   unexpected 5xx: ${problems.unexpected5xx}   false accepts: ${problems.falseAccepts}   answers differing from AWS's documented ones: ${problems.wrongAnswers}   internal exceptions: ${internal}`,
  );
  const show = (xs: { rssMiB: number; heapUsedMiB: number }[], key: "rssMiB" | "heapUsedMiB") =>
    xs.map((m) => m[key].toFixed(1)).join(" → ");
  console.log(
    `gateway RSS (MiB): before ${show([before], "rssMiB")}, each quarter ${show(samples, "rssMiB")}, after ${show([after], "rssMiB")}`,
  );
  console.log(
    `gateway live heap after full GC (MiB): before ${show([before], "heapUsedMiB")}, each quarter ${show(samples, "heapUsedMiB")}, after ${show([after], "heapUsedMiB")}`,
  );
  console.log(
    `valid requests beside the load: ${latencies.length} (${validFailures} not 200), latency p50 ${pct(sorted, 0.5).toFixed(1)} ms, p99 ${pct(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(1)} ms`,
  );
  if (stats)
    console.log(
      `gateway's own count: ${stats.requests} requests, ${stats.timedOut} connections cut by a deadline, ${stats.droppedLogLines} log lines dropped`,
    );
  for (const e of examples) console.log(`  e.g. ${e}`);
  if (cp) {
    console.log(`control plane: ${cp.done} hostile requests in ${cp.elapsed.toFixed(1)} s, ${cp.byKind.size} kinds`);
    for (const [kind, m] of [...cp.byKind].sort())
      console.log(
        `  ${kind.padEnd(34)} ${[...m]
          .sort()
          .map(([k, v]) => `${k}×${v}`)
          .join(" ")}`,
      );
    console.log(
      `control plane: unexpected 5xx: ${cp.unexpected5xx}   false accepts: ${cp.falseAccepts}   not in AWS's error shape or code: ${cp.wrongAnswers}   no answer: ${cp.noAnswer}   internal exceptions: ${cpInternal}`,
    );
    for (const e of cp.examples) console.log(`  e.g. ${e}`);
  }
  const cpBad = cp ? cp.unexpected5xx + cp.falseAccepts + cp.wrongAnswers + cp.noAnswer + cpInternal : 0;
  if (crashes || problems.unexpected5xx || problems.falseAccepts || problems.wrongAnswers || internal || validFailures || cpBad)
    process.exitCode = 1;
}

/** The control-plane half: every request unauthorized or malformed, each answer checked against the codes AWS documents for it. */
async function fuzzControlPlane(contract: Contract, requests: number, seed: number, concurrency: number) {
  const intruder = contract.denied.find((d) => d.arn.endsWith(":role/holidays-local-intruder")) ?? contract.denied[0];
  const [deployerA, deployerB] = [contract.deployers[0], contract.deployers[contract.deployers.length - 1]];
  const target: ControlPlaneTarget = {
    endpoint: contract.controlPlaneUrl,
    region: contract.region,
    functionName: contract.outputs.callerFunctionName,
    restApiId: contract.outputs.restApiId,
    stageName: contract.outputs.stageName,
    deployerA,
    deployerB,
    intruder,
  };
  const cases = fc.sample(controlPlaneCaseArb(), { seed, numRuns: requests });
  const byKind = new Map<string, Map<string, number>>();
  const out = { done: 0, elapsed: 0, byKind, unexpected5xx: 0, falseAccepts: 0, wrongAnswers: 0, noAnswer: 0, examples: [] as string[] };
  const note = (what: string, c: ControlPlaneCase, detail: string) => {
    if (out.examples.length < 10) out.examples.push(`${what}: ${JSON.stringify(c)} → ${detail}`);
  };
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++];
      const b = await buildControlPlaneRequest(target, c);
      const body = Buffer.from(b.body, "utf8");
      const r = await send(`${target.endpoint}${b.path}`, {
        method: b.method,
        headers: { ...b.headers, "content-length": String(body.length) },
        body: b.body,
      }).catch(() => undefined);
      out.done++;
      const key = c.kind === "stsJunkAction" ? c.kind : `${c.kind}/${c.op}`;
      const m = byKind.get(key) ?? new Map<string, number>();
      byKind.set(key, m);
      if (!r) {
        out.noAnswer++;
        m.set("closed", (m.get("closed") ?? 0) + 1);
        note("no answer", c, "connection closed");
        continue;
      }
      m.set(String(r.status), (m.get(String(r.status)) ?? 0) + 1);
      if (r.status >= 500) {
        out.unexpected5xx++;
        note("5xx", c, `${r.status} ${r.body.slice(0, 200)}`);
      } else if (r.status < 400) {
        out.falseAccepts++;
        note("false accept", c, `${r.status} ${r.body.slice(0, 120)}`);
      } else {
        const code = errorCodeOf(r);
        if (code === undefined || !expectedCodes(c).includes(code)) {
          out.wrongAnswers++;
          note(`expected ${expectedCodes(c).join("|")}`, c, `${r.status} ${code ?? "(not AWS's shape)"} ${r.body.slice(0, 200)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  out.elapsed = (Date.now() - started) / 1000;
  return out;
}

if (require.main === module) runMain(FUZZ_COMMAND, main);
