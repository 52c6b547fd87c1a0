import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleCaller } from "../../scripts/bundle";

export interface BundledHandler {
  handler: (event?: unknown, context?: { getRemainingTimeInMillis?: () => number; awsRequestId?: string }) => Promise<Record<string, string>>;
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
  const file = path.join(os.tmpdir(), `holidays-caller-${process.pid}-${++counter}.js`);
  fs.writeFileSync(file, bundleCaller().code);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as BundledHandler;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
