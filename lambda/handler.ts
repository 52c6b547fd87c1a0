/**
 * The caller Lambda: GET the holidays document with SigV4 (execute-api) using the function's own role
 * credentials, and return the parsed `{"YYYY-MM-DD": "祝日名"}` object. Configuration is read and
 * validated at cold start; a bad API_URL fails the init with a clear message.
 */
import { readCallerConfig } from "./config";
import { SignedFetchError } from "../sigv4/errors";
import { createSignedFetch, readJson } from "../sigv4/signedFetch";

export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
}

export type Holidays = Record<string, string>;

const config = readCallerConfig(process.env);
const signedFetch = createSignedFetch({ region: config.region });
/** Leave this much of the Lambda's remaining time for logging and returning. */
const SAFETY_MARGIN_MS = 250;

export async function handler(_event?: unknown, context?: LambdaContextLike): Promise<Holidays> {
  const started = performance.now();
  const url = config.apiUrl.href;
  const remaining = context?.getRemainingTimeInMillis?.();
  const deadline = remaining === undefined ? undefined : Date.now() + remaining - SAFETY_MARGIN_MS;
  try {
    const response = await signedFetch(url, { method: "GET", deadline, headers: { accept: "application/json" } });
    const holidays = await readJson<Holidays>(response, url);
    if (holidays === null || typeof holidays !== "object" || Array.isArray(holidays)) {
      throw new SignedFetchError(`Expected a JSON object of holidays from ${url}`, url, response.attempts);
    }
    log({ level: "info", msg: "holidays fetched", status: response.status, attempts: response.attempts, count: Object.keys(holidays).length });
    return holidays;
  } catch (err) {
    const e = err as Partial<SignedFetchError> & { status?: number; errorType?: string; name?: string; message?: string };
    log({ level: "error", msg: e.message ?? String(err), error: e.name, status: e.status, errorType: e.errorType, attempts: e.attempts });
    throw err;
  }

  function log(fields: Record<string, unknown>): void {
    const line = { ...fields, url, latencyMs: Math.round(performance.now() - started), requestId: context?.awsRequestId };
    console.log(JSON.stringify(line));
  }
}
