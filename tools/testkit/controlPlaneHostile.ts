/**
 * Hostile requests for the twin's control plane (shared by `npm run fuzz` and its test): every one is
 * unauthorized or malformed, so every answer must be a refusal in AWS's error shape (REST-JSON
 * `x-amzn-errortype`, or the query protocol's XML `<Error><Code>`), never 2xx, never 5xx. The codes a
 * kind may get are stated here from AWS's documented errors, not from the twin's code.
 */
import fc from "fast-check";
import { createSigner } from "../../sigv4/signer";
import { toHttpRequest } from "../../sigv4/signingRequest";
import type { RawResponse } from "./http";

export interface ControlPlaneTarget {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  region: string;
  functionName: string;
  restApiId: string;
  stageName: string;
  /** Account A's deployer (may call API Gateway), account B's (may invoke the function), an identity that may do neither. */
  deployerA: Creds;
  deployerB: Creds;
  intruder: Creds;
}
interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

type Service = "lambda" | "apigateway" | "sts";
const OPS = ["invoke", "getRestApi", "getStage", "getDeployments", "getResources", "getExport", "testInvoke", "getCallerIdentity"] as const;
type Op = (typeof OPS)[number];
export const KINDS = [
  "unsigned",
  "badSignature",
  "unknownKey",
  "expired",
  "malformedAuth",
  "wrongServiceScope",
  "unknownOperation",
  "stsJunkAction",
  "deniedIdentity",
  "junkBody",
] as const;
export type Kind = (typeof KINDS)[number];

/** Names that reach prototype lookups in code keyed by client input with `{}`. */
const PROTO_NAMES = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf", "__defineGetter__"];

export interface ControlPlaneCase {
  kind: Kind;
  op: Op;
  pick: number;
  junk: string;
}

/** Built when called: fast-check's full-Unicode string unit takes about a second to build, which `npm run fuzz -- --help` need not pay. */
export const controlPlaneCaseArb = (): fc.Arbitrary<ControlPlaneCase> =>
  fc.record({
    kind: fc.constantFrom(...KINDS),
    op: fc.constantFrom(...OPS),
    pick: fc.nat({ max: 1_000_000 }),
    junk: fc.oneof(fc.constantFrom(...PROTO_NAMES), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 60 })),
  });

const serviceOf = (op: Op): Service => (op === "invoke" ? "lambda" : op === "getCallerIdentity" ? "sts" : "apigateway");

interface Built {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

function operation(t: ControlPlaneTarget, op: Op): Built {
  const api = `/restapis/${t.restApiId}`;
  const json = { "content-type": "application/json" };
  switch (op) {
    case "invoke":
      return { method: "POST", path: `/2015-03-31/functions/${t.functionName}/invocations`, headers: json, body: "{}" };
    case "getRestApi":
      return { method: "GET", path: api, headers: {}, body: "" };
    case "getStage":
      return { method: "GET", path: `${api}/stages/${t.stageName}`, headers: {}, body: "" };
    case "getDeployments":
      return { method: "GET", path: `${api}/deployments`, headers: {}, body: "" };
    case "getResources":
      return { method: "GET", path: `${api}/resources`, headers: {}, body: "" };
    case "getExport":
      return { method: "GET", path: `${api}/stages/${t.stageName}/exports/oas30?extensions=apigateway`, headers: {}, body: "" };
    case "testInvoke":
      return {
        method: "POST",
        path: `${api}/resources/root/methods/GET`,
        headers: json,
        body: '{"pathWithQueryString":"/api/v1/data.json"}',
      };
    case "getCallerIdentity":
      return {
        method: "POST",
        path: "/",
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: "Action=GetCallerIdentity&Version=2011-06-15",
      };
  }
}

async function signed(t: ControlPlaneTarget, b: Built, creds: Creds, service: string, date = new Date()): Promise<Built> {
  const url = new URL(`${t.endpoint}${b.path}`);
  const request = toHttpRequest(url, { method: b.method, headers: b.headers, body: b.body });
  const out = await createSigner({ service, region: t.region, credentials: creds }).sign(request, { signingDate: date });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) if (k !== "host") headers[k] = String(v);
  // The path as the signer saw it (the URL parser resolves `..`): a mismatch here would be our bug, not a refusal.
  return { ...b, path: `${url.pathname}${url.search}`, headers };
}

