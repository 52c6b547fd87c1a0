/** Small measuring helpers for `npm run bench`: order statistics, child processes timed, their CPU. */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

export const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`);
export const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
/** A ratio to three decimals: at two, a value just past its budget (0.303 against 0.30) would print as the budget itself. */
export const times = (r: number): string => `${r.toFixed(3)}×`;

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command to its end without blocking the event loop (servers in this process keep serving). */
export function run(
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Exit> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString("utf8")).slice(-20_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, wallMs: performance.now() - started });
    });
  });
}

/** Starts a long-running child and resolves with its first stdout line (its contract) parsed as JSON. */
export function startServer<T>(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; contract: T }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const nl = out.indexOf("\n");
      if (nl !== -1) resolve({ child, contract: JSON.parse(out.slice(0, nl)) as T });
    });
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code} before it was ready: ${err.slice(0, 500)}`)));
  });
}

/** Stops a child with SIGTERM and waits for it to exit. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

let ticksPerSecond: number | undefined;

/** Fields 3 onwards of /proc/PID/stat (counted after the ")" that closes field 2, the command name). */
function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

const ticksToMs = (ticks: number): number => {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return (ticks * 1000) / ticksPerSecond;
};

/** CPU time (user + system) a process has used so far, in ms, from /proc; undefined where there is none. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const fields = statFields(pid);
    // Fields 14 and 15 of /proc/PID/stat: utime, stime (proc(5)).
    return ticksToMs(Number(fields[11]) + Number(fields[12]));
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system), in ms, of this process's children that have ended and been waited for,
 * their own waited-for descendants included (fields 16 and 17 of /proc/self/stat: cutime, cstime,
 * proc(5)); undefined where there is no /proc. The difference across a run of commands is the CPU they
 * used, whatever the load: where wall time waits on neighbours, CPU time mostly does not.
 */
export function endedChildrenCpuMs(): number | undefined {
  try {
    const fields = statFields(process.pid);
    return ticksToMs(Number(fields[13]) + Number(fields[14]));
  } catch {
    return undefined;
  }
}
