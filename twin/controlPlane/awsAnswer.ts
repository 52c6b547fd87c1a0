/**
 * One answer of an AWS REST-JSON service, as the offline twin's control plane sends it: status,
 * headers and a JSON (or raw) body. Errors carry `x-amzn-errortype` and a JSON body with the
 * message, which is how the AWS SDK for JavaScript v3 reads REST-JSON errors (the error code from
 * `x-amzn-errortype`, the message from `message`/`Message`: @smithy/core/protocols loadRestJsonErrorCode, used by @aws-sdk/core).
 */
export interface AwsAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** A JSON success body. */
export const jsonAnswer = (status: number, value: unknown, headers: Record<string, string> = {}): AwsAnswer => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(value),
});

/** An error in the REST-JSON shape; `extra` adds service-specific fields (Lambda's `Type`). */
export const awsError = (status: number, errorType: string, message: string, extra: Record<string, string> = {}): AwsAnswer => ({
  status,
  headers: { "content-type": "application/json", "x-amzn-errortype": errorType },
  body: JSON.stringify({ ...extra, message }),
});

/** A path segment decoded, or undefined when its percent-encoding is malformed (decodeURIComponent would throw). */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** A request target whose percent-encoding is malformed: refused before any operation (the twin's own answer: no AWS page documents this case). */
export const malformedPath = () => awsError(400, "BadRequestException", "The request path is not validly percent-encoded");
