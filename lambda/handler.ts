/**
 * The caller Lambda's entry (`index.handler`): reads and validates its configuration at cold start (a
 * bad API_URL fails the init with a clear message) and signs with the function's own role credentials.
 * What each invocation does, and the ETag revalidation while warm, is lambda/caller.ts.
 */
import { createCallerHandler } from "./caller";
import { CallerConfig, readCallerConfig } from "./config";
import { createSignedFetch } from "../sigv4/signedFetch";

export type { Holidays, LambdaContextLike } from "./caller";

/**
 * A bad environment fails the init with its message alone: no stack, and no source line (the whole
 * minified bundle) — nodejs/node src/node_errors.cc, GetErrorSource, skips "node-do-not-add-exception-line".
 */
function readConfigAtInit(): CallerConfig {
  try {
    return readCallerConfig(process.env);
  } catch (err) {
    const e = err as Error;
    Object.defineProperty(e, "stack", { value: `${e.name}: ${e.message}`, configurable: true, writable: true });
    throw Object.defineProperty(e, "source", { value: "node-do-not-add-exception-line" });
  }
}

const config = readConfigAtInit();
export const handler = createCallerHandler(config, createSignedFetch({ region: config.region }));
