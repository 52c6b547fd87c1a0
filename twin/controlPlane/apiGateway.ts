/**
 * The API Gateway control-plane operations `npm run verify` and the AWS CLI use — GetRestApi, GetStage,
 * GetDeployments, GetResources, GetExport, TestInvokeMethod — answered over what the program declared
 * under mocks (the plan; stages and deployments from twin/deployments.ts), in API Gateway's REST-JSON shapes (the JSON member names are those the AWS SDK v3
 * deserializes: `item` for list members, epoch-second timestamps).
 *
 * Authorization is AWS's for the control plane: action `apigateway:<HTTP verb>` on resource
 * `arn:<partition>:apigateway:<region>::<path>` ("Control access for invoking an API" / "API Gateway
 * permissions model", API Gateway developer guide), decided by the caller's identity policies; an API
 * of another account does not exist for the caller.
 */
import { partitionOf } from "../../lib/arn";
import { evaluatePolicy, identityRequest, type Caller } from "../../lib/iam/evaluate";
import type { PolicyDocument } from "../../lib/policy";
import { matchRoute } from "../../lib/api";
import { methodKey } from "../declared";
import { createIntegrationWalk } from "../gateway/integration";
import { deploymentState, type DeploymentRecord, type DeploymentState } from "../deployments";
import type { Plan } from "../plan";
import type { RecordedResource } from "../program";
import { TYPE } from "../resourceTypes";
import { AwsAnswer, awsError, decodeSegment, jsonAnswer, malformedPath } from "./awsAnswer";

export interface ControlPlaneCaller {
  caller: Caller;
  identityPolicies: PolicyDocument[];
}

const T = {
  restApi: TYPE.restApi,
  policy: TYPE.restApiPolicy,
  resource: TYPE.resource,
  method: TYPE.method,
  integration: TYPE.integration,
  deployment: TYPE.deployment,
  stage: TYPE.stage,
} as const;

// NotFoundException texts: "Invalid REST API identifier specified" (aws/aws-cli#2534), "Invalid
// Resource identifier specified" (serverless/serverless#5005, terraform-provider-aws#6790); stage and
// method follow the same pattern.
const notFound = (what: string) => awsError(404, "NotFoundException", `Invalid ${what} identifier specified`);

