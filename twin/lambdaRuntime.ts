/**
 * Runs the deployable bundle's `handler` the way Lambda would: a fresh Node process, the function's
 * environment (API_URL, API_REGION) plus the role's temporary credentials as AWS_* variables.
 */
import { spawn } from "node:child_process";

/** Temporary credentials of the function's execution role. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * The environment the Lambda runtime gives a function: its configured variables, the region, and its
 * execution role's temporary credentials as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN ("Defined runtime environment variables", AWS Lambda developer guide).
 */
export function lambdaEnvironment(
  variables: Record<string, string>,
  region: string,
  role: RoleCredentials,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...variables,
    ...extra,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: role.accessKeyId,
    AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
    AWS_SESSION_TOKEN: role.sessionToken,
  };
}

export interface Invocation {
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
  /** Lines the function logged. */
  logs: string[];
  durationMs: number;
}

const RESULT_MARK = "\u0000RESULT ";

const RUNNER = `
const mark = ${JSON.stringify(RESULT_MARK)};
const started = Date.now();
const context = { awsRequestId: "local-" + process.pid, getRemainingTimeInMillis: () => Math.max(0, started + Number(process.env.LAMBDA_TIMEOUT_MS) - Date.now()) };
let mod;
try { mod = require(process.env.BUNDLE_PATH); } catch (e) { process.stdout.write(mark + JSON.stringify({ ok: false, error: { name: "InitError", message: e.message } }) + "\\n"); process.exit(0); }
mod.handler({}, context).then(
  (result) => process.stdout.write(mark + JSON.stringify({ ok: true, result }) + "\\n"),
  (e) => process.stdout.write(mark + JSON.stringify({ ok: false, error: { name: e.name, message: e.message } }) + "\\n"),
);
`;

export function invokeBundle(bundlePath: string, env: Record<string, string>, timeoutMs = 10_000): Promise<Invocation> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", RUNNER], {
      // Only what a Lambda would have: no inherited AWS_* or proxy settings from the developer's shell.
      env: { PATH: process.env.PATH ?? "", ...env, BUNDLE_PATH: bundlePath, LAMBDA_TIMEOUT_MS: String(timeoutMs) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs + 2000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      const lines = out.split("\n").filter((l) => l !== "");
      const resultLine = lines.find((l) => l.startsWith(RESULT_MARK));
      const logs = [...lines.filter((l) => !l.startsWith(RESULT_MARK)), ...err.split("\n").filter((l) => l !== "")];
      const durationMs = performance.now() - started;
      if (!resultLine) {
        resolve({
          ok: false,
          error: { name: "RuntimeError", message: `the function process ended without a result: ${err.slice(0, 500)}` },
          logs,
          durationMs,
        });
        return;
      }
      const parsed = JSON.parse(resultLine.slice(RESULT_MARK.length)) as Omit<Invocation, "logs" | "durationMs">;
      resolve({ ...parsed, logs, durationMs });
    });
  });
}
