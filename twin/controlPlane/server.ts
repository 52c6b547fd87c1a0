/**
 * The offline twin's control plane: one loopback HTTP server (127.0.0.1 only) that answers AWS API
 * calls as the services would, over the plan — what the AWS CLI and SDKs send with an endpoint override:
 * - Lambda `Invoke` (`/2015-03-31/functions/…/invocations`, SigV4 service `lambda`) → lambda.ts;
 * - API Gateway GetRestApi, GetStage, GetDeployments, GetResources, GetExport, TestInvokeMethod
 *   (`/restapis/…`, service `apigateway`) → apiGateway.ts;
 * - STS GetCallerIdentity (query protocol, service `sts`) → sts.ts.
 * A request is routed by the service of its credential scope (what the client signed for), else by its
 * path; it is authenticated with the gateway's SigV4 verifier for that service. Anything else gets the
 * protocol's error for an unknown operation, never a crash: REST-JSON UnknownOperationException, query
 * InvalidAction (STS API Reference, "Common Errors").
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { verifySigV4 } from "../gateway/sigv4Verifier";
import type { DeploymentState } from "../deployments";
import type { LocalIdentity } from "../identities";
import type { Plan } from "../plan";
import { createApiGatewayControlPlane } from "./apiGateway";
import { AwsAnswer, awsError } from "./awsAnswer";
import { createLambdaTwin } from "./lambda";
import { answerSts, queryAuthError, queryError, queryParams } from "./sts";

/** Lambda's synchronous invocation payload quota, 6 MB = 6291456 bytes ("Lambda quotas": Invocation payload, request and response). */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export interface ControlPlaneOptions {
  /** Who may call (the same identities the gateway knows). */
  identities: readonly LocalIdentity[];
  bundlePath: string;
  /** Maps a URL in the function's environment to the local gateway. */
  resolveUrl: (url: string) => string;
  /** What each stage serves (GetStage, GetDeployments, GetExport); default: one fresh `pulumi up`. */
  deployments?: DeploymentState;
}

/** The services whose operations the twin answers, by SigV4 signing name. */
type Service = "lambda" | "apigateway" | "sts";
const SERVICES: ReadonlySet<string> = new Set<Service>(["lambda", "apigateway", "sts"]);

/** The service named by a request's credential scope (`key/date/region/service/aws4_request`), header or query form. */
export function scopeService(headers: http.IncomingHttpHeaders, rawQuery: string): string | undefined {
  const auth = headers.authorization;
  const header = typeof auth === "string" ? /Credential=([^,\s]+)/.exec(auth)?.[1] : undefined;
  const credential = header ?? new URLSearchParams(rawQuery).get("X-Amz-Credential") ?? undefined;
  if (credential === undefined) return undefined;
  const parts = credential.split("/");
  // SigV4 scopes name the region; SigV4a scopes do not (`key/date/service/aws4_request`).
  return parts.length === 5 ? parts[3] : parts.length === 4 ? parts[2] : undefined;
}

/** An unsigned request's service, by its path (REST services) or its `Action` (query protocol). */
function serviceOfPath(pathname: string, params: Map<string, string>): string | undefined {
  if (pathname.startsWith("/2015-03-31/")) return "lambda";
  if (pathname === "/restapis" || pathname.startsWith("/restapis/")) return "apigateway";
  return params.has("Action") ? "sts" : undefined;
}

const unknownOperation = (method: string, pathname: string) =>
  // REST services answer an operation they do not serve with UnknownOperationException, 404 (soto-project/soto#580; 400 on JSON-RPC: aws/aws-sdk-js#425).
  awsError(404, "UnknownOperationException", `Unknown operation ${method} ${pathname.slice(0, 200)}`);

export interface ControlPlaneStats {
  requests: number;
  /** Requests whose handling threw: a bug, answered 500 InternalFailure. */
  internalErrors: number;
}

export interface RunningControlPlane {
  /** `http://127.0.0.1:PORT`: the `endpoint` for the Lambda and API Gateway clients. */
  endpoint: string;
  stats(): ControlPlaneStats;
  close(): Promise<void>;
}

export async function startControlPlane(plan: Plan, opts: ControlPlaneOptions): Promise<RunningControlPlane> {
  const byKey = new Map(opts.identities.map((i) => [i.accessKeyId, i]));
  const apiGateway = createApiGatewayControlPlane(plan, new Date(), opts.deployments);
  const lambda = createLambdaTwin(plan, opts);

  async function answer(req: http.IncomingMessage, body: Buffer): Promise<AwsAnswer> {
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? "" : rawUrl.slice(q + 1);
    const method = req.method ?? "GET";
    const contentType = String(req.headers["content-type"] ?? "");
    const form = contentType.startsWith("application/x-www-form-urlencoded") ? body.toString("utf8") : "";
    const params = queryParams(rawQuery, form);
    const claimed = scopeService(req.headers, rawQuery);
    const service = claimed ?? serviceOfPath(pathname, params);
    const isQuery = service === "sts" || (service !== "lambda" && service !== "apigateway" && params.has("Action"));
    if (service === undefined) return unknownOperation(method, pathname);
    const auth = verifySigV4(
      { method, rawUrl, headers: req.headers, rawHeaders: req.rawHeaders, body },
      {
        region: plan.region,
        service,
        lookup: (accessKeyId) => {
          const identity = byKey.get(accessKeyId);
          return identity && { identity, credentials: identity };
        },
      },
    );
    if (!auth.ok) return isQuery ? queryAuthError(auth.errorType, auth.message) : awsError(auth.status, auth.errorType, auth.message);
    if (!SERVICES.has(service)) {
      return isQuery
        ? queryError(400, "InvalidAction", `Could not find operation ${params.get("Action") ?? ""} for service ${service}`)
        : unknownOperation(method, pathname);
    }
    const who = { caller: auth.identity.caller, identityPolicies: auth.identity.identityPolicies };
    if (service === "sts") {
      if (pathname !== "/")
        return queryError(400, "InvalidAction", `Could not find operation ${params.get("Action") ?? ""} at ${pathname.slice(0, 200)}`);
      return answerSts(params, who.caller);
    }
    const result =
      service === "lambda"
        ? await lambda(method, pathname, who, req.headers)
        : apiGateway(method, pathname, who, body.toString("utf8"), rawQuery);
    return result ?? unknownOperation(method, pathname);
  }

  const stats: ControlPlaneStats = { requests: 0, internalErrors: 0 };
  const server = http.createServer({ requestTimeout: 30_000 }, (req, res) => {
    stats.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const done =
        size > MAX_BODY_BYTES
          ? // RequestTooLargeException, 413 (Lambda API Reference, Invoke errors); the message as in JupiterOne/sdk#565.
            Promise.resolve(
              awsError(
                413,
                "RequestTooLargeException",
                `Request must be smaller than ${MAX_BODY_BYTES} bytes for the InvokeFunction operation`,
              ),
            )
          : answer(req, Buffer.concat(chunks)).catch(() => {
              // A bug, counted (the fuzz run reads it): AWS's code for an internal error ("Common Errors": InternalFailure, 500).
              stats.internalErrors++;
              return awsError(
                500,
                "InternalFailure",
                "The request processing has failed because of an unknown error, exception or failure.",
              );
            });
      void done.then((a) => {
        if (res.destroyed) return;
        const body = Buffer.from(a.body, "utf8");
        res.writeHead(a.status, { "x-amzn-requestid": randomUUID(), ...(a.headers ?? {}), "content-length": String(body.length) });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
