/**
 * API Gateway's 403 answers to authentication failures, AWS's wording verbatim with where it was seen; the
 * scope messages end with ". " (AWS appends one sentence per failed check, see `wrongRegion`): do not trim.
 */
export interface AuthFailure {
  ok: false;
  status: 403;
  errorType: string;
  message: string;
}

export const fail = (errorType: string, message: string): AuthFailure => ({ ok: false, status: 403, errorType, message });

/** Minutes either side of the request time that API Gateway accepts a signature (see README). */
export const CLOCK_SKEW_MINUTES = 5;

export const MESSAGES = {
  // API Gateway's MISSING_AUTHENTICATION_TOKEN gateway response (Gateway response types for API Gateway).
  missingToken: "Missing Authentication Token",
  // AWS re:Post knowledge center "Troubleshoot signature mismatch errors ... API Gateway".
  signatureMismatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  // UnrecognizedClientException's text for an unknown key or a wrong token, as AWS front ends answer it
  // (HTTP 403 in iann0036/iamlive#58; the same text from other services in aws-azure-login#37).
  invalidToken: "The security token included in the request is invalid.",
  // Both auth forms at once: mhart/dynalite validations (probed against AWS's Coral front end).
  bothForms: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
  hostNotSigned: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
} as const;

/** `'token' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer token'.` (seen from API Gateway, e.g. apickli/apickli#112, cowinapi/developer.cowin#129). */
export const missingEqualSign = (token: string, header: string) =>
  `'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`;

/** dynalite's probe of AWS: missing parts are listed, then `Authorization=<header>`. */
export const headerRequires = (part: "Credential" | "Signature" | "SignedHeaders") => `Authorization header requires '${part}' parameter.`;
export const HEADER_REQUIRES_DATE = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";

/** Presigned URL without its parameters: "AWS query-string parameters must include 'X-Amz-…'. … Re-examine the query-string parameters." (dynalite, scratchstack-aws-signature). */
export const queryMustInclude = (param: string) => `AWS query-string parameters must include '${param}'.`;
export const REEXAMINE_QUERY = "Re-examine the query-string parameters.";

/**
 * A part given twice: AWS documents no answer, so it is refused as incomplete, since whichever copy were
 * picked, a request could carry a second identity next to the one checked.
 */
export const repeatedHeaderPart = (part: string, header: string) =>
  `'${part}' appears more than once in Authorization header: '${header}'.`;
export const repeatedQueryParam = (param: string) => `'${param}' appears more than once in the query string. ${REEXAMINE_QUERY}`;

export const badDate = (text: string) =>
  `Date must be in ISO-8601 'basic format'. Got '${text}'. See http://en.wikipedia.org/wiki/ISO_8601`;
export const unsupportedAlgorithm = (algorithm: string) => `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `;
export const credentialParts = (credential: string) =>
  `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`;
/** API Gateway's wording, e.g. Kong/insomnia#830 and aws/aws-sdk-js#792 (each check adds a sentence). */
export const wrongRegion = (region: string) => `Credential should be scoped to a valid region, not '${region}'. `;
export const wrongService = (service: string) => `Credential should be scoped to correct service: '${service}'. `;
export const wrongTerminator = (term: string) => `Credential should be scoped with a valid terminator: 'aws4_request', not '${term}'. `;
export const wrongScopeDate = (scopeDate: string, date: string) =>
  `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${date.slice(0, 8)}', from '${date}'.`;
/** API Gateway's "- 5 min." wording: aws-amplify/aws-sdk-android#253, mhart/aws4#118. */
export const signatureExpired = (date: string, limit: string, now: string) =>
  `Signature expired: ${date} is now earlier than ${limit} (${now} - ${CLOCK_SKEW_MINUTES} min.)`;
export const signatureNotYetCurrent = (date: string, limit: string, now: string) =>
  `Signature not yet current: ${date} is still later than ${limit} (${now} + ${CLOCK_SKEW_MINUTES} min.)`;

/** SigV4a's scope has no region (aws-c-auth aws_signing.c); the SigV4 message above with four elements. */
export const credentialPartsV4a = (credential: string) =>
  `Credential must have exactly 4 slash-delimited elements, e.g. keyid/date/service/term, got '${credential}'`;
/** AWS documents no answer for a SigV4a request without a signed region set; the twin refuses it as incomplete. */
export const REGION_SET_REQUIRED = "SigV4a requires a signed 'X-Amz-Region-Set' header or query parameter.";