/** Who may take the operation: account A's deployer for API Gateway, account B's for Lambda and STS. */
const allowedFor = (t: ControlPlaneTarget, op: Op) => (serviceOf(op) === "apigateway" ? t.deployerA : t.deployerB);
const segment = (junk: string) => {
  try {
    return encodeURIComponent(junk === "" ? "x" : junk);
  } catch {
    return "x"; // a lone surrogate
  }
};
/** A header value Node's HTTP client sends as is: printable ASCII. */
const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]/g, "?");

/** The operation signed by the identity that may take it: what the hostile cases are variations of (a harness check). */
export function legitimateRequest(t: ControlPlaneTarget, op: Op): Promise<Built> {
  return signed(t, operation(t, op), allowedFor(t, op), serviceOf(op));
}

/** The request a case sends. */
export async function buildControlPlaneRequest(t: ControlPlaneTarget, c: ControlPlaneCase): Promise<Built> {
  const base = operation(t, c.op);
  const service = serviceOf(c.op);
  const who = allowedFor(t, c.op);
  switch (c.kind) {
    case "unsigned":
      if (c.pick % 2 === 0) return base;
      return { ...base, body: service === "sts" ? `${base.body}&${segment(c.junk)}=1` : c.junk };
    case "badSignature": {
      const s = await signed(t, base, who, service);
      const auth = s.headers.authorization;
      const at = auth.length - 1 - (c.pick % 64);
      const flipped = auth.slice(0, at) + (auth[at] === "0" ? "1" : "0") + auth.slice(at + 1);
      return { ...s, headers: { ...s.headers, authorization: flipped } };
    }
    case "unknownKey":
      return signed(
        t,
        base,
        { accessKeyId: `ASIA${String(c.pick).padStart(16, "0")}`, secretAccessKey: "x".repeat(40), sessionToken: "t" },
        service,
      );
    case "expired":
      return signed(t, base, who, service, new Date(Date.now() - (6 + (c.pick % 600)) * 60_000));
    case "malformedAuth": {
      const forms = [
        c.junk,
        `AWS4-HMAC-SHA256 ${c.junk}`,
        `AWS4-HMAC-SHA256 Credential=${segment(c.junk)}/20260101/${t.region}/${service}/aws4_request, SignedHeaders=host, Signature=00`,
        `AWS4-HMAC-SHA256 Credential=__proto__, SignedHeaders=__proto__, Signature=__proto__`,
        `Bearer ${segment(c.junk)}`,
        "AWS4-HMAC-SHA256",
      ];
      const value = headerSafe(forms[c.pick % forms.length]);
      return { ...base, headers: { ...base.headers, authorization: value, "x-amz-date": "20260101T000000Z" } };
    }
    case "wrongServiceScope": {
      const others = ["lambda", "apigateway", "sts", "s3", "execute-api", "iam", ...PROTO_NAMES, segment(c.junk).slice(0, 20)].filter(
        (s) => s !== service,
      );
      return signed(t, base, who, others[c.pick % others.length]);
    }
    case "unknownOperation": {
      const seg = segment(c.junk);
      const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
      const paths =
        service === "lambda"
          ? [`/2015-03-31/functions/${seg}/invocations`, `/2015-03-31/${seg}`, `/${seg}`, `/2015-03-31/functions/%E0%A4%A/invocations`]
          : service === "apigateway"
            ? [
                `/restapis/${seg}`,
                `/restapis/${t.restApiId}/x${seg}`,
                `/restapis/${t.restApiId}/stages/x${seg}`,
                `/restapis/${t.restApiId}/stages/${t.stageName}/exports/x${seg}`,
                `/restapis/%E0%A4%A`,
              ]
            : [`/${seg}`, `/x/${seg}`];
      const path = paths[c.pick % paths.length];
      // A lambda path other than the invocation one, or an API Gateway path, keeps any method; the invocation path is not POST.
      const method =
        path.endsWith("/invocations") && !path.includes("%E0") ? methods.filter((m) => m !== "POST")[c.pick % 4] : methods[c.pick % 5];
      const chosen = path === `/restapis/${seg}` && method === "GET" && seg === t.restApiId ? "DELETE" : method;
      return signed(t, { ...base, method: chosen, path }, who, service);
    }
    case "stsJunkAction": {
      const action = c.junk === "GetCallerIdentity" ? "__proto__" : c.junk;
      const body = c.pick % 3 === 0 ? `${segment(c.junk)}=1&constructor=x` : `Action=${encodeURIComponent(action)}&Version=2011-06-15`;
      return signed(t, { ...operation(t, "getCallerIdentity"), body }, t.deployerB, "sts");
    }
    case "deniedIdentity": {
      // GetCallerIdentity needs no permission: the intruder asks for an action STS does not have.
      if (service === "sts") return signed(t, { ...base, body: "Action=AssumeRoot&Version=2011-06-15" }, t.intruder, "sts");
      // API Gateway: account B's deployer reads account A's API (another account's resource).
      const other = service === "apigateway" && c.pick % 2 === 0 ? t.deployerB : t.intruder;
      return signed(t, base, other, service);
    }
    case "junkBody": {
      const bodies = [
        c.junk,
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        "null",
        "[]",
        "{".repeat(1 + (c.pick % 50)),
      ];
      const body = bodies[c.pick % bodies.length];
      if (service === "sts") return signed(t, { ...base, body: `__proto__=${encodeURIComponent(body)}` }, t.deployerB, "sts");
      return signed(t, { ...base, body }, t.intruder, service);
    }
  }
}

