/**
 * `signedFetch(url, init) → Response` (aws4fetch's shape): signs every attempt (signer.ts), retries
 * network errors, 429 and 5xx with full-jitter backoff, and raises error answers as typed errors.
 */
import type { AwsCredentialIdentityProvider, HttpRequest } from "@smithy/types";
import { defaultCredentials } from "./credentials";
import { BufferedResponse, ResponseHeaders } from "./bufferedResponse";
import { InvalidResponseError, NetworkError, RequestTimeoutError, SignedFetchError, apiErrorFrom } from "./errors";
import { createSigner } from "./signer";
import { SignableInit, toHttpRequest, wireUrl } from "./signingRequest";
import { FetchLike, fetchTransport, nodeTransport } from "./httpTransport";

export interface SignedFetchOptions {
  /** Signing region, e.g. `ap-northeast-1`. */
  region: string;
  /** Signing service. Default `execute-api`. */
  service?: string;
  /** Credential provider, asked at every attempt (the SDK's memoize themselves). Default: the standard AWS chain. */
  credentials?: AwsCredentialIdentityProvider;
  /** Attempts in all, including the first. Default 3. */
  maxAttempts?: number;
  /** Time budget of one attempt, ms. Default 3000. */
  attemptTimeoutMs?: number;
  /** Time budget of the whole call including retries and backoff, ms. Default 8000. */
  totalTimeoutMs?: number;
  /** Backoff base and cap for full jitter, ms. Defaults 100 and 2000. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Random source in [0, 1) for jitter; injectable for tests. */
  random?: () => number;
  /**
   * What sends each attempt: any fetch (e.g. `globalThis.fetch`), given `redirect: "manual"` and the
   * attempt's `AbortSignal.timeout`. Default: node:http/https with a keep-alive agent (httpTransport.ts).
   */
  fetch?: FetchLike;
}

export interface SignedRequestInit extends SignableInit {
  /** Absolute deadline (epoch ms) for the whole call, e.g. from the Lambda context; the earlier of this and totalTimeoutMs wins. */
  deadline?: number;
  /** Throw typed errors for non-2xx answers (default true); false returns the last response as is. */
  throwOnError?: boolean;
}

/** A Response that also says how many attempts it took. */
export type SignedResponse = Response & { readonly attempts: number };
export type SignedFetch = (url: string | URL, init?: SignedRequestInit) => Promise<SignedResponse>;

const RETRYABLE_NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|socket|other side closed|fetch failed/i;

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Creates a signing fetch for one region/service. Create it once (at Lambda init) and reuse it. */
export function createSignedFetch(options: SignedFetchOptions): SignedFetch {
  const service = options.service ?? "execute-api";
  const credentials = options.credentials ?? defaultCredentials();
  const signer = createSigner({ service, region: options.region, credentials });
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 3000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 8000;
  const base = options.backoffBaseMs ?? 100;
  const cap = options.backoffCapMs ?? 2000;
  const random = options.random ?? Math.random;
  const send = options.fetch ? fetchTransport(options.fetch) : nodeTransport;

  return async function signedFetch(input, init = {}) {
    const unsigned = toHttpRequest(input, init);
    const url = wireUrl(unsigned);
    const deadline = Math.min(Date.now() + totalTimeoutMs, init.deadline ?? Infinity);
    let lastError: unknown;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      // Re-sign every attempt: a fresh X-Amz-Date and, if they rotated, fresh credentials.
      const signed = (await signer.sign(copyRequest(unsigned))) as HttpRequest;
      const { host: _host, ...headers } = signed.headers;
      const budget = Math.min(attemptTimeoutMs, remaining);
      let response: Response;
      try {
        response = await send(url, { method: signed.method, headers, body: signed.body as string | Buffer | undefined, timeoutMs: budget });
      } catch (err) {
        lastError = err;
        const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
        if (!timedOut && !RETRYABLE_NETWORK.test(describe(err))) {
          throw new NetworkError(`Request to ${url} failed: ${describe(err)}`, url, attempt, { cause: err });
        }
        if (attempt < maxAttempts && (await backoff(attempt, deadline))) continue;
        if (timedOut)
          throw new RequestTimeoutError(
            `No response from ${url} within ${budget} ms (attempt ${attempt} of ${maxAttempts})`,
            url,
            attempt,
            { cause: err },
          );
        throw new NetworkError(`Request to ${url} failed after ${attempt} attempt(s): ${describe(err)}`, url, attempt, { cause: err });
      }

      if (response.ok || (init.throwOnError === false && !isRetryableStatus(response.status))) {
        return Object.assign(response, { attempts: attempt });
      }
      const bodyText = await response.text().catch(() => "");
      if (isRetryableStatus(response.status) && attempt < maxAttempts && (await backoff(attempt, deadline))) continue;
      if (init.throwOnError === false) {
        const copy = new BufferedResponse(Buffer.from(bodyText), {
          status: response.status,
          statusText: response.statusText,
          headers: new ResponseHeaders(response.headers),
          url,
        });
        return Object.assign(copy, { attempts: attempt });
      }
      throw apiErrorFrom(response.status, response.headers.get("x-amzn-errortype"), bodyText, url, attempt);
    }
    if (lastError instanceof SignedFetchError) throw lastError;
    throw new RequestTimeoutError(`No answer from ${url} before the deadline`, url, 0, { cause: lastError });

    /** Sleeps a full-jitter backoff; false when the deadline leaves no time for another attempt. */
    async function backoff(attempt: number, until: number): Promise<boolean> {
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (Date.now() + delay >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
      return true;
    }
  };
}

