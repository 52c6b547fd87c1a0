/**
 * Typed errors of the signed client. Every one names the URL and how many attempts were made; API
 * errors keep API Gateway's `x-amzn-errortype` and its message verbatim.
 */
export class SignedFetchError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API answered with a non-2xx status. */
export class ApiError extends SignedFetchError {
  constructor(
    readonly status: number,
    /** `x-amzn-errortype` without its namespace suffix, e.g. `AccessDeniedException`. */
    readonly errorType: string | undefined,
    /** The `message` of API Gateway's JSON error body (or the raw body text). */
    readonly apiMessage: string,
    url: string,
    attempts: number,
  ) {
    super(`${errorType ?? "HTTP error"} (HTTP ${status}) from GET ${url} after ${attempts} attempt(s): ${apiMessage}`, url, attempts);
  }
}
/** The resource policy or the identity policy does not allow the caller (`User: … is not authorized …`). */
export class AccessDeniedError extends ApiError {}
/** The request was not signed, or the path/method does not exist. */
export class MissingAuthenticationTokenError extends ApiError {}
/** The signature did not match, was incomplete, or was outside the allowed clock skew. */
export class InvalidSignatureError extends ApiError {}
/** The access key or session token is unknown, invalid or expired. */
export class InvalidSecurityTokenError extends ApiError {}
/** API Gateway throttled the request (429), after all retries. */
export class ThrottlingError extends ApiError {}
/** No response within the per-attempt or overall time budget. */
export class RequestTimeoutError extends SignedFetchError {}
/** The connection failed (refused, reset, DNS) on every attempt. */
export class NetworkError extends SignedFetchError {}
/** A 2xx response whose body is not the JSON the caller expects. */
export class InvalidResponseError extends SignedFetchError {}

type ApiErrorClass = new (status: number, errorType: string | undefined, apiMessage: string, url: string, attempts: number) => ApiError;

const BY_ERROR_TYPE: Record<string, ApiErrorClass> = {
  AccessDeniedException: AccessDeniedError,
  MissingAuthenticationTokenException: MissingAuthenticationTokenError,
  InvalidSignatureException: InvalidSignatureError,
  IncompleteSignatureException: InvalidSignatureError,
  SignatureDoesNotMatch: InvalidSignatureError,
  UnrecognizedClientException: InvalidSecurityTokenError,
  InvalidClientTokenId: InvalidSecurityTokenError,
  ExpiredTokenException: InvalidSecurityTokenError,
  TooManyRequestsException: ThrottlingError,
  ThrottlingException: ThrottlingError,
  LimitExceededException: ThrottlingError,
};

/** `AccessDeniedException:http://internal.amazon.com/coral/...` → `AccessDeniedException`. */
export function parseErrorType(header: string | null): string | undefined {
  const name = header?.split(":")[0].trim();
  return name ? name : undefined;
}

/** Builds the typed error for a non-2xx response from its status, error-type header and body text. */
export function apiErrorFrom(status: number, errorTypeHeader: string | null, bodyText: string, url: string, attempts: number): ApiError {
  const errorType = parseErrorType(errorTypeHeader) ?? (status === 429 ? "TooManyRequestsException" : undefined);
  let message = bodyText.trim();
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === "object") {
      const m = (parsed as Record<string, unknown>).message ?? (parsed as Record<string, unknown>).Message;
      if (typeof m === "string") message = m;
    }
  } catch {
    // not JSON: keep the text as it came
  }
  if (message === "") message = "(empty body)";
  const Cls = (errorType && BY_ERROR_TYPE[errorType]) || ApiError;
  return new Cls(status, errorType, message.slice(0, 2000), url, attempts);
}