/** REST-JSON codes of AWS's authentication failures (Lambda and API Gateway API references, "Common Errors"). */
const REST_AUTH = [
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
  "InvalidSignatureException",
  "UnrecognizedClientException",
];
/** The query protocol's (STS API Reference, "Common Errors"; SignatureDoesNotMatch: aws/aws-cli#134). */
const QUERY_AUTH = ["MissingAuthenticationToken", "IncompleteSignature", "SignatureDoesNotMatch", "InvalidClientTokenId"];

/** The error codes a case may be answered with, stated from AWS's documented errors. */
export function expectedCodes(c: ControlPlaneCase): readonly string[] {
  const query = serviceOf(c.op) === "sts";
  switch (c.kind) {
    case "unsigned":
      return query ? ["MissingAuthenticationToken"] : ["MissingAuthenticationTokenException"];
    case "badSignature":
    case "expired":
      return query ? ["SignatureDoesNotMatch"] : ["InvalidSignatureException"];
    case "unknownKey":
      return query ? ["InvalidClientTokenId"] : ["UnrecognizedClientException"];
    case "malformedAuth":
      return query ? QUERY_AUTH : REST_AUTH;
    case "wrongServiceScope":
      // One endpoint serves every service: an operation under another service is unknown there; a
      // service's own endpoint would refuse the scope (InvalidSignatureException "Credential should be scoped to correct service").
      return ["UnknownOperationException", "InvalidAction", "InvalidSignatureException", "SignatureDoesNotMatch"];
    case "unknownOperation":
      return ["UnknownOperationException", "NotFoundException", "ResourceNotFoundException", "BadRequestException", "InvalidAction"];
    case "stsJunkAction":
      return ["InvalidAction", "MissingAction"];
    case "deniedIdentity":
      return query ? ["InvalidAction"] : ["AccessDeniedException", "NotFoundException"];
    case "junkBody":
      return query ? ["MissingAction"] : ["AccessDeniedException"];
  }
}

/** The error code of an answer in AWS's shape (REST-JSON header + JSON body with a message, or query XML), or undefined. */
export function errorCodeOf(r: RawResponse): string | undefined {
  const header = r.headers["x-amzn-errortype"];
  if (typeof header === "string") {
    try {
      const body = JSON.parse(r.body) as { message?: unknown; Message?: unknown };
      return typeof body.message === "string" || typeof body.Message === "string" ? header.split(":")[0] : undefined;
    } catch {
      return undefined;
    }
  }
  return /^<ErrorResponse[^>]*>\s*<Error>\s*<Type>(Sender|Receiver)<\/Type>\s*<Code>([^<]+)<\/Code>\s*<Message>/.exec(r.body)?.[2];
}
