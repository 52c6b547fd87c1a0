/**
 * One invocation: GET the holidays with SigV4 and return `{"YYYY-MM-DD": "祝日名"}`, one JSON log line
 * per call. While warm it keeps the last document and revalidates with If-None-Match (a 304 returns it).
 */
import type { CallerConfig } from "./config";
import { InvalidResponseError, SignedFetchError, apiErrorFrom } from "../sigv4/errors";
import { SignedFetch, SignedResponse, readJson } from "../sigv4/signedFetch";

export interface LambdaContextLike {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
}

export type Holidays = Record<string, string>;
export type CallerHandler = (event?: unknown, context?: LambdaContextLike) => Promise<Holidays>;

/** Leave this much of the Lambda's remaining time for logging and returning. */
const SAFETY_MARGIN_MS = 250;

export function createCallerHandler(config: CallerConfig, signedFetch: SignedFetch): CallerHandler {
  /** The last document and its ETag, kept for the life of this execution environment. */
  let kept: { etag: string; holidays: Holidays } | undefined;

  return async function handler(_event, context) {
    const started = Date.now(); // not performance.now(): its first use loads perf_hooks, ≈2 ms of a cold start
    const url = config.apiUrl.href;
    const remaining = context?.getRemainingTimeInMillis?.();
    const deadline = remaining === undefined ? undefined : Date.now() + remaining - SAFETY_MARGIN_MS;
    const headers: Record<string, string> = { accept: "application/json" };
    if (kept) headers["if-none-match"] = kept.etag;
    try {
      // throwOnError: false so a 304 comes back as a response; every other non-2xx is raised below as
      // the same typed error signedFetch would raise.
      const response = await signedFetch(url, { method: "GET", deadline, headers, throwOnError: false });
      if (response.status === 304 && kept) {
        log({
          level: "info",
          msg: "holidays unchanged",
          status: 304,
          cache: "revalidated",
          attempts: response.attempts,
          count: Object.keys(kept.holidays).length,
        });
        return kept.holidays;
      }
      if (!response.ok) await raise(response, url);
      const holidays = await readJson<Holidays>(response, url);
      if (holidays === null || typeof holidays !== "object" || Array.isArray(holidays)) {
        throw new SignedFetchError(`Expected a JSON object of holidays from ${url}`, url, response.attempts);
      }
      const etag = response.headers.get("etag");
      kept = etag ? { etag, holidays } : undefined;
      log({
        level: "info",
        msg: "holidays fetched",
        status: response.status,
        cache: kept ? "stored" : "none",
        attempts: response.attempts,
        count: Object.keys(holidays).length,
      });
      return holidays;
    } catch (err) {
      const e = err as Partial<SignedFetchError> & { status?: number; errorType?: string; name?: string; message?: string };
      log({ level: "error", msg: e.message ?? String(err), error: e.name, status: e.status, errorType: e.errorType, attempts: e.attempts });
      throw err;
    }

    function log(fields: Record<string, unknown>): void {
      const line = { ...fields, url, latencyMs: Date.now() - started, requestId: context?.awsRequestId };
      writeLogLine(JSON.stringify(line));
    }
  };
}

/**
 * Straight to stdout, not console.log, which prefixes or nests the line: it stays one JSON object for Logs Insights.
 * "any logging library that writes to stdout or stderr" (AWS Lambda Developer Guide, https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html)
 */
function writeLogLine(line: string): void {
  process.stdout.write(line + "\n"); // not a template literal: esbuild would print its newline raw, splitting the minified line
}

/** A non-2xx answer as its typed error; a 304 we did not ask for is an invalid response. */
async function raise(response: SignedResponse, url: string): Promise<never> {
  if (response.status === 304) {
    throw new InvalidResponseError(`Got 304 Not Modified from ${url} without having sent If-None-Match`, url, response.attempts);
  }
  const body = await response.text().catch(() => "");
  throw apiErrorFrom(response.status, response.headers.get("x-amzn-errortype"), body, url, response.attempts);
}
