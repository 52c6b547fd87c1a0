/**
 * The back half of a request: the declared Integration → AssumeRole by apigateway.amazonaws.com → s3:GetObject
 * by the role session → the object → integration and method responses. TestInvokeMethod runs it unauthorized.
 */
import { createHash } from "node:crypto";
import { parseArn } from "../../lib/arn";
import { authorize, authorizeServiceAssumeRole, type Caller, UnsupportedPolicyError } from "../../lib/iam/evaluate";
import type { Declared, DeclaredBucket, DeclaredIntegrationResponse, DeclaredMethod, DeclaredObject, DeclaredRole } from "../declared";
import type { Answer, PathStep } from "./answer";

/** Request headers by lower-case name, as Node gives them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type IntegrationWalk = (
  method: DeclaredMethod,
  pathParams: ReadonlyMap<string, string>,
  requestHeaders: RequestHeaders,
  path: PathStep[],
) => Answer;

/** The service principal API Gateway acts as when it assumes an integration's credentials role. */
export const API_GATEWAY_SERVICE = "apigateway.amazonaws.com";

/**
 * What API Gateway presents to STS for an integration role: no aws:SourceAccount (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479);
 * aws:SourceArn is undocumented, so absent too: a trust policy needing either fails here, the safe direction.
 */
export const ASSUME_ROLE_CONTEXT = Object.freeze({});

/**
 * A configuration error (a role it cannot assume, no integration or integration response): 500 `{"message":
 * "Internal server error"}`, gateway response API_CONFIGURATION_ERROR ("Gateway response types for API Gateway").
 */
const configurationError = (): Answer => ({ status: 500, body: JSON.stringify({ message: "Internal server error" }) });

/** `arn:<partition>:apigateway:<region>:s3:path/<bucket>/<key>` ("Tutorial: Create a REST API as an Amazon S3 proxy"). */
const S3_PATH_URI = /^arn:(aws|aws-cn|aws-us-gov):apigateway:([a-z0-9-]+):s3:path\/([^/]+)\/(.+)$/;