export function createApiGatewayControlPlane(plan: Plan, startedAt: Date, state: DeploymentState = deploymentState(plan.run)) {
  const all = plan.run.resources;
  const of = (type: string) => all.filter((r) => r.type === type);
  const str = (r: RecordedResource, key: string) => (typeof r.inputs[key] === "string" ? (r.inputs[key] as string) : undefined);
  // Creation order under mocks stands in for creation time: one second apart from the twin's start.
  const createdDate = (r: RecordedResource) => Math.floor(startedAt.getTime() / 1000) + r.createdAt;
  const partition = partitionOf(plan.region);

  function authorized(who: ControlPlaneCaller, verb: string, path: string): AwsAnswer | undefined {
    const resource = `arn:${partition}:apigateway:${plan.region}::${path}`;
    const action = `apigateway:${verb}`;
    const request = identityRequest(who.caller, action, resource, { sourceIp: "127.0.0.1" });
    const results = who.identityPolicies.map((d) => evaluatePolicy(d, request, "identity"));
    if (!results.includes("Deny") && results.includes("Allow")) return undefined;
    // "User: … is not authorized to perform: … on resource: …" (IAM User Guide, "Troubleshoot access denied error messages").
    return awsError(
      403,
      "AccessDeniedException",
      `User: ${who.caller.userArn} is not authorized to perform: ${action} on resource: ${resource}`,
    );
  }

  function restApiResponse(api: RecordedResource) {
    const policy = of(T.policy).find((p) => str(p, "restApiId") === api.id);
    return {
      id: api.id,
      name: str(api, "name") ?? api.name,
      description: str(api, "description"),
      createdDate: createdDate(api),
      endpointConfiguration: wireEndpointConfiguration(api.inputs.endpointConfiguration),
      policy: policy ? str(policy, "policy") : undefined,
      rootResourceId: api.state.rootResourceId,
    };
  }

  function resourcesOf(api: RecordedResource) {
    const methods = of(T.method).filter((m) => str(m, "restApi") === api.id);
    const methodsOn = (id: string) =>
      Object.fromEntries(
        methods
          .filter((m) => str(m, "resourceId") === id)
          .map((m) => [str(m, "httpMethod"), { httpMethod: str(m, "httpMethod"), authorizationType: str(m, "authorization") }]),
      );
    const root = { id: String(api.state.rootResourceId), path: "/" };
    return [
      root,
      ...of(T.resource)
        .filter((r) => str(r, "restApi") === api.id)
        .map((r) => ({
          id: r.id,
          parentId: str(r, "parentId"),
          pathPart: str(r, "pathPart"),
          path: r.state.path,
          resourceMethods: methodsOn(r.id),
        })),
    ];
  }

  // Deployments of the previous run come first; one second apart, as their creation order.
  const deploymentDate = (d: DeploymentRecord) => Math.floor(startedAt.getTime() / 1000) - 10_000 + d.createdOrder;

  /**
   * GetExport: "Exports a deployed version of a RestApi" (API Gateway API Reference, GetExport) — the
   * stage's deployment snapshot as OpenAPI (`oas30`) or Swagger 2.0 (`swagger`), with its resource policy
   * as `x-amazon-apigateway-policy` and, with `extensions=integrations|apigateway`, each method's
   * `x-amazon-apigateway-integration` ("API Gateway extensions to OpenAPI", API Gateway developer guide).
   */
  function exportOf(api: RecordedResource, snapshot: RecordedResource[], exportType: string, extensions: string): AwsAnswer {
    if (exportType !== "oas30" && exportType !== "swagger")
      return awsError(400, "BadRequestException", `Invalid export type: ${exportType.slice(0, 40)}. Use oas30 or swagger`);
    const withIntegrations = /(^|,)(integrations|apigateway)(,|$)/.test(extensions);
    const paths: Record<string, Record<string, unknown>> = Object.create(null) as Record<string, Record<string, unknown>>;
    const pathOf = new Map<string, string>([[String(api.state.rootResourceId), "/"]]);
    for (const r of snapshot.filter((x) => x.type === T.resource)) pathOf.set(r.id, String(r.state.path));
    for (const m of snapshot.filter((x) => x.type === T.method)) {
      const at = pathOf.get(String(m.inputs.resourceId));
      if (at === undefined) continue;
      const integration = snapshot.find(
        (i) => i.type === T.integration && i.inputs.resourceId === m.inputs.resourceId && i.inputs.httpMethod === m.inputs.httpMethod,
      );
      const operation: Record<string, unknown> = { security: m.inputs.authorization === "AWS_IAM" ? [{ sigv4: [] }] : [] };
      if (withIntegrations && integration) {
        operation["x-amazon-apigateway-integration"] = {
          type: String(integration.inputs.type).toLowerCase(),
          httpMethod: integration.inputs.integrationHttpMethod,
          uri: integration.inputs.uri,
          credentials: integration.inputs.credentials,
          passthroughBehavior: integration.inputs.passthroughBehavior,
        };
      }
      (paths[at] ??= {})[String(m.inputs.httpMethod).toLowerCase()] = operation;
    }
    const policy = snapshot.find((p) => p.type === T.policy && str(p, "policy") !== undefined);
    const info = { title: str(api, "name") ?? api.name, version: new Date(startedAt).toISOString() };
    const doc: Record<string, unknown> =
      exportType === "oas30" ? { openapi: "3.0.1", info, paths } : { swagger: "2.0", info, basePath: "/", schemes: ["https"], paths };
    if (policy) doc["x-amazon-apigateway-policy"] = JSON.parse(String(policy.inputs.policy)) as unknown;
    return jsonAnswer(200, doc, { "content-disposition": `attachment; filename="${exportType}_${api.id}.json"` });
  }

  // The objects were "written" when the twin started: their Last-Modified.
  const integrate = createIntegrationWalk(plan.declared, startedAt.toUTCString());

  /**
   * TestInvokeMethod runs the method's integration without authorization ("Use the console to test a
   * REST API method", API Gateway developer guide): the same integration walk the data plane takes after
   * authorization (twin/gateway/integration.ts), with path parameters from `pathWithQueryString` and
   * the request's `headers`, answered in TestInvokeMethod's shape (status, body, headers, log, latency).
   */
  function testInvoke(apiId: string, resourceId: string, httpMethod: string, body: string): AwsAnswer {
    const resource =
      resourceId === String(of(T.restApi).find((a) => a.id === apiId)?.state.rootResourceId)
        ? { path: "/" }
        : of(T.resource).find((r) => r.id === resourceId && str(r, "restApi") === apiId)?.state;
    if (!resource) return notFound("Resource");
    const method = plan.declared.api.methods.get(methodKey(httpMethod, String(resource.path)));
    if (!method) return notFound("Method");
    let input: { pathWithQueryString?: unknown; headers?: unknown } = {};
    try {
      const parsed: unknown = body.trim() === "" ? {} : JSON.parse(body);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new TypeError("not an object");
      input = parsed as typeof input;
    } catch {
      return awsError(400, "BadRequestException", "Invalid request body: not a JSON object");
    }
    const called = typeof input.pathWithQueryString === "string" ? input.pathWithQueryString.split("?")[0] : method.path;
    const params = matchRoute(called, [{ resourcePath: method.path }])?.params ?? new Map<string, string>();
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    if (input.headers && typeof input.headers === "object") {
      for (const [k, v] of Object.entries(input.headers as Record<string, unknown>))
        if (typeof v === "string") headers[k.toLowerCase()] = v;
    }
    const started = Date.now();
    const answer = integrate(method, params, headers, []);
    const contentType = answer.contentType ?? "application/json";
    const responseHeaders: Record<string, string> = { "Content-Type": contentType, ...Object.fromEntries(answer.headers ?? []) };
    const log = [
      "Execution log for request test-request",
      `Method request path: ${JSON.stringify(Object.fromEntries(params))}`,
      ...(answer.path ?? []).map((s) => `${s.link}: ${s.ok ? "ok" : "failed"}${s.detail ? ` (${s.detail})` : ""}`),
      `Method completed with status: ${answer.status}`,
    ].join("\n");
    return jsonAnswer(200, {
      status: answer.status,
      body: answer.body,
      headers: responseHeaders,
      multiValueHeaders: Object.fromEntries(Object.entries(responseHeaders).map(([k, v]) => [k, [v]])),
      log: `${log}\n`,
      latency: Date.now() - started,
    });
  }

  /** Answers one control-plane request, or undefined when the path is not one of these operations. */
  return function answer(method: string, pathname: string, who: ControlPlaneCaller, body: string, rawQuery = ""): AwsAnswer | undefined {
    const decoded = pathname
      .split("/")
      .filter((p) => p !== "")
      .map(decodeSegment);
    if (decoded.some((p) => p === undefined)) return malformedPath();
    const parts = decoded as string[];
    if (parts[0] !== "restapis" || parts.length < 2) return undefined;
    const verb = method.toUpperCase();
    const denied = authorized(who, verb, pathname);
    if (denied) return denied;
    const api = of(T.restApi).find((a) => a.id === parts[1]);
    if (!api || who.caller.accountId !== plan.accountA) return notFound("REST API");

    if (verb === "GET" && parts.length === 2) return jsonAnswer(200, restApiResponse(api));
    if (verb === "GET" && parts.length === 3 && parts[2] === "deployments") {
      const items = state.deployments
        .filter((d) => d.restApiId === api.id)
        .map((d) => ({ id: d.id, description: d.description, createdDate: deploymentDate(d) }));
      return jsonAnswer(200, { item: items });
    }
    if (verb === "GET" && parts.length === 3 && parts[2] === "resources") return jsonAnswer(200, { item: resourcesOf(api) });
    const stage =
      parts[2] === "stages" && parts.length >= 4 ? state.stages.find((s) => s.restApiId === api.id && s.stageName === parts[3]) : undefined;
    if (verb === "GET" && parts.length === 4 && parts[2] === "stages") {
      if (!stage) return notFound("Stage");
      return jsonAnswer(200, {
        stageName: stage.stageName,
        deploymentId: stage.deploymentId,
        createdDate: deploymentDate(stage.deployment),
        lastUpdatedDate: deploymentDate(stage.deployment),
      });
    }
    if (verb === "GET" && parts.length === 6 && parts[2] === "stages" && parts[4] === "exports") {
      if (!stage) return notFound("Stage");
      return exportOf(api, stage.deployment.snapshot, parts[5], new URLSearchParams(rawQuery).get("extensions") ?? "");
    }
    if (verb === "POST" && parts.length === 6 && parts[2] === "resources" && parts[4] === "methods") {
      return testInvoke(api.id, parts[3], parts[5], body);
    }
    return undefined;
  };
}

/** `types` is one string in @pulumi/aws v7; GetRestApi answers a list ("types": ["PRIVATE"], API Gateway API reference, EndpointConfiguration). */
function wireEndpointConfiguration(config: unknown): unknown {
  if (config === null || typeof config !== "object") return config;
  const types = (config as { types?: unknown }).types;
  return { ...config, types: types === undefined || Array.isArray(types) ? types : [types] };
}
