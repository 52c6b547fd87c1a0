/**
 * The back half of a request through the deployed API: the declared Integration (type, URI, credentials
 * role, request parameters) → AssumeRole of that role by apigateway.amazonaws.com (its trust policy) →
 * s3:GetObject by the role session (its identity policies and the bucket policy) → the declared object
 * (ETag, 304) → integration responses (selectionPattern over S3's status) → method responses. Used by
 * the data-plane pipeline after authorization, and by the control plane's TestInvokeMethod, which runs
 * the integration without authorization.
 */
import { createHash } from "node:crypto";
import { parseArn } from "../../lib/arn";
import { authorize, authorizeServiceAssumeRole, type Caller, type Decision, UnsupportedPolicyError } from "../../lib/iam/evaluate";
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
 * The request context API Gateway presents to STS when it assumes an integration credentials role:
 * no `aws:SourceAccount` (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws
 * PR #479, confirmed with test-invoke-method: "API Gateway does not have permission to assume the
 * provided role"). Whether it presents `aws:SourceArn` is not documented, so it is absent too: a trust
 * policy that needs either key fails here, the safe direction.
 */
export const ASSUME_ROLE_CONTEXT = Object.freeze({});

/**
 * API Gateway's answer to a configuration error (a role it cannot assume, a missing integration, no
 * matching integration response): 500 `{"message": "Internal server error"}`; the execution log says
 * "Execution failed due to configuration error: …" (repost.aws knowledge center "api-gateway-500-error-vpc";
 * PR #479). The gateway response type API_CONFIGURATION_ERROR ("Gateway response types for API Gateway").
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

/** Declared selection patterns, compiled once (they come from the program, not the client). */
const selectionPatterns = new Map<string, RegExp>();
function selectionRegExp(pattern: string): RegExp {
  let re = selectionPatterns.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${pattern})$`);
    if (selectionPatterns.size >= 1024) selectionPatterns.clear();
    selectionPatterns.set(pattern, re);
  }
  return re;
}

/**
 * The integration response for the backend status: for AWS and HTTP integrations the selectionPattern
 * is matched against the backend's HTTP status code, and the response without one is the default
 * (IntegrationResponse.selectionPattern, API Gateway API reference; "Set up an integration response in
 * API Gateway"). The pattern is taken to match the whole status text.
 */
function selectIntegrationResponse(
  responses: readonly DeclaredIntegrationResponse[],
  status: number,
): DeclaredIntegrationResponse | undefined {
  const text = String(status);
  const matching = responses.find(
    (r) => r.selectionPattern !== undefined && r.selectionPattern !== "" && selectionRegExp(r.selectionPattern).test(text),
  );
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
  for (const m of parsedMappings(mappings)) {
    let value: string | undefined;
    if (m.from === "literal") value = m.name;
    else if (m.from === "path") value = pathParams.get(m.name);
    else if (m.from === "header") {
      const v = headers[m.name];
      value = Array.isArray(v) ? v.join(",") : v;
    }
    if (value === undefined || !m.target) continue;
    if (m.kind === "path") out.path.set(m.target, value);
    else out.headers.set(m.target.toLowerCase(), value);
  }
  return out;
}

/** One declared mapping, parsed once: where the value comes from and where it goes. */
interface ParsedMapping {
  from: "literal" | "path" | "header" | "none";
  /** The literal, the path parameter's name, or the lower-case header name. */
  name: string;
  kind: string | undefined;
  target: string | undefined;
}

const NO_MAPPINGS: Readonly<Record<string, string>> = Object.freeze({});
const parsedByMappings = new WeakMap<Readonly<Record<string, string>>, ParsedMapping[]>();

function parsedMappings(mappings: Readonly<Record<string, string>>): ParsedMapping[] {
  const known = parsedByMappings.get(mappings);
  if (known) return known;
  const parsed = Object.entries(mappings).map(([target, expr]): ParsedMapping => {
    const [, kind, name] = /^integration\.request\.(path|header)\.(.+)$/.exec(target) ?? [];
    const literal = /^'(.*)'$/.exec(expr);
    if (literal) return { from: "literal", name: literal[1], kind, target: name };
    const [, sourceKind, sourceName] = /^method\.request\.(path|header)\.(.+)$/.exec(expr) ?? [];
    if (sourceKind === "path") return { from: "path", name: sourceName, kind, target: name };
    if (sourceKind === "header") return { from: "header", name: sourceName.toLowerCase(), kind, target: name };
    return { from: "none", name: "", kind, target: name };
  });
  parsedByMappings.set(mappings, parsed);
  return parsed;
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

/** An outcome the walk computes from declared things only, memoized per the declared object it depends on. */
function memo<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = compute(key); // a throw (UnsupportedPolicyError) is not cached: it throws again next time
    cache.set(key, value);
    return value;
  };
}

/** The method response an integration response yields for one backend answer, or the link that breaks. */
type MethodResult =
  | { ok: true; status: number; body: string; bytes: Buffer; contentType: string; headers: ReadonlyMap<string, string> }
  | { ok: false; link: string; detail: string };

/**
 * From an allowed (or, for TestInvokeMethod, unauthenticated) method call to the client's answer:
 * integration → AssumeRole → S3 → integration and method responses, over what the program declared.
 * `lastModified` is the objects' Last-Modified (an HTTP-date): when the twin "wrote" them.
 *
 * Every link is still walked per request and the `path` is the same, but what a link decides from
 * declared things alone is computed once and kept with the declared object it depends on (issue 12):
 * the trust-policy decision per role, the S3 decisions per role + bucket + declared key (a key the
 * program does not declare is evaluated every time, so nothing is kept per client-chosen key), the
 * ETag and S3's answers per object, and the integration/method response per method + S3 answer.
 */
export function createIntegrationWalk(declared: Declared, lastModified: string): IntegrationWalk {
  const { api, roles, buckets } = declared;
  for (const m of api.methods.values()) assertModelled(m);

  const trustOf = memo((role: DeclaredRole) =>
    authorizeServiceAssumeRole({
      trustPolicy: role.trustPolicy,
      roleArn: role.arn,
      service: API_GATEWAY_SERVICE,
      context: ASSUME_ROLE_CONTEXT,
    }),
  );
  const sessionOf = memo((role: DeclaredRole): Caller => ({
    principalArn: role.arn,
    userArn: `arn:${parseArn(role.arn)?.partition ?? "aws"}:sts::${role.accountId}:assumed-role/${role.name}/apigateway`,
    accountId: role.accountId,
  }));
  // API Gateway calls the S3 endpoint over HTTPS: aws:SecureTransport is true (assumed; see README,
  // "What offline mode checks and what it cannot").
  const s3Authorize = (role: DeclaredRole, bucket: DeclaredBucket, action: string, resource: string) =>
    authorize({
      request: { requester: { kind: "identity", caller: sessionOf(role) }, action, resource, context: { "aws:SecureTransport": "true" } },
      identityPolicies: role.identityPolicies,
      resourcePolicy: bucket.policy,
      resourceAccountId: bucket.accountId,
    });
  /** Per role, per bucket: decisions keyed by action + declared resource (declared keys only: bounded by the program). */
  const s3Decisions = new WeakMap<DeclaredRole, WeakMap<DeclaredBucket, Map<string, Decision>>>();
  const s3Decision = (role: DeclaredRole, bucket: DeclaredBucket, action: string, resource: string, declaredResource: boolean) => {
    if (!declaredResource) return s3Authorize(role, bucket, action, resource);
    let byBucket = s3Decisions.get(role);
    if (!byBucket) s3Decisions.set(role, (byBucket = new WeakMap()));
    let decisions = byBucket.get(bucket);
    if (!decisions) byBucket.set(bucket, (decisions = new Map()));
    const id = `${action}\u0000${resource}`;
    let d = decisions.get(id);
    if (d === undefined) decisions.set(id, (d = s3Authorize(role, bucket, action, resource)));
    return d;
  };
  /** S3's two successful answers per object, ETag computed once (kept while the content is the same). */
  const objectAnswers = new WeakMap<DeclaredObject, { content: string; etag: string; ok: BackendResponse; notModified: BackendResponse }>();
  const answersOf = (object: DeclaredObject) => {
    const known = objectAnswers.get(object);
    if (known && known.content === object.content) return known;
    const etag = md5Etag(object.content);
    const fresh = {
      content: object.content,
      etag,
      ok: {
        status: 200,
        headers: { ETag: etag, "Last-Modified": lastModified, ...(object.contentType ? { "Content-Type": object.contentType } : {}) },
        body: object.content,
      },
      notModified: { status: 304, headers: { ETag: etag, "Last-Modified": lastModified }, body: "" },
    };
    objectAnswers.set(object, fresh);
    return fresh;
  };
  const s3Errors = new Map<string, BackendResponse>();
  const s3ErrorOnce = (status: number, code: string, message: string) => {
    const id = `${status} ${code}`;
    let e = s3Errors.get(id);
    if (!e) s3Errors.set(id, (e = s3Error(status, code, message)));
    return e;
  };
  /** Per method, per S3 answer (both declared or fixed): the method response it yields. */
  const methodResults = new WeakMap<DeclaredMethod, WeakMap<BackendResponse, MethodResult>>();
  const methodResult = (method: DeclaredMethod, backend: BackendResponse): MethodResult => {
    let byBackend = methodResults.get(method);
    if (!byBackend) methodResults.set(method, (byBackend = new WeakMap()));
    let r = byBackend.get(backend);
    if (!r) byBackend.set(backend, (r = mapResponse(method, backend)));
    return r;
  };

  return function integrate(method, pathParams, requestHeaders, path) {
    const fail = (link: string, detail: string): Answer => {
      path.push({ link, ok: false, detail });
      return { ...configurationError(), path };
    };
    const integration = method.integration;
    if (!integration) return fail("integration", "the method has no integration (No integration defined for method)");
    const request = integrationRequest(integration.requestParameters ?? NO_MAPPINGS, pathParams, requestHeaders);
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
      backend = s3ErrorOnce(404, "NoSuchBucket", "The specified bucket does not exist");
      path.push({ link: getLink, ok: false, detail: `404 NoSuchBucket (${bucketName} is not declared)` });
    } else {
      const object = bucket.objects.get(key);
      const get = s3Decision(role, bucket, "s3:GetObject", `${bucket.arn}/${key}`, object !== undefined);
      if (!get.allowed) {
        backend = s3ErrorOnce(403, "AccessDenied", "Access Denied");
        path.push({ link: getLink, ok: false, detail: `403 AccessDenied (${get.reason})` });
      } else if (!object) {
        // Without s3:ListBucket a missing key answers 403, with it 404 (GetObject, Amazon S3 API reference, Permissions).
        const canList = s3Decision(role, bucket, "s3:ListBucket", bucket.arn, true).allowed;
        backend = canList
          ? s3ErrorOnce(404, "NoSuchKey", "The specified key does not exist.")
          : s3ErrorOnce(403, "AccessDenied", "Access Denied");
        path.push({
          link: getLink,
          ok: false,
          detail: `${backend.status} ${canList ? "NoSuchKey" : "AccessDenied"} (no object ${key} is declared in ${bucket.name})`,
        });
      } else {
        const answers = answersOf(object);
        const ifNoneMatch = request.headers.get("if-none-match");
        if (ifNoneMatch !== undefined && noneMatchHolds(ifNoneMatch, answers.etag)) {
          backend = answers.notModified;
          path.push({ link: getLink, ok: true, detail: "304 Not Modified" });
        } else {
          backend = answers.ok;
          path.push({ link: getLink, ok: true });
        }
      }
    }

    const result = methodResult(method, backend);
    if (!result.ok) return fail(result.link, result.detail);
    return {
      status: result.status,
      body: result.body,
      bytes: result.bytes,
      contentType: result.contentType,
      headers: new Map(result.headers),
      path,
    };
  };
}

/** Integration response → method response for one S3 answer (selection, declared parameters, mapping). */
function mapResponse(method: DeclaredMethod, backend: BackendResponse): MethodResult {
  const broken = (link: string, detail: string): MethodResult => ({ ok: false, link, detail });
  const response = selectIntegrationResponse(method.integrationResponses, backend.status);
  if (!response)
    return broken(
      "integration response",
      `no integration response matches S3's ${backend.status} and none is the default (No match for output mapping and no default output mapping configured)`,
    );
  const declaredParams = method.methodResponses.get(response.statusCode);
  if (!declaredParams) return broken("method response", `no method response ${response.statusCode} is declared`);
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [target, source] of Object.entries(response.responseParameters)) {
    if (declaredParams[target] === undefined)
      return broken("method response", `${target} is mapped but not declared by method response ${response.statusCode}`);
    const header = target.replace(/^method\.response\.header\./, "");
    const literal = /^'(.*)'$/.exec(source);
    const fromBackend = /^integration\.response\.header\.(.+)$/.exec(source);
    const value = literal
      ? literal[1]
      : fromBackend
        ? Object.entries(backend.headers).find(([h]) => h.toLowerCase() === fromBackend[1].toLowerCase())?.[1]
        : undefined;
    if (value !== undefined) headers[header.toLowerCase()] = value;
  }
  const template = response.responseTemplates["application/json"];
  const contentType = headers["content-type"] ?? "application/json";
  const others = new Map(Object.entries(headers).filter(([h]) => h !== "content-type"));
  const body = template ?? backend.body;
  return { ok: true, status: Number(response.statusCode), body, bytes: Buffer.from(body, "utf8"), contentType, headers: others };
}
