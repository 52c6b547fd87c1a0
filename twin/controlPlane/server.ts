/**
 * The offline twin's control plane: one loopback HTTP server (127.0.0.1 only) that answers the AWS
 * API calls `npm run verify -- --local` makes, as the services would, over the plan:
 * - Lambda `Invoke` (`/2015-03-31/functions/…/invocations`, SigV4 service `lambda`) → lambda.ts;
 * - API Gateway GetRestApi, GetStage, GetDeployments, GetResources, TestInvokeMethod (`/restapis/…`,
 *   SigV4 service `apigateway`) → apiGateway.ts.
 * Point the AWS SDK v3 clients at it with `endpoint`; the real-AWS path is the same client code
 * without the override. Requests are authenticated with the gateway's SigV4 verifier.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { verifySigV4 } from "../gateway/sigv4Verifier";
import type { LocalIdentity } from "../identities";
import type { Plan } from "../plan";
import { createApiGatewayControlPlane } from "./apiGateway";
import { AwsAnswer, awsError } from "./awsAnswer";
import { createLambdaTwin } from "./lambda";

export const MAX_BODY_BYTES = 256 * 1024;

export interface ControlPlaneOptions {
  /** Who may call (the same identities the gateway knows). */
  identities: readonly LocalIdentity[];
  bundlePath: string;
  /** Maps a URL in the function's environment to the local gateway. */
  resolveUrl: (url: string) => string;
}

export interface RunningControlPlane {
  /** `http://127.0.0.1:PORT`: the `endpoint` for the Lambda and API Gateway clients. */
  endpoint: string;
  close(): Promise<void>;
}

export async function startControlPlane(plan: Plan, opts: ControlPlaneOptions): Promise<RunningControlPlane> {
  const byKey = new Map(opts.identities.map((i) => [i.accessKeyId, i]));
  const apiGateway = createApiGatewayControlPlane(plan, new Date());
  const lambda = createLambdaTwin(plan, opts);

  async function answer(req: http.IncomingMessage, body: Buffer): Promise<AwsAnswer> {
    const rawUrl = req.url ?? "/";
    const pathname = rawUrl.split("?")[0];
    const method = req.method ?? "GET";
    const service = pathname.startsWith("/2015-03-31/functions/") ? "lambda" : pathname.startsWith("/restapis") ? "apigateway" : undefined;
    if (!service) return awsError(404, "UnknownOperationException", `Unknown operation ${method} ${pathname}`);
    const auth = verifySigV4(
      { method, rawUrl, headers: req.headers, body },
      {
        region: plan.region,
        service,
        lookup: (accessKeyId) => {
          const identity = byKey.get(accessKeyId);
          return identity && { identity, credentials: identity };
        },
      },
    );
    if (!auth.ok) return awsError(auth.status, auth.errorType, auth.message);
    const who = { caller: auth.identity.caller, identityPolicies: auth.identity.identityPolicies };
    const result =
      service === "lambda" ? await lambda(method, pathname, who, req.headers) : apiGateway(method, pathname, who, body.toString("utf8"));
    return result ?? awsError(404, "UnknownOperationException", `Unknown operation ${method} ${pathname}`);
  }

  const server = http.createServer({ requestTimeout: 30_000 }, (req, res) => {
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
          ? Promise.resolve(awsError(413, "RequestTooLargeException", "Request must be smaller than 262144 bytes for the Invoke operation"))
          : answer(req, Buffer.concat(chunks)).catch((err: Error) =>
              awsError(400, "BadRequestException", `The offline twin could not process the request: ${err.message}`),
            );
      void done.then((a) => {
        if (res.destroyed) return;
        res.writeHead(a.status, { "x-amzn-requestid": randomUUID(), ...(a.headers ?? {}) });
        res.end(a.body);
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
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
