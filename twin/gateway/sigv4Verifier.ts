/**
 * Authenticates a request as API Gateway does for `AWS_IAM` methods, from the wire, answering its status,
 * `x-amzn-errortype` and message; checks in the order AWS reports several faults (mhart/dynalite's probes):
 * presence → date format → clock skew → host signed → algorithm → credential shape → scope → key → signature → token.
 */
import { timingSafeEqual } from "node:crypto";
import { formatAmzDate, parseAmzDate, parseHttpDate } from "./amzDate";
import {
  AuthFailure,
  CLOCK_SKEW_MINUTES,
  MESSAGES,
  badDate,
  REGION_SET_REQUIRED,
  credentialParts,
  credentialPartsV4a,
  fail,
  signatureExpired,
  signatureNotYetCurrent,
  unsupportedAlgorithm,
  wrongRegion,
  wrongScopeDate,
  wrongService,
  wrongTerminator,
} from "./authErrors";
import { SignatureClaims, parseAuthorizationHeader } from "./authorizationHeader";
import { canonicalRequest, headerLines, joinedHeader, parseRawQuery } from "./canonicalRequest";
import { isPresigned, parsePresignedQuery } from "./presignedQuery";
import { signature, signingKey, stringToSign } from "./signingKey";
import { ALGORITHM_V4A, REGION_SET_HEADER, regionSetCovers, sigV4aPublicKey, sigV4aStringToSign, verifySigV4aSignature } from "./sigv4a";

