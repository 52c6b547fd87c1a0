/**
 * SigV4 for a request with a query parameter named `__proto__`, which @smithy/signature-v4's public
 * sign()/presign() sign as `[object Object]` (its getCanonicalQuery assigns into a plain object). Steps
 * as the IAM User Guide, "Create a signed AWS API request" (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
 */
import { createHash, createHmac } from "node:crypto";
import { ALWAYS_UNSIGNABLE_HEADERS, PROXY_HEADER_PATTERN, SEC_HEADER_PATTERN } from "@smithy/signature-v4";
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  DateInput,
  HeaderBag,
  HttpRequest,
  QueryParameterBag,
} from "@smithy/types";
import { canonicalQueryString, sigv4Encode } from "./signingRequest";

/** True for a query smithy would sign wrong. */
export const needsQuerySafeSigning = (query: QueryParameterBag | undefined): boolean =>
  query !== undefined && Object.hasOwn(query, "__proto__");

export interface SigningScope {
  region: string;
  service: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** "The maximum expiration time for presigned URLs is one week" (Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters"). */
const MAX_EXPIRES_S = 604_800;

export async function signQuerySafe(request: HttpRequest, scope: SigningScope, signingDate: DateInput = new Date()): Promise<HttpRequest> {
  const { creds, longDate, credentialScope, key } = await prepare(scope, signingDate);
  const headers = withoutGenerated(request.headers);
  headers["x-amz-date"] = longDate;
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const { canonical, signed } = canonicalHeaders(headers);
  const signature = sign(
    key,
    longDate,
    credentialScope,
    canonicalRequest(request, request.query ?? {}, canonical, signed, payloadHash(request)),
  );
  headers.authorization = `${ALGORITHM} Credential=${creds.accessKeyId}/${credentialScope}, SignedHeaders=${signed}, Signature=${signature}`;
  return { ...request, headers, query: copy(request.query) };
}

export async function presignQuerySafe(
  request: HttpRequest,
  scope: SigningScope,
  signingDate: DateInput = new Date(),
  expiresIn = 3600,
): Promise<HttpRequest> {
  if (expiresIn > MAX_EXPIRES_S)
    throw new RangeError(`expiresIn ${expiresIn}: a presigned URL expires within one week (${MAX_EXPIRES_S} s)`);
  const { creds, longDate, credentialScope, key } = await prepare(scope, signingDate);
  const headers = withoutGenerated(request.headers);
  const query = copy(request.query);
  // As smithy's presign(): every x-amz-* header travels in the query.
  for (const name of Object.keys(headers))
    if (name.toLowerCase().startsWith("x-amz-")) {
      query[name] = headers[name];
      delete headers[name];
    }
  if (creds.sessionToken) query["X-Amz-Security-Token"] = creds.sessionToken;
  Object.assign(query, {
    "X-Amz-Algorithm": ALGORITHM,
    "X-Amz-Credential": `${creds.accessKeyId}/${credentialScope}`,
    "X-Amz-Date": longDate,
  });
  query["X-Amz-Expires"] = String(expiresIn);
  const { canonical, signed } = canonicalHeaders(headers);
  query["X-Amz-SignedHeaders"] = signed;
  query["X-Amz-Signature"] = sign(
    key,
    longDate,
    credentialScope,
    canonicalRequest(request, query, canonical, signed, payloadHash(request)),
  );
  return { ...request, headers, query };
}

async function prepare(scope: SigningScope, signingDate: DateInput) {
  const creds = typeof scope.credentials === "function" ? await scope.credentials() : scope.credentials;
  if (typeof creds?.accessKeyId !== "string" || typeof creds.secretAccessKey !== "string")
    throw new Error("Resolved credential object is not valid");
  const longDate = toDate(signingDate)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  const shortDate = longDate.slice(0, 8);
  let key: Buffer = hmac(`AWS4${creds.secretAccessKey}`, shortDate);
  for (const part of [scope.region, scope.service, "aws4_request"]) key = hmac(key, part);
  return { creds, longDate, credentialScope: `${shortDate}/${scope.region}/${scope.service}/aws4_request`, key };
}

/** Epoch seconds, a numeric or date string, or a Date: the forms smithy's signingDate accepts. */
function toDate(d: DateInput): Date {
  if (typeof d === "number") return new Date(d * 1000);
  if (typeof d === "string") return Number(d) ? new Date(Number(d) * 1000) : new Date(d);
  return d;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();
const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");
const copy = <T extends object>(from: T | undefined): T => Object.assign(Object.create(null) as T, from);

function sign(key: Buffer, longDate: string, credentialScope: string, canonical: string): string {
  return createHmac("sha256", key)
    .update(`${ALGORITHM}\n${longDate}\n${credentialScope}\n${sha256Hex(canonical)}`, "utf8")
    .digest("hex");
}

function withoutGenerated(from: HeaderBag): HeaderBag {
  const headers = copy(from);
  for (const name of Object.keys(headers)) if (/^(authorization|x-amz-date|date)$/i.test(name)) delete headers[name];
  return headers;
}

/** The headers smithy signs (all but its unsignable ones), lower-cased, values with runs of spaces collapsed. */
function canonicalHeaders(headers: HeaderBag): { canonical: string; signed: string } {
  const lines = new Map<string, string>();
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    if (headers[name] == undefined || Object.hasOwn(ALWAYS_UNSIGNABLE_HEADERS, lower)) continue;
    if (PROXY_HEADER_PATTERN.test(lower) || SEC_HEADER_PATTERN.test(lower)) continue;
    lines.set(
      lower,
      headers[name]
        .replace(/[\r\n]/g, " ")
        .replace(/[ \t]+/g, " ")
        .replace(/^ | $/g, ""),
    );
  }
  const names = [...lines.keys()].sort();
  return { canonical: names.map((n) => `${n}:${lines.get(n)}`).join("\n"), signed: names.join(";") };
}

function payloadHash({ headers, body }: HttpRequest): string {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === "x-amz-content-sha256") return headers[name];
  if (body == undefined) return EMPTY_SHA256;
  if (typeof body === "string" || ArrayBuffer.isView(body)) return sha256Hex(body as string | Uint8Array);
  return "UNSIGNED-PAYLOAD";
}

/** The path's segments normalized and each URI-encoded twice, as every service but S3 requires. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const s of path.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") segments.pop();
    else segments.push(s);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return sigv4Encode(normalized).replace(/%2F/g, "/");
}

function canonicalRequest(request: HttpRequest, query: QueryParameterBag, headers: string, signed: string, payload: string): string {
  const signedQuery = copy(query);
  for (const name of Object.keys(signedQuery)) if (name.toLowerCase() === "x-amz-signature") delete signedQuery[name];
  return `${request.method}\n${canonicalPath(request.path)}\n${canonicalQueryString(signedQuery)}\n${headers}\n\n${signed}\n${payload}`;
}
