/**
 * STS `GetCallerIdentity` for the twin's identities over the query protocol (form-encoded, XML answers), shaped
 * as the AWS STS API Reference's "GetCallerIdentity" and "Common Errors" give them.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Caller } from "../../lib/iam/evaluate";
import type { AwsAnswer } from "./awsAnswer";

export const STS_VERSION = "2011-06-15";
const NS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c);

/** A query-protocol error: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` (STS API Reference, "Common Errors"). */
export function queryError(status: number, code: string, message: string): AwsAnswer {
  const type = status >= 500 ? "Receiver" : "Sender";
  return {
    status,
    headers: { "content-type": "text/xml" },
    body:
      `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
      `    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
  };
}

/**
 * The verifier's REST-JSON error names as STS's query-protocol codes (STS API Reference, "Common Errors");
 * SignatureDoesNotMatch, with the same message, is a query-protocol service's code (aws/aws-cli#134).
 */
const QUERY_AUTH_CODES: Record<string, [number, string]> = {
  MissingAuthenticationTokenException: [403, "MissingAuthenticationToken"],
  UnrecognizedClientException: [403, "InvalidClientTokenId"],
  IncompleteSignatureException: [400, "IncompleteSignature"],
  InvalidSignatureException: [403, "SignatureDoesNotMatch"],
};

export function queryAuthError(errorType: string, message: string): AwsAnswer {
  const [status, code] = QUERY_AUTH_CODES[errorType] ?? [403, errorType];
  // STS's own wording for a request without a signature (STS API Reference, "Common Errors": MissingAuthenticationToken).
  const text = code === "MissingAuthenticationToken" ? "Request is missing Authentication Token" : message;
  return queryError(status, code, text);
}

/** The form parameters of a query-protocol request: the URL's query and a form-encoded body, prototype-free. */
export function queryParams(rawQuery: string, body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const source of [rawQuery, body]) {
    for (const [k, v] of new URLSearchParams(source)) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/**
 * `UserId`: for an assumed role, `<role id>:<session name>`; for an IAM user, its unique id (STS API
 * Reference, GetCallerIdentity examples). The twin's ids are derived from the ARN (stable per identity).
 */
function userIdOf(caller: Caller): string {
  const id = createHash("sha256").update(caller.principalArn).digest("hex").slice(0, 17).toUpperCase();
  if (caller.userArn.includes(":assumed-role/")) return `AROA${id}:${caller.userArn.split("/").pop() ?? "session"}`;
  return `AIDA${id}`;
}

/**
 * Answers one STS request of an authenticated caller. GetCallerIdentity needs no permission ("No
 * permissions are required to perform this operation", STS API Reference, GetCallerIdentity); any
 * other action is InvalidAction ("The action or operation requested is invalid", Common Errors).
 */
export function answerSts(params: Map<string, string>, caller: Caller): AwsAnswer {
  const action = params.get("Action");
  if (action === undefined || action === "") return queryError(400, "MissingAction", "Missing Action");
  // "Could not find operation X for version Y", InvalidAction (aws/aws-cli#37).
  if (action !== "GetCallerIdentity")
    return queryError(400, "InvalidAction", `Could not find operation ${action} for version ${params.get("Version") ?? STS_VERSION}`);
  const body =
    `<GetCallerIdentityResponse xmlns="${NS}">\n  <GetCallerIdentityResult>\n` +
    `    <Arn>${escapeXml(caller.userArn)}</Arn>\n    <UserId>${escapeXml(userIdOf(caller))}</UserId>\n` +
    `    <Account>${escapeXml(caller.accountId)}</Account>\n  </GetCallerIdentityResult>\n` +
    `  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`;
  return { status: 200, headers: { "content-type": "text/xml" }, body };
}
