/**
 * Authenticates an incoming request the way API Gateway does for `AWS_IAM` methods: parse the
 * Authorization header, check the credential scope, clock skew, signed headers and session token,
 * then recompute the signature with `@smithy/signature-v4` and compare. Failures carry API
 * Gateway's status, `x-amzn-errortype` and message.
 */
import type { HttpRequest } from "@smithy/types";
import { timingSafeEqual } from "node:crypto";
import { createSigner } from "../../sigv4/signer";
import { parseQuery } from "../../sigv4/signingRequest";

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
  body: Uint8Array;
}

export interface AuthFailure {
  ok: false;
  status: 403;
  errorType: string;
  message: string;
}
export type AuthResult<I> = { ok: true; identity: I } | AuthFailure;

export const MESSAGES = {
  missingToken: "Missing Authentication Token",
  signatureMismatch:
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  invalidToken: "The security token included in the request is invalid.",
} as const;

export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const fail = (errorType: string, message: string): AuthFailure => ({ ok: false, status: 403, errorType, message });

function headerValue(headers: IncomingSignedRequest["headers"], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** `20150830T123600Z` → Date, or undefined when not ISO-8601 basic format. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return d.toISOString().slice(0, 19).replace(/[-:]/g, "") + "Z" === value ? d : undefined;
}

function formatAmzDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

function parseAuthorization(value: string): { credential?: string; signedHeaders?: string; signature?: string } | undefined {
  if (!value.startsWith("AWS4-HMAC-SHA256 ")) return undefined;
  const out: Record<string, string> = {};
  for (const part of value.slice("AWS4-HMAC-SHA256 ".length).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { credential: out.Credential, signedHeaders: out.SignedHeaders, signature: out.Signature };
}

export interface VerifyOptions<I> {
  region: string;
  service: string;
  /** Looks up the identity and its secret by access key id. */
  lookup: (accessKeyId: string) => { identity: I; credentials: LocalCredentials } | undefined;
  now?: Date;
}

export async function verifySigV4<I>(req: IncomingSignedRequest, opts: VerifyOptions<I>): Promise<AuthResult<I>> {
  const authorization = headerValue(req.headers, "authorization");
  if (authorization === undefined || authorization.trim() === "") return fail("MissingAuthenticationTokenException", MESSAGES.missingToken);

  const parsed = parseAuthorization(authorization);
  const amzDateText = headerValue(req.headers, "x-amz-date");
  const missing: string[] = [];
  if (!parsed?.credential) missing.push("Authorization header requires 'Credential' parameter.");
  if (!parsed?.signature) missing.push("Authorization header requires 'Signature' parameter.");
  if (!parsed?.signedHeaders) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (amzDateText === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (!parsed || missing.length > 0) {
    return fail("IncompleteSignatureException", `${missing.join(" ")} Authorization=${authorization.slice(0, 200)}`);
  }
  const { credential = "", signedHeaders = "", signature = "" } = parsed;

  const scope = credential.split("/");
  if (scope.length !== 5) {
    return fail("IncompleteSignatureException", `Credential should have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope;
  if (terminator !== "aws4_request") {
    return fail("IncompleteSignatureException", `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  const signed = signedHeaders.split(";");
  if (!signed.includes("host")) {
    return fail("IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) return fail("InvalidSignatureException", MESSAGES.signatureMismatch);

  const date = parseAmzDate(amzDateText ?? "");
  if (!date) {
    return fail("IncompleteSignatureException", `Date must be in ISO-8601 'basic format'. Got '${String(amzDateText).slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  if (scopeDate !== amzDateText!.slice(0, 8)) {
    return fail("InvalidSignatureException", `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDateText!.slice(0, 8)}', from '${amzDateText}'.`);
  }
  if (scopeRegion !== opts.region) return fail("InvalidSignatureException", "Credential should be scoped to a valid region. ");
  if (scopeService !== opts.service) return fail("InvalidSignatureException", `Credential should be scoped to correct service: '${opts.service}'. `);

  const now = opts.now ?? new Date();
  const skew = date.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    const limit = new Date(now.getTime() - MAX_CLOCK_SKEW_MS);
    return fail("InvalidSignatureException", `Signature expired: ${amzDateText} is now earlier than ${formatAmzDate(limit)} (${formatAmzDate(now)} - 15 min.)`);
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    const limit = new Date(now.getTime() + MAX_CLOCK_SKEW_MS);
    return fail("InvalidSignatureException", `Signature not yet current: ${amzDateText} is still later than ${formatAmzDate(limit)} (${formatAmzDate(now)} + 15 min.)`);
  }

  const found = opts.lookup(accessKeyId);
  if (!found) return fail("UnrecognizedClientException", MESSAGES.invalidToken);
  const token = headerValue(req.headers, "x-amz-security-token");
  if ((found.credentials.sessionToken ?? undefined) !== token) return fail("UnrecognizedClientException", MESSAGES.invalidToken);

  const expected = await expectedSignature(req, signed, date, found.credentials, scopeRegion, scopeService);
  if (expected === undefined || !equalHex(expected, signature)) return fail("InvalidSignatureException", MESSAGES.signatureMismatch);
  return { ok: true, identity: found.identity };
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

async function expectedSignature(
  req: IncomingSignedRequest, signed: string[], date: Date, credentials: LocalCredentials, region: string, service: string,
): Promise<string | undefined> {
  const q = req.rawUrl.indexOf("?");
  const path = q === -1 ? req.rawUrl : req.rawUrl.slice(0, q);
  let query;
  try {
    query = parseQuery(q === -1 ? "" : req.rawUrl.slice(q + 1));
  } catch {
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = headerValue(req.headers, name);
    if (v === undefined) return undefined; // a signed header that is not there cannot match
    headers[name] = v;
  }
  const host = headers.host;
  const request: HttpRequest = {
    method: req.method, protocol: "http:", hostname: host.replace(/:\d+$/, ""), path, query, headers,
    body: req.body.length > 0 ? req.body : undefined,
  };
  // The token is checked above; it is part of the signature only if the client signed it.
  const creds = signed.includes("x-amz-security-token") ? credentials : { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
  const signer = createSigner({ service, region, credentials: creds });
  const out = await signer.sign(request, { signingDate: date, signableHeaders: new Set(signed), unsignableHeaders: new Set() });
  const auth = String(out.headers.authorization ?? "");
  const signedOut = /SignedHeaders=([^,]+)/.exec(auth)?.[1];
  if (signedOut !== signed.join(";")) return undefined;
  return /Signature=([0-9a-f]{64})/.exec(auth)?.[1];
}