/** A fresh copy to sign; header and query bags stay prototype-free (client-chosen names). */
function copyRequest(req: HttpRequest): HttpRequest {
  const bag = <T extends object>(from: T | undefined): T => Object.assign(Object.create(null) as T, from);
  return { ...req, headers: bag(req.headers), query: bag(req.query) };
}

/** The longest a SigV4 presigned URL may be valid: one week (smithy's presign() refuses more). */
export const MAX_PRESIGN_EXPIRES_S = 604_800;

export interface PresignOptions {
  /** Signing region, e.g. `ap-northeast-1`. */
  region: string;
  /** Signing service. Default `execute-api`. */
  service?: string;
  credentials: AwsCredentialIdentityProvider;
  /** X-Amz-Expires, seconds, 1–604800. Default 900. API Gateway itself accepts a presigned URL only within ±5 min of its X-Amz-Date (README). */
  expiresIn?: number;
  /** Signing time. Default now. */
  signingDate?: Date;
}

/**
 * A presigned (query-string SigV4) URL for a GET: X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -SignedHeaders (host), -Security-Token and -Signature in the query, made by smithy's
 * `SignatureV4.presign()`, as "Authenticating Requests: Using Query Parameters" describes.
 */
export async function presignUrl(url: string | URL, options: PresignOptions): Promise<string> {
  const expiresIn = options.expiresIn ?? 900;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_EXPIRES_S) {
    throw new RangeError(`expiresIn ${expiresIn}: expected whole seconds from 1 to ${MAX_PRESIGN_EXPIRES_S} (one week, SigV4's limit)`);
  }
  const signer = createSigner({
    service: options.service ?? "execute-api",
    region: options.region,
    credentials: options.credentials,
  });
  const presigned = await signer.presign(copyRequest(toHttpRequest(url)), { expiresIn, signingDate: options.signingDate });
  return wireUrl(presigned);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? ` (${(cause as NodeJS.ErrnoException).code ?? cause.name}: ${cause.message})` : "";
  return `${err.message}${causeText}`;
}

/** Reads a 2xx response as JSON; a non-JSON body is an {@link InvalidResponseError}, never a crash. */
export async function readJson<T = unknown>(response: SignedResponse, url: string): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    const preview = text.length > 120 ? `${text.slice(0, 120)}…` : text;
    throw new InvalidResponseError(
      `Expected JSON from ${url} (HTTP ${response.status}, content-type ${response.headers.get("content-type") ?? "none"}) but got: ${JSON.stringify(preview)}`,
      url,
      response.attempts,
    );
  }
}