export { parseAmzDate } from "./amzDate";
export { MESSAGES } from "./authErrors";
export type { AuthFailure } from "./authErrors";

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface IncomingSignedRequest {
  method: string;
  /** Path and query exactly as received on the request line. */
  rawUrl: string;
  /** Header values as received, by lower-case name (repeated headers as arrays). */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Every header line as received (Node's `rawHeaders`: name, value, name, value, …). When given, it
   * is what is verified: Node's `headers` keeps only the first of some repeated headers.
   */
  rawHeaders?: readonly string[];
  body: Uint8Array;
}

export type AuthResult<I> = { ok: true; identity: I; form: "header" | "query" } | AuthFailure;

export const ALGORITHM = "AWS4-HMAC-SHA256";
export const MAX_CLOCK_SKEW_MS = CLOCK_SKEW_MINUTES * 60_000;

export interface VerifyOptions<I> {
  region: string;
  service: string;
  /** Looks up the identity and its secret by access key id. */
  lookup: (accessKeyId: string) => { identity: I; credentials: LocalCredentials } | undefined;
  now?: Date;
}

interface Claimed extends SignatureClaims {
  form: "header" | "query";
  dateText: string;
  date: Date | undefined;
  token: string | undefined;
  /** SigV4a's X-Amz-Region-Set, when it is signed. */
  regionSet: string | undefined;
  omitQueryIndex: number;
}

function splitTarget(rawUrl: string): { wirePath: string; rawQuery: string } {
  const q = rawUrl.indexOf("?");
  return q === -1 ? { wirePath: rawUrl, rawQuery: "" } : { wirePath: rawUrl.slice(0, q), rawQuery: rawUrl.slice(q + 1) };
}

/**
 * Only an Authorization header's syntax, for routes that do not exist: API Gateway still parses it there
 * (amazon-archives/aws-cognito-angular-quickstart#50). Undefined when there is nothing to object to.
 */
export function authorizationSyntaxFailure(req: IncomingSignedRequest): AuthFailure | undefined {
  const lines = headerLines(req.rawHeaders, req.headers);
  const authorization = joinedHeader(lines, "authorization");
  if (authorization === undefined || authorization.trim() === "") return undefined;
  const hasDate = lines.has("x-amz-date") || lines.has("date");
  const parsed = parseAuthorizationHeader(authorization, hasDate);
  return parsed.ok ? undefined : parsed;
}

/** Synchronous: nothing in it waits, and the gateway answers without a promise per request. */
export function verifySigV4<I>(req: IncomingSignedRequest, opts: VerifyOptions<I>): AuthResult<I> {
  const { wirePath, rawQuery } = splitTarget(req.rawUrl);
  const query = parseRawQuery(rawQuery);
  const lines = headerLines(req.rawHeaders, req.headers);
  const authorization = joinedHeader(lines, "authorization");
  const hasHeader = authorization !== undefined && authorization.trim() !== "";
  const presigned = isPresigned(query.pairs);
  if (hasHeader && presigned) return fail("InvalidSignatureException", MESSAGES.bothForms);
  if (!hasHeader && !presigned) return fail("MissingAuthenticationTokenException", MESSAGES.missingToken);

  let claimed: Claimed;
  if (presigned) {
    const parsed = parsePresignedQuery(query.pairs);
    if (!parsed.ok) return parsed;
    const c = parsed.claims;
    claimed = {
      ...c,
      form: "query",
      date: parseAmzDate(c.dateText),
      token: c.token ?? joinedHeader(lines, "x-amz-security-token"),
      regionSet: c.regionSet,
      omitQueryIndex: c.signatureIndex,
    };
  } else {
    const amzDate = joinedHeader(lines, "x-amz-date");
    const httpDate = joinedHeader(lines, "date");
    const parsed = parseAuthorizationHeader(authorization ?? "", amzDate !== undefined || httpDate !== undefined);
    if (!parsed.ok) return parsed;
    // X-Amz-Date always overrides Date; Date may be ISO-8601 basic or an HTTP-date.
    const dateText = amzDate ?? httpDate ?? "";
    const date = amzDate !== undefined ? parseAmzDate(amzDate) : (parseAmzDate(dateText) ?? parseHttpDate(dateText));
    const c = parsed.claims;
    claimed = {
      algorithm: c.algorithm,
      credential: c.credential,
      signedHeaders: c.signedHeaders,
      signature: c.signature,
      form: "header",
      dateText,
      date,
      token: joinedHeader(lines, "x-amz-security-token"),
      regionSet: c.signedHeaders.split(";").includes(REGION_SET_HEADER) ? joinedHeader(lines, REGION_SET_HEADER) : undefined,
      omitQueryIndex: -1,
    };
  }

  if (!claimed.date) return fail("IncompleteSignatureException", badDate(claimed.dateText));
  const amzDate = formatAmzDate(claimed.date);
  const now = opts.now ?? new Date();
  const skew = claimed.date.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    return fail(
      "InvalidSignatureException",
      signatureExpired(amzDate, formatAmzDate(new Date(now.getTime() - MAX_CLOCK_SKEW_MS)), formatAmzDate(now)),
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    return fail(
      "InvalidSignatureException",
      signatureNotYetCurrent(amzDate, formatAmzDate(new Date(now.getTime() + MAX_CLOCK_SKEW_MS)), formatAmzDate(now)),
    );
  }

  const signedNames = claimed.signedHeaders.split(";");
  if (!signedNames.some((n) => n.toLowerCase() === "host")) return fail("IncompleteSignatureException", MESSAGES.hostNotSigned);
  const v4a = claimed.algorithm === ALGORITHM_V4A;
  if (claimed.algorithm !== ALGORITHM && !v4a) return fail("IncompleteSignatureException", unsupportedAlgorithm(claimed.algorithm));

  const scope = claimed.credential.replace(/\/+$/, "").split("/");
  if (v4a) {
    if (scope.length !== 4) return fail("IncompleteSignatureException", credentialPartsV4a(claimed.credential));
    if (claimed.regionSet === undefined || claimed.regionSet.trim() === "")
      return fail("IncompleteSignatureException", REGION_SET_REQUIRED);
    scope.splice(2, 0, claimed.regionSet); // [key, date, region set, service, terminator]
  } else if (scope.length !== 5) return fail("IncompleteSignatureException", credentialParts(claimed.credential));
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope;
  let scopeErrors = "";
  if (v4a ? !regionSetCovers(scopeRegion, opts.region) : scopeRegion !== opts.region) scopeErrors += wrongRegion(scopeRegion);
  if (scopeService !== opts.service) scopeErrors += wrongService(opts.service);
  if (terminator !== "aws4_request") scopeErrors += wrongTerminator(terminator);
  if (scopeDate !== amzDate.slice(0, 8)) scopeErrors += wrongScopeDate(scopeDate, amzDate);
  if (scopeErrors !== "") return fail("InvalidSignatureException", scopeErrors);

  const found = opts.lookup(accessKeyId);
  if (!found) return fail("UnrecognizedClientException", MESSAGES.invalidToken);

  const canonical = query.malformed
    ? undefined
    : canonicalRequest({
        method: req.method,
        wirePath,
        query: query.pairs,
        omitQueryIndex: claimed.omitQueryIndex,
        headers: lines,
        signedNames,
        signedHeadersText: claimed.signedHeaders,
        body: req.body,
      });
  if (canonical === undefined) return fail("InvalidSignatureException", MESSAGES.signatureMismatch);
  if (v4a) {
    const { accessKeyId: id, secretAccessKey } = found.credentials;
    const toSign = sigV4aStringToSign(amzDate, `${scopeDate}/${scopeService}/aws4_request`, canonical);
    if (!verifySigV4aSignature(sigV4aPublicKey(id, secretAccessKey), toSign, claimed.signature))
      return fail("InvalidSignatureException", MESSAGES.signatureMismatch);
  } else {
    const expected = signature(
      signingKey(found.credentials.secretAccessKey, scopeDate, scopeRegion, scopeService),
      stringToSign(amzDate, `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`, canonical),
    );
    if (!sameText(expected, claimed.signature)) return fail("InvalidSignatureException", MESSAGES.signatureMismatch);
  }

  // Outside S3 the token may be added after signing (SigV4 suite post-sts-header-after); it must still be the right one.
  if ((found.credentials.sessionToken ?? undefined) !== claimed.token) return fail("UnrecognizedClientException", MESSAGES.invalidToken);
  return { ok: true, identity: found.identity, form: claimed.form };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
