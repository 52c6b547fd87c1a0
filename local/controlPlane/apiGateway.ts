/**
 * The API Gateway control-plane operations `npm run verify` uses — GetRestApi, GetStage,
 * GetDeployments, GetResources, TestInvokeMethod — answered over what the program declared under
 * mocks (the plan), in API Gateway's REST-JSON shapes (the JSON member names are those the AWS SDK v3
 * deserializes: `item` for list members, epoch-second timestamps).
 *
 * Authorization is AWS's for the control plane: action `apigateway:<HTTP verb>` on resource
 * `arn:<partition>:apigateway:<region>::<path>` ("Control access for invoking an API" / "API Gateway
 * permissions model", API Gateway developer guide), decided by the caller's identity policies; an API
 * of another account does not exist for the caller.
 */
import { partitionOf } from "../../lib/arn";
import { evaluatePolicy, type Caller } from "../../lib/iam/evaluate";
import type { PolicyDocument } from "../../lib/policy";
import type { Plan } from "../plan";
import type { RecordedResource } from "../programUnderMocks";
import { AwsAnswer, awsError, jsonAnswer } from "./awsAnswer";

export interface ControlPlaneCaller {
  caller: Caller;
  identityPolicies: PolicyDocument[];
}

const T = {
  restApi: "aws:apigateway/restApi:RestApi",
  policy: "aws:apigateway/restApiPolicy:RestApiPolicy",
  resource: "aws:apigateway/resource:Resource",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
  deployment: "aws:apigateway/deployment:Deployment",
  stage: "aws:apigateway/stage:Stage",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
} as const;

// NotFoundException texts: "Invalid REST API identifier specified" (aws/aws-cli#2534), "Invalid
// Resource identifier specified" (serverless/serverless#5005, terraform-provider-aws#6790); stage and
// method follow the same pattern.
const notFound = (what: string) => awsError(404, "NotFoundException", `Invalid ${what} identifier specified`);

