import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENTRY_FILE, bundleCaller } from "../../lambda/bundle";

export interface BundledHandler {
  handler: (
    event?: unknown,
    context?: { getRemainingTimeInMillis?: () => number; awsRequestId?: string },
  ) => Promise<Record<string, string>>;
}

let counter = 0;

/** Sets environment variables (undefined deletes) and returns a function that puts them back. */
export function withEnv(env: Record<string, string | undefined>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return () => {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}

/**
 * Loads a fresh copy of the deployable bundle (its module-level init runs again) in the current
 * environment, as a Lambda cold start would. The copy is deleted as soon as it is loaded (or has
 * failed to load): a test run leaves nothing in the temporary folder.
 */
export function loadBundledHandler(): BundledHandler {
  const copy = writeBundleCopy();
  try {
    return require(copy.index) as BundledHandler; // eslint-disable-line @typescript-eslint/no-require-imports
  } finally {
    copy.remove();
  }
}

/**
 * Writes every file of the deployable bundle to a fresh temporary folder (as the zip unpacks: index.js
 * and credentialChain.js); returns index.js's path and how to remove the folder, which the caller does
 * once it is done (index.js requires the chain only when it needs it).
 */
export function writeBundleCopy(): { index: string; remove: () => void } {
  const folder = path.join(os.tmpdir(), `holidays-caller-${process.pid}-${++counter}`);
  fs.mkdirSync(folder);
  for (const [name, code] of Object.entries(bundleCaller().files)) fs.writeFileSync(path.join(folder, name), code);
  return { index: path.join(folder, ENTRY_FILE), remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

/**
 * Collects the lines the bundled caller writes to stdout (its JSON log lines, lambda/caller.ts) while
 * it runs in this process, instead of letting them reach the reporter; `restore()` puts stdout back.
 */
export function captureStdoutLines(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const original = process.stdout.write;
  let partial = "";
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    partial += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    const callback = rest.find((r): r is () => void => typeof r === "function");
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    lines,
    restore: () => {
      process.stdout.write = original;
    },
  };
}
