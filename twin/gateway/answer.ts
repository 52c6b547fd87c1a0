/** What the offline twin answers for one request, and the path of links it took to get there. */

/** One link of the path a request took, and how it went. */
export interface PathStep {
  /** The link, e.g. `SigV4`, `AssumeRole holidays-s3-read-…`, `s3:GetObject api/v1/data.json`. */
  link: string;
  ok: boolean;
  /** What decided, e.g. `Allow (AllowInvokers) + identity Allow`, or why it failed. */
  detail?: string;
}

/** One answer: status, API Gateway's `x-amzn-errortype` when it is an error, body and content type, and the path taken. */
export interface Answer {
  status: number;
  errorType?: string;
  body: string;
  contentType?: string;
  /** Further response headers the method response maps (ETag, Last-Modified), by name. */
  headers?: Map<string, string>;
  /** The links the request went through (not sent to the client). */
  path?: PathStep[];
}

export const errorAnswer = (status: number, errorType: string, message: string, key: "message" | "Message" = "message"): Answer => ({
  status,
  errorType,
  body: JSON.stringify({ [key]: message }),
});