/** What S3 answered, as the integration response sees it. */
interface BackendResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** S3's REST error body ("Error responses", Amazon S3 API reference). */
function s3Error(status: number, code: string, message: string): BackendResponse {
  return {
    status,
    headers: { "Content-Type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

/**
 * Refuses, up front, what the twin does not model, rather than answering it some guessed way: only
 * `AWS_IAM` methods, only `AWS` integrations that GET one S3 object by path with a credentials role, and
 * only static (template-free) mapping templates.
 */
function assertModelled(method: DeclaredMethod): void {
  const where = `${method.httpMethod} ${method.path}`;
  if (method.authorization !== "AWS_IAM")
    throw new UnsupportedPolicyError(`${where}: authorization ${method.authorization} is not modelled by the offline twin (only AWS_IAM)`);
  const i = method.integration;
  if (!i) return;
  if (i.type !== "AWS" || !S3_PATH_URI.test(i.uri ?? ""))
    throw new UnsupportedPolicyError(
      `${where}: integration ${i.type} ${String(i.uri)} is not modelled (only AWS integrations with an s3:path/<bucket>/<key> URI)`,
    );
  if (i.integrationHttpMethod !== "GET")
    throw new UnsupportedPolicyError(
      `${where}: integrationHttpMethod ${String(i.integrationHttpMethod)} is not modelled (only GET = s3:GetObject)`,
    );
  if (!i.credentials) throw new UnsupportedPolicyError(`${where}: an S3 integration without a credentials role is not modelled`);
  if (Object.keys(i.requestTemplates ?? {}).length > 0)
    throw new UnsupportedPolicyError(`${where}: integration request templates are not modelled`);
  for (const [target, source] of Object.entries(i.requestParameters ?? {})) {
    if (!/^integration\.request\.(path|header)\.[^.]+$/.test(target) || !/^(method\.request\.(path|header)\.[^.]+|'[^']*')$/.test(source)) {
      throw new UnsupportedPolicyError(
        `${where}: integration request parameter ${target} ← ${source} is not modelled (only path and header parameters from the method request or a literal)`,
      );
    }
  }
  for (const r of method.integrationResponses) {
    for (const t of Object.values(r.responseTemplates)) {
      if (/[$#]/.test(t))
        throw new UnsupportedPolicyError(`${where}: the ${r.statusCode} response template uses VTL, which the twin does not evaluate`);
    }
  }
}

type SelectionPatterns = ReadonlyMap<DeclaredIntegrationResponse, RegExp>;

/** Each declared selectionPattern as the whole-status regex it is, compiled once when the walk is made. */
function selectionPatterns(methods: Iterable<DeclaredMethod>): SelectionPatterns {
  const compiled = new Map<DeclaredIntegrationResponse, RegExp>();
  for (const m of methods)
    for (const r of m.integrationResponses) {
      const pattern = wholeStatus(r);
      if (pattern) compiled.set(r, pattern);
    }
  return compiled;
}

const wholeStatus = (r: DeclaredIntegrationResponse): RegExp | undefined =>
  r.selectionPattern === undefined || r.selectionPattern === "" ? undefined : new RegExp(`^(?:${r.selectionPattern})$`);

/**
 * The integration response whose selectionPattern matches the backend's whole HTTP status, else the default one
 * (IntegrationResponse.selectionPattern, API Gateway API reference).
 */
function selectIntegrationResponse(
  responses: readonly DeclaredIntegrationResponse[],
  status: number,
  patterns: SelectionPatterns,
): DeclaredIntegrationResponse | undefined {
  const text = String(status);
  // A method from a frozen deployment's snapshot may not be among the walk's own: compile its pattern then.
  const matching = responses.find((r) => (patterns.get(r) ?? wholeStatus(r))?.test(text));
  return matching ?? responses.find((r) => r.selectionPattern === undefined || r.selectionPattern === "");
}

/**
 * The integration request's path parameters and headers, from the declared `integration.request.*`
 * ← `method.request.*` (or `'literal'`) mappings ("Parameter mapping for REST APIs in API Gateway").
 * An unmapped method-request value is not sent; header names are compared case-insensitively.
 */
function integrationRequest(
  mappings: Readonly<Record<string, string>>,
  pathParams: ReadonlyMap<string, string>,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): { path: Map<string, string>; headers: Map<string, string> } {
  const out = { path: new Map<string, string>(), headers: new Map<string, string>() };
  for (const [target, expr] of Object.entries(mappings)) {
    const [, kind, name] = /^integration\.request\.(path|header)\.(.+)$/.exec(target) ?? [];
    const literal = /^'(.*)'$/.exec(expr);
    const [, sourceKind, sourceName] = /^method\.request\.(path|header)\.(.+)$/.exec(expr) ?? [];
    let value: string | undefined;
    if (literal) value = literal[1];
    else if (sourceKind === "path") value = pathParams.get(sourceName);
    else if (sourceKind === "header") {
      const v = headers[sourceName.toLowerCase()];
      value = Array.isArray(v) ? v.join(",") : v;
    }
    if (value === undefined || !name) continue;
    if (kind === "path") out.path.set(name, value);
    else out.headers.set(name.toLowerCase(), value);
  }
  return out;
}

/**
 * S3's ETag for an object written by a single PUT with SSE-S3 (or unencrypted): the quoted hex MD5 of
 * its bytes ("Objects created by the PUT Object … and are encrypted by SSE-S3 or plaintext, have ETags
 * that are an MD5 digest of their object data", `Object.ETag`, Amazon S3 API reference).
 */
const md5Etag = (content: string): string => `"${createHash("md5").update(content).digest("hex")}"`;

/**
 * If-None-Match as S3 applies it: "Return the object only if its entity tag (ETag) is different from
 * the one specified in this header; otherwise, return a 304 Not Modified" (GetObject, Amazon S3 API
 * reference). A list of tags, `W/` compared weakly, `*` matching any existing object (RFC 7232 §3.2).
 */
function noneMatchHolds(header: string, etag: string): boolean {
  const tags = header.split(",").map((t) => t.trim().replace(/^W\//, ""));
  return tags.includes("*") || tags.includes(etag);
}

/** The method response an integration response yields for one backend answer, or the link that breaks. */
type MethodResult =
  | { ok: true; status: number; body: string; contentType: string; headers: Map<string, string> }
  | { ok: false; link: string; detail: string };

/**
 * From an allowed (or, for TestInvokeMethod, unauthenticated) method call to the client's answer:
 * integration → AssumeRole → S3 → integration and method responses, over what the program declared.
 * `lastModified` is the objects' Last-Modified (an HTTP-date): when the twin "wrote" them.
 */
export function createIntegrationWalk(declared: Declared, lastModified: string): IntegrationWalk {
  const { api, roles, buckets } = declared;
  for (const m of api.methods.values()) assertModelled(m);
  const patterns = selectionPatterns(api.methods.values());

  const trustOf = (role: DeclaredRole) =>
    authorizeServiceAssumeRole({
      trustPolicy: role.trustPolicy,
      roleArn: role.arn,
      service: API_GATEWAY_SERVICE,
      context: ASSUME_ROLE_CONTEXT,
    });
  const sessionOf = (role: DeclaredRole): Caller => ({
    principalArn: role.arn,
    userArn: `arn:${parseArn(role.arn)?.partition ?? "aws"}:sts::${role.accountId}:assumed-role/${role.name}/apigateway`,
    accountId: role.accountId,
  });
  // API Gateway calls the S3 endpoint over HTTPS: aws:SecureTransport is true (assumed: the twin
  // cannot observe API Gateway's own S3 call).
  const s3Decision = (role: DeclaredRole, bucket: DeclaredBucket, action: string, resource: string) =>
    authorize({
      request: { requester: { kind: "identity", caller: sessionOf(role) }, action, resource, context: { "aws:SecureTransport": "true" } },
      identityPolicies: role.identityPolicies,
      resourcePolicy: bucket.policy,
      resourceAccountId: bucket.accountId,
    });
  /** S3's two successful answers for an object. */
  const answersOf = (object: DeclaredObject) => {
    const etag = md5Etag(object.content);
    const ok: BackendResponse = {
      status: 200,
      headers: { ETag: etag, "Last-Modified": lastModified, ...(object.contentType ? { "Content-Type": object.contentType } : {}) },
      body: object.content,
    };
    const notModified: BackendResponse = { status: 304, headers: { ETag: etag, "Last-Modified": lastModified }, body: "" };
    return { etag, ok, notModified };
  };
  // S3 computes an object's ETag when it is written, not per GET: so does the twin, once per declared object.
  const answers = new Map([...buckets.values()].flatMap((b) => [...b.objects.values()].map((o) => [o, answersOf(o)] as const)));

  return function integrate(method, pathParams, requestHeaders, path) {
    const fail = (link: string, detail: string): Answer => {
      path.push({ link, ok: false, detail });
      return { ...configurationError(), path };
    };
    const integration = method.integration;
    if (!integration) return fail("integration", "the method has no integration (No integration defined for method)");
    const request = integrationRequest(integration.requestParameters ?? {}, pathParams, requestHeaders);
    // `{name}` in the URI is filled from integration.request.path.name; an unmapped one stays as written.
    const uri = (integration.uri ?? "").replace(/\{([^{}]+)\}/g, (whole, name: string) => request.path.get(name) ?? whole);
    const [, , , bucketName, key] = S3_PATH_URI.exec(uri) ?? [];
    path.push({ link: "integration", ok: true, detail: `${integration.type} ${uri}` });

    const roleArn = integration.credentials ?? "";
    const role = roles.get(roleArn);
    const roleName = role?.name ?? roleArn.split("/").pop() ?? roleArn;
    if (!role) return fail(`AssumeRole ${roleName}`, "no such role is declared");
    if (role.accountId !== api.accountId)
      return fail(
        `AssumeRole ${roleName}`,
        `the role is in account ${role.accountId}, not the API's ${api.accountId} (iam:PassRole cannot cross accounts)`,
      );
    const trust = trustOf(role);
    if (!trust.allowed)
      return fail(
        `AssumeRole ${roleName}`,
        `trust policy: ${trust.reason} (API Gateway does not have permission to assume the provided role)`,
      );
    path.push({ link: `AssumeRole ${roleName}`, ok: true });

    const bucket = buckets.get(bucketName);
    let backend: BackendResponse;
    const getLink = `s3:GetObject ${key}`;
    if (!bucket) {
      backend = s3Error(404, "NoSuchBucket", "The specified bucket does not exist");
      path.push({ link: getLink, ok: false, detail: `404 NoSuchBucket (${bucketName} is not declared)` });
    } else {
      const object = bucket.objects.get(key);
      const get = s3Decision(role, bucket, "s3:GetObject", `${bucket.arn}/${key}`);
      if (!get.allowed) {
        backend = s3Error(403, "AccessDenied", "Access Denied");
        path.push({ link: getLink, ok: false, detail: `403 AccessDenied (${get.reason})` });
      } else if (!object) {
        // Without s3:ListBucket a missing key answers 403, with it 404 (GetObject, Amazon S3 API reference, Permissions).
        const canList = s3Decision(role, bucket, "s3:ListBucket", bucket.arn).allowed;
        backend = canList ? s3Error(404, "NoSuchKey", "The specified key does not exist.") : s3Error(403, "AccessDenied", "Access Denied");
        path.push({
          link: getLink,
          ok: false,
          detail: `${backend.status} ${canList ? "NoSuchKey" : "AccessDenied"} (no object ${key} is declared in ${bucket.name})`,
        });
      } else {
        const { etag, ok, notModified } = answers.get(object) ?? answersOf(object);
        const ifNoneMatch = request.headers.get("if-none-match");
        if (ifNoneMatch !== undefined && noneMatchHolds(ifNoneMatch, etag)) {
          backend = notModified;
          path.push({ link: getLink, ok: true, detail: "304 Not Modified" });
        } else {
          backend = ok;
          path.push({ link: getLink, ok: true });
        }
      }
    }

    const result = mapResponse(method, backend, patterns);
    if (!result.ok) return fail(result.link, result.detail);
    return {
      status: result.status,
      body: result.body,
      contentType: result.contentType,
      headers: result.headers,
      path,
    };
  };
}

const METHOD_HEADER = "method.response.header.";
const BACKEND_HEADER = "integration.response.header.";

/** Integration response → method response for one S3 answer (selection, declared parameters, mapping). */
function mapResponse(method: DeclaredMethod, backend: BackendResponse, patterns: SelectionPatterns): MethodResult {
  const broken = (link: string, detail: string): MethodResult => ({ ok: false, link, detail });
  const response = selectIntegrationResponse(method.integrationResponses, backend.status, patterns);
  if (!response)
    return broken(
      "integration response",
      `no integration response matches S3's ${backend.status} and none is the default (No match for output mapping and no default output mapping configured)`,
    );
  const declaredParams = method.methodResponses.get(response.statusCode);
  if (!declaredParams) return broken("method response", `no method response ${response.statusCode} is declared`);
  // S3's headers by lower-case name, the first of a name winning (header names are case-insensitive).
  const fromS3 = new Map<string, string>();
  for (const [h, v] of Object.entries(backend.headers)) if (!fromS3.has(h.toLowerCase())) fromS3.set(h.toLowerCase(), v);
  let contentType = "application/json";
  const others = new Map<string, string>();
  for (const [target, source] of Object.entries(response.responseParameters)) {
    if (declaredParams[target] === undefined)
      return broken("method response", `${target} is mapped but not declared by method response ${response.statusCode}`);
    const header = (target.startsWith(METHOD_HEADER) ? target.slice(METHOD_HEADER.length) : target).toLowerCase();
    const value =
      source.length >= 2 && source.startsWith("'") && source.endsWith("'")
        ? source.slice(1, -1)
        : source.startsWith(BACKEND_HEADER) && source.length > BACKEND_HEADER.length
          ? fromS3.get(source.slice(BACKEND_HEADER.length).toLowerCase())
          : undefined;
    if (value === undefined) continue;
    if (header === "content-type") contentType = value;
    else others.set(header, value);
  }
  const template = response.responseTemplates["application/json"];
  const body = template ?? backend.body;
  return { ok: true, status: Number(response.statusCode), body, contentType, headers: others };
}