export function createApiGatewayControlPlane(plan: Plan, startedAt: Date) {
  const all = plan.run.resources;
  const of = (type: string) => all.filter((r) => r.type === type);
  const str = (r: RecordedResource, key: string) => (typeof r.inputs[key] === "string" ? (r.inputs[key] as string) : undefined);
  // Creation order under mocks stands in for creation time: one second apart from the twin's start.
  const createdDate = (r: RecordedResource) => Math.floor(startedAt.getTime() / 1000) + r.createdAt;
  const partition = partitionOf(plan.region);

  function authorized(who: ControlPlaneCaller, verb: string, path: string): AwsAnswer | undefined {
    const resource = `arn:${partition}:apigateway:${plan.region}::${path}`;
    const action = `apigateway:${verb}`;
    const request = { caller: who.caller, action, resource, sourceIp: "127.0.0.1" };
    const results = who.identityPolicies.map((d) => evaluatePolicy(d, request, "identity"));
    if (!results.includes("Deny") && results.includes("Allow")) return undefined;
    // "User: … is not authorized to perform: … on resource: …" (IAM User Guide, "Troubleshoot access denied error messages").
    return awsError(403, "AccessDeniedException", `User: ${who.caller.userArn} is not authorized to perform: ${action} on resource: ${resource}`);
  }

  function restApiResponse(api: RecordedResource) {
    const policy = of(T.policy).find((p) => str(p, "restApiId") === api.id);
    return {
      id: api.id,
      name: str(api, "name") ?? api.name,
      description: str(api, "description"),
      createdDate: createdDate(api),
      endpointConfiguration: api.inputs.endpointConfiguration,
      policy: policy ? str(policy, "policy") : undefined,
      rootResourceId: api.state.rootResourceId,
    };
  }

  function resourcesOf(api: RecordedResource) {
    const methods = of(T.method).filter((m) => str(m, "restApi") === api.id);
    const methodsOn = (id: string) => Object.fromEntries(methods.filter((m) => str(m, "resourceId") === id)
      .map((m) => [str(m, "httpMethod"), { httpMethod: str(m, "httpMethod"), authorizationType: str(m, "authorization") }]));
    const root = { id: String(api.state.rootResourceId), path: "/" };
    return [root, ...of(T.resource).filter((r) => str(r, "restApi") === api.id).map((r) => ({
      id: r.id, parentId: str(r, "parentId"), pathPart: str(r, "pathPart"), path: r.state.path, resourceMethods: methodsOn(r.id),
    }))];
  }

  /**
   * TestInvokeMethod runs the method's integration without authorization ("Use the console to test a
   * REST API method"): here, the declared S3 integration's object, mapped through the declared
   * integration responses (selectionPattern over S3's status).
   */
  function testInvoke(apiId: string, resourceId: string, httpMethod: string): AwsAnswer {
    const method = of(T.method).find((m) => str(m, "restApi") === apiId && str(m, "resourceId") === resourceId && str(m, "httpMethod") === httpMethod);
    if (!method) {
      return of(T.resource).some((r) => r.id === resourceId) ? notFound("Method") : notFound("Resource");
    }
    const started = Date.now();
    const integration = of(T.integration).find((i) => str(i, "restApi") === apiId && str(i, "resourceId") === resourceId && str(i, "httpMethod") === httpMethod);
    const s3 = /^arn:[^:]+:apigateway:[^:]+:s3:path\/([^/]+)\/(.+)$/.exec(integration ? str(integration, "uri") ?? "" : "");
    const object = s3 && of(T.object).find((o) => str(o, "bucket") === s3[1] && str(o, "key") === s3[2]);
    const s3Status = object ? "200" : "404";
    const responses = of(T.integrationResponse).filter((r) => str(r, "restApi") === apiId && str(r, "resourceId") === resourceId && str(r, "httpMethod") === httpMethod);
    const selected = responses.find((r) => str(r, "selectionPattern") !== undefined && new RegExp(`^(?:${str(r, "selectionPattern")})$`).test(s3Status))
      ?? responses.find((r) => str(r, "selectionPattern") === undefined);
    const template = (selected?.inputs.responseTemplates as Record<string, string> | undefined)?.["application/json"];
    const status = Number(selected ? str(selected, "statusCode") : 500);
    const body = template ?? (object ? String(object.inputs.content ?? "") : "");
    const contentType = template ? "application/json" : object ? String(object.inputs.contentType ?? "application/json") : "application/json";
    return jsonAnswer(200, {
      status,
      body,
      headers: { "Content-Type": contentType },
      multiValueHeaders: { "Content-Type": [contentType] },
      log: `Execution log for request test-request\nMethod request path: {}\nSending request to https://s3.${plan.region}.amazonaws.com/${s3 ? `${s3[1]}/${s3[2]}` : "(no S3 integration)"}\nReceived response. Status: ${s3Status}\nMethod completed with status: ${status}\n`,
      latency: Date.now() - started,
    });
  }

  /** Answers one control-plane request, or undefined when the path is not one of these operations. */
  return function answer(method: string, pathname: string, who: ControlPlaneCaller, body: string): AwsAnswer | undefined {
    const parts = pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
    if (parts[0] !== "restapis" || parts.length < 2) return undefined;
    const verb = method.toUpperCase();
    const denied = authorized(who, verb, pathname);
    if (denied) return denied;
    const api = of(T.restApi).find((a) => a.id === parts[1]);
    if (!api || who.caller.accountId !== plan.accountA) return notFound("REST API");

    if (verb === "GET" && parts.length === 2) return jsonAnswer(200, restApiResponse(api));
    if (verb === "GET" && parts.length === 3 && parts[2] === "deployments") {
      const items = of(T.deployment).filter((d) => str(d, "restApi") === api.id)
        .map((d) => ({ id: d.id, description: str(d, "description"), createdDate: createdDate(d) }));
      return jsonAnswer(200, { item: items });
    }
    if (verb === "GET" && parts.length === 3 && parts[2] === "resources") return jsonAnswer(200, { item: resourcesOf(api) });
    if (verb === "GET" && parts.length === 4 && parts[2] === "stages") {
      const stage = of(T.stage).find((s) => str(s, "restApi") === api.id && str(s, "stageName") === parts[3]);
      if (!stage) return notFound("Stage");
      return jsonAnswer(200, { stageName: parts[3], deploymentId: str(stage, "deployment"), createdDate: createdDate(stage), lastUpdatedDate: createdDate(stage) });
    }
    if (verb === "POST" && parts.length === 6 && parts[2] === "resources" && parts[4] === "methods") {
      void body; // the test request's path, query, headers and body do not change what an S3 GET integration serves
      return testInvoke(api.id, parts[3], parts[5]);
    }
    return awsError(404, "NotFoundException", `No operation of the offline twin matches ${verb} ${pathname}`);
  };
}
