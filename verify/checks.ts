/**
 * The five links of a deployment, each checked against an outcome stated here with its reason (not
 * computed by the code that decides), and on failure the broken link and its fix.
 * Same code on AWS and on the offline twin: only `target.endpoint` / `target.resolveUrl` differ.
 */
import {
  APIGatewayClient,
  GetDeploymentsCommand,
  GetExportCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
  TestInvokeMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { canonicalJson } from "../lib/canonicalJson";
import { HOLIDAYS_PATH, holidaysForYears } from "../lib/holidays";
import { parseErrorType } from "../sigv4/errors";
import { createSignedFetch } from "../sigv4/signedFetch";
import { parsePolicyText, policyDifferences } from "./policyCompare";
import type { VerifyTarget } from "./target";

export interface Outcome {
  title: string;
  ok: boolean;
  /** What was observed. */
  detail: string;
  /** Not run, and why (counts as passed). */
  skipped?: boolean;
  /** On failure: the link of the chain that is broken, and how to fix it. */
  link?: string;
  fix?: string;
}

const PULUMI_UP =
  "run `pulumi up` for this stack (it declares this exactly); if someone changed it by hand, `pulumi refresh` shows the drift first";

function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return `${status ? `${status} ` : ""}${e.name ?? "Error"}: ${e.message ?? String(err)}`;
}

function expectedHolidays(target: VerifyTarget): Record<string, string> {
  // The dataset (@holiday-jp/holiday_jp) for the years the stack says it serves.
  return holidaysForYears(target.outputs.holidayYears);
}

const sameHolidays = (a: unknown, b: Record<string, string>) => canonicalJson(a) === canonicalJson(b);

function summarizeMismatch(actual: unknown, expected: Record<string, string>): string {
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return `got ${JSON.stringify(actual).slice(0, 200)}`;
  const got = actual as Record<string, unknown>;
  const missing = Object.keys(expected).filter((d) => got[d] !== expected[d]);
  const extra = Object.keys(got).filter((d) => !(d in expected));
  return `${Object.keys(got).length} entries, expected ${Object.keys(expected).length}; differing or missing: ${missing.slice(0, 3).join(", ") || "none"}; unexpected: ${extra.slice(0, 3).join(", ") || "none"}`;
}

/** True for a PRIVATE API (output endpointType): reached only through its VPC endpoint, so never from here. */
const isPrivate = (target: VerifyTarget) => target.outputs.endpointType === "PRIVATE";

/**
 * From outside the VPC, a PRIVATE API's name routes to no API API Gateway serves there: 403
 * ForbiddenException "Forbidden" ("How to invoke a private API", API Gateway Developer Guide: only from
 * within a VPC; repost.aws knowledge center "api-gateway-vpc-connections").
 */
const FORBIDDEN_FROM_OUTSIDE = { status: 403, type: "ForbiddenException", message: "Forbidden" } as const;

/** Account A's API Gateway control plane, as the deploying identity sees it. */
function controlPlaneOf(target: VerifyTarget): APIGatewayClient {
  return new APIGatewayClient({ region: target.outputs.region, credentials: target.accountA, endpoint: target.endpoint, maxAttempts: 1 });
}

/** A check that could not be made: the error, the link it points at, and the fix. */
function failed(title: string, err: unknown, link: string, fix: string): Outcome {
  return { title, ok: false, detail: describeError(err), link, fix };
}

function getRestApiFailed(title: string, err: unknown): Outcome {
  return failed(title, err, "API Gateway control plane, account A: GetRestApi failed", "use the profile/role of holidays-api:accountA");
}

/** An API Gateway error answer: its x-amzn-errortype and its JSON `message` (`Message` for AccessDenied), else the text. */
async function errorOf(res: Response): Promise<{ type: string | undefined; message: string }> {
  const type = parseErrorType(res.headers.get("x-amzn-errortype"));
  const text = await res.text();
  try {
    const j = JSON.parse(text) as { Message?: unknown; message?: unknown };
    return { type, message: String(j.message ?? j.Message ?? text) };
  } catch {
    return { type, message: text };
  }
}

/** An unsigned GET must be refused before any policy is read: 403 MissingAuthenticationTokenException (from outside a PRIVATE API: Forbidden). */
export async function unsignedGet(target: VerifyTarget): Promise<Outcome> {
  if (isPrivate(target)) return refusedFromOutside(target, "unsigned GET of dataUrl from outside the VPC is refused (PRIVATE API)", false);
  const title = "unsigned GET of dataUrl is refused (AWS_IAM method)";
  const url = target.resolveUrl(target.outputs.dataUrl);
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
    const { type, message } = await errorOf(res);
    const detail = `${res.status} ${type ?? "(no x-amzn-errortype)"}: ${message.slice(0, 200)}`;
    // API Gateway answers an unsigned call to an AWS_IAM method with 403 MissingAuthenticationTokenException
    // "Missing Authentication Token" (gateway response MISSING_AUTHENTICATION_TOKEN, API Gateway developer guide).
    if (res.status === 403 && type === "MissingAuthenticationTokenException") return { title, ok: true, detail };
    return {
      title,
      ok: false,
      detail,
      link: res.ok
        ? "API Gateway, account A: the GET method does not require AWS_IAM"
        : "API Gateway, account A: dataUrl does not reach the deployed method",
      fix: res.ok
        ? `the method must use authorization AWS_IAM: ${PULUMI_UP}`
        : `check the stack output dataUrl and that the stage exists: ${PULUMI_UP}`,
    };
  } catch (err) {
    return failed(title, err, "network: dataUrl is unreachable", "check DNS/proxy for execute-api from here, and the stack output dataUrl");
  }
}

/** The caller Lambda in account B returns the dataset for the configured years. */
export async function callerLambda(target: VerifyTarget): Promise<Outcome> {
  const o = target.outputs;
  const through = isPrivate(target) && o.vpcEndpointId ? ` (in ${o.callerVpcId ?? "its VPC"}, through ${o.vpcEndpointId})` : "";
  const title = `caller Lambda ${o.callerFunctionName} in account B returns the holidays of ${o.holidayYears.join(", ")}${through}`;
  const expected = expectedHolidays(target);
  const client = new LambdaClient({ region: o.region, credentials: target.accountB, endpoint: target.endpoint, maxAttempts: 1 });
  try {
    const r = await client.send(
      new InvokeCommand({ FunctionName: o.callerFunctionName, Payload: new TextEncoder().encode("{}"), LogType: "Tail" }),
    );
    const text = new TextDecoder().decode(r.Payload ?? new Uint8Array());
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
    if (r.FunctionError) {
      const e = payload as { errorType?: string; errorMessage?: string };
      const detail = `function error (${r.FunctionError}) ${e.errorType ?? ""}: ${String(e.errorMessage ?? text).slice(0, 400)}`;
      return { title, ok: false, detail, ...diagnoseCallerError(e.errorType ?? "", String(e.errorMessage ?? ""), isPrivate(target)) };
    }
    if (sameHolidays(payload, expected))
      return { title, ok: true, detail: `${Object.keys(expected).length} holidays, equal to the dataset` };
    return {
      title,
      ok: false,
      detail: `returned other data: ${summarizeMismatch(payload, expected)}`,
      link: "S3, account A: the data object does not hold the configured years",
      fix: `${PULUMI_UP} (it uploads data.json for holidayYears)`,
    };
  } catch (err) {
    return { title, ok: false, detail: describeError(err), ...diagnoseInvokeError(err, o.callerFunctionName) };
  } finally {
    client.destroy();
  }
}

function diagnoseInvokeError(err: unknown, fn: string): { link: string; fix: string } {
  const name = (err as { name?: string }).name ?? "";
  const message = (err as { message?: string }).message ?? "";
  if (name === "InvalidParameterValueException" && /cannot be assumed/.test(message)) {
    return {
      link: "Lambda, account B: the service cannot assume the caller's execution role",
      fix: `the role's trust policy must allow lambda.amazonaws.com to sts:AssumeRole: ${PULUMI_UP}`,
    };
  }
  if (name === "AccessDeniedException") {
    return {
      link: "you → Lambda, account B: this identity may not invoke the caller",
      fix: `use the profile/role of holidays-api:accountB (the one that deployed it), or grant it lambda:InvokeFunction on ${fn}`,
    };
  }
  if (name === "ResourceNotFoundException") {
    return {
      link: "Lambda, account B: the caller function does not exist",
      fix: "the stack outputs are stale or the function was deleted: `pulumi refresh`, then `pulumi up`",
    };
  }
  return {
    link: "Lambda, account B: the Invoke call failed",
    fix: "check the account-B credentials (holidays-api:accountB profile/roleArn) and the region",
  };
}

/** Maps the caller's typed error (sigv4/errors) to the link it points at. */
function diagnoseCallerError(errorType: string, message: string, privateApi = false): { link: string; fix: string } {
  if (privateApi && /ForbiddenException/.test(message))
    return {
      link: "caller → API: the API is PRIVATE and the Lambda's call does not come through the VPC endpoint (the function has no vpcConfig, or its VPC has no execute-api endpoint with private DNS)",
      fix: `the function's vpcConfig must name the subnets of the endpoint's VPC: ${PULUMI_UP}`,
    };
  if (privateApi && errorType === "AccessDeniedError" && !/explicit deny/.test(message))
    return {
      link: "VPC endpoint policy, account B, or API resource policy, account A: one of them does not allow the caller role on this API's methods",
      fix: `the endpoint policy must name this API's method ARNs and the caller role: ${PULUMI_UP}`,
    };
  switch (errorType) {
    case "AccessDeniedError":
      return /explicit deny/.test(message)
        ? {
            link: "API resource policy, account A: an explicit Deny matches the caller role (exclusive, source IP, organization, or the VPC endpoint it came through)",
            fix: `the caller role must be an invoker and call from an allowed source: ${PULUMI_UP}`,
          }
        : {
            link: "API resource policy, account A: it does not allow the caller role (or the role's identity policy does not allow the method)",
            fix: `${PULUMI_UP}; if the caller role was recreated, \`pulumi up\` re-renders the policy with the new role`,
          };
    case "MissingAuthenticationTokenError":
      return {
        link: "caller → API: its API_URL names no deployed GET method",
        fix: `the function's API_URL must be the stack's dataUrl: ${PULUMI_UP}`,
      };
    case "InvalidSignatureError":
    case "InvalidSecurityTokenError":
      return {
        link: "caller → API: SigV4 signature refused (region or credentials)",
        fix: `API_REGION must be the API's region: ${PULUMI_UP}`,
      };
    case "RequestTimeoutError":
    case "NetworkError":
      return {
        link: "caller → API: no network path from the Lambda to execute-api",
        fix: "a function in a VPC needs a NAT gateway or an execute-api VPC endpoint; check its networking",
      };
    default:
      return /5\d\d/.test(message)
        ? {
            link: "API integration, account A: the API answered 5xx",
            fix: "see the TestInvokeMethod check below for the integration's log",
          }
        : {
            link: "caller Lambda, account B: the function failed",
            fix: "read its log group in CloudWatch Logs (the log tail is in this error)",
          };
  }
}

/** TestInvokeMethod (account A) runs the integration without auth: 200 and the document. */
export async function integration(target: VerifyTarget): Promise<Outcome> {
  const o = target.outputs;
  const title = `TestInvokeMethod GET /${HOLIDAYS_PATH} in account A returns 200 and the document`;
  const client = controlPlaneOf(target);
  try {
    const resources = await client.send(new GetResourcesCommand({ restApiId: o.restApiId, limit: 500 }));
    const resource = resources.items?.find((r) => r.path === `/${HOLIDAYS_PATH}`);
    if (!resource?.id) {
      return {
        title,
        ok: false,
        detail: `the API has no resource /${HOLIDAYS_PATH}`,
        link: "API definition, account A: the route is missing",
        fix: PULUMI_UP,
      };
    }
    const t = await client.send(new TestInvokeMethodCommand({ restApiId: o.restApiId, resourceId: resource.id, httpMethod: "GET" }));
    const expected = expectedHolidays(target);
    let body: unknown = t.body;
    try {
      body = JSON.parse(t.body ?? "");
    } catch {
      // keep the text
    }
    if (t.status === 200 && sameHolidays(body, expected))
      return { title, ok: true, detail: `200, ${Object.keys(expected).length} holidays` };
    const logTail = (t.log ?? "").trim().split("\n").slice(-3).join(" | ");
    if (t.status === 200) {
      return {
        title,
        ok: false,
        detail: `200 but other data: ${summarizeMismatch(body, expected)}`,
        link: "S3, account A: the data object does not hold the configured years",
        fix: PULUMI_UP,
      };
    }
    return {
      title,
      ok: false,
      detail: `${t.status}: ${String(t.body).slice(0, 200)} (log: ${logTail})`,
      link:
        t.status === 404
          ? "integration → S3, account A: the object is not in the bucket"
          : "integration, account A: API Gateway cannot assume the S3-read role or read the object",
      fix:
        t.status === 404
          ? PULUMI_UP
          : `the integration role must trust apigateway.amazonaws.com and may s3:GetObject the object: ${PULUMI_UP}`,
    };
  } catch (err) {
    return failed(
      title,
      err,
      "API Gateway control plane, account A: the API could not be read",
      "use the profile/role of holidays-api:accountA; check that restApiId is in that account and region",
    );
  } finally {
    client.destroy();
  }
}

/** Under exclusive, the deploying identity of account A (an administrator) is denied explicitly. */
export async function exclusiveDeny(target: VerifyTarget): Promise<Outcome> {
  if (isPrivate(target))
    return refusedFromOutside(
      target,
      "GET signed as the deploying identity of account A, from outside the VPC, is refused (PRIVATE API)",
      true,
    );
  const o = target.outputs;
  const title = "GET signed as the deploying identity of account A is denied (exclusive)";
  if (!target.exclusive) {
    return {
      title,
      ok: true,
      skipped: true,
      detail: "skipped: holidays-api:exclusive is false, so account A's principals with an identity grant may call",
    };
  }
  const send = createSignedFetch({ region: o.region, credentials: target.accountA, maxAttempts: 1 });
  try {
    const res = await send(target.resolveUrl(o.dataUrl), { throwOnError: false });
    const { type, message } = await errorOf(res);
    const detail = `${res.status} ${type ?? ""}: ${message.slice(0, 300)}`;
    // The DenyUnlistedPrincipals statement matches every principal that is not an invoker, so AWS names
    // the method and says "with an explicit deny" (API Gateway's AccessDenied message for a resource-policy Deny).
    const explicit = new RegExp(
      `^User: \\S+ is not authorized to perform: execute-api:Invoke on resource: ${o.methodArn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} with an explicit deny$`,
    );
    if (res.status === 403 && type === "AccessDeniedException" && explicit.test(message)) return { title, ok: true, detail };
    return {
      title,
      ok: false,
      detail,
      link:
        res.status === 200
          ? "API resource policy, account A: the exclusive deny is not in force on the stage (or the deploying identity is itself an invoker)"
          : "API resource policy, account A: the deploying identity was not refused by the exclusive deny",
      fix: `${PULUMI_UP} (a policy takes effect only through a new deployment, which the program creates)`,
    };
  } catch (err) {
    return failed(
      title,
      err,
      "you → API: the signed request failed",
      "check the account-A credentials (holidays-api:accountA) and network access to execute-api",
    );
  }
}

/** The live resource policy equals the rendered one, and the stage serves the latest deployment. */
export async function policyAndDeployment(target: VerifyTarget): Promise<Outcome[]> {
  const o = target.outputs;
  const client = controlPlaneOf(target);
  const policyTitle = "the API's live resource policy equals the one the program rendered (output resourcePolicy)";
  const stageTitle = `stage ${o.stageName} serves the latest deployment`;
  const out: Outcome[] = [];
  try {
    try {
      const api = await client.send(new GetRestApiCommand({ restApiId: o.restApiId }));
      if (!api.policy) {
        out.push({
          title: policyTitle,
          ok: false,
          detail: "the API has no resource policy",
          link: "API resource policy, account A: missing",
          fix: PULUMI_UP,
        });
      } else {
        const diffs = policyDifferences(parsePolicyText(api.policy), JSON.parse(o.resourcePolicy));
        out.push(
          diffs.length === 0
            ? { title: policyTitle, ok: true, detail: "equal (statement by statement, ignoring order and single-value lists)" }
            : {
                title: policyTitle,
                ok: false,
                detail: diffs.join("; ").slice(0, 600),
                link: "API resource policy, account A: it drifted from the program",
                fix: PULUMI_UP,
              },
        );
      }
    } catch (err) {
      out.push(getRestApiFailed(policyTitle, err));
    }
    try {
      const stage = await client.send(new GetStageCommand({ restApiId: o.restApiId, stageName: o.stageName }));
      const deployments = await client.send(new GetDeploymentsCommand({ restApiId: o.restApiId, limit: 500 }));
      const latest = [...(deployments.items ?? [])].sort((a, b) => (b.createdDate?.getTime() ?? 0) - (a.createdDate?.getTime() ?? 0))[0];
      if (latest?.id === undefined || stage.deploymentId !== latest.id) {
        out.push({
          title: stageTitle,
          ok: false,
          detail: `stage serves ${stage.deploymentId ?? "nothing"}, latest is ${latest?.id ?? "none"}`,
          link: `stage ${o.stageName}, account A: it serves an older snapshot of the API`,
          fix: `${PULUMI_UP}; a deployment made outside Pulumi is not the program's`,
        });
      } else {
        const stale = await deployedPolicyDifferences(client, target);
        out.push(
          stale.length === 0
            ? {
                title: stageTitle,
                ok: true,
                detail: `deployment ${latest.id} (of ${deployments.items?.length ?? 0}), with the rendered policy`,
              }
            : {
                title: stageTitle,
                ok: false,
                detail: `deployment ${latest.id} is the latest but captured another policy: ${stale.join("; ")}`.slice(0, 600),
                link: `stage ${o.stageName}, account A: stale, its deployment predates the policy (the Deployment was not replaced when it changed)`,
                fix: "redeploy: restore the Deployment's `triggers` (components/holidaysApi.ts) and run `pulumi up`, or once `pulumi up --replace <the Deployment's URN>`",
              },
        );
      }
    } catch (err) {
      out.push(failed(stageTitle, err, `stage ${o.stageName}, account A: it could not be read`, PULUMI_UP));
    }
  } finally {
    client.destroy();
  }
  return out;
}

/**
 * The policy the stage's deployment captured, from GetExport ("Exports a deployed version of a RestApi",
 * API Gateway API Reference; the policy is `x-amazon-apigateway-policy`, "API Gateway extensions to
 * OpenAPI"), against the rendered one. Differences, or none.
 */
async function deployedPolicyDifferences(client: APIGatewayClient, target: VerifyTarget): Promise<string[]> {
  const o = target.outputs;
  const exported = await client.send(
    new GetExportCommand({ restApiId: o.restApiId, stageName: o.stageName, exportType: "oas30", parameters: { extensions: "apigateway" } }),
  );
  const doc = JSON.parse(Buffer.from(exported.body ?? new Uint8Array()).toString("utf8")) as { "x-amazon-apigateway-policy"?: unknown };
  const deployed = doc["x-amazon-apigateway-policy"];
  if (deployed === undefined) return ["the deployment has no resource policy"];
  return policyDifferences(deployed, JSON.parse(o.resourcePolicy), "the deployment");
}

/** A request to a PRIVATE API from here (outside its VPC), signed or not, gets 403 ForbiddenException "Forbidden". */
async function refusedFromOutside(target: VerifyTarget, title: string, signed: boolean): Promise<Outcome> {
  const url = target.resolveUrl(target.outputs.dataUrl);
  try {
    const res = signed
      ? await createSignedFetch({ region: target.outputs.region, credentials: target.accountA, maxAttempts: 1 })(url, {
          throwOnError: false,
        })
      : await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
    const { type, message } = await errorOf(res);
    const detail = `${res.status} ${type ?? "(no x-amzn-errortype)"}: ${message.slice(0, 200)}`;
    const f = FORBIDDEN_FROM_OUTSIDE;
    if (res.status === f.status && type === f.type && message === f.message) return { title, ok: true, detail };
    return {
      title,
      ok: false,
      detail,
      link:
        res.status === 200
          ? "API Gateway, account A: the API answers outside its VPC endpoint (it is not PRIVATE)"
          : "API Gateway, account A: the API is reachable from outside the VPC (its endpoint type is not PRIVATE)",
      fix: `the REST API's endpointConfiguration must be PRIVATE (holidays-api:endpointType private): ${PULUMI_UP}`,
    };
  } catch (err) {
    // A private API's name may not resolve at all from here; that refuses the call too.
    return { title, ok: true, detail: `no answer from outside the VPC (${describeError(err)})` };
  }
}

/** The API's endpoint type, from GetRestApi, is the one the stack says (output endpointType). */
export async function endpointType(target: VerifyTarget): Promise<Outcome> {
  const o = target.outputs;
  const title = `the API's endpoint type is ${o.endpointType ?? "(no endpointType output)"} (GetRestApi endpointConfiguration)`;
  if (!o.endpointType)
    return { title, ok: true, skipped: true, detail: "skipped: the stack has no endpointType output (deployed by an older program)" };
  const client = controlPlaneOf(target);
  try {
    const api = await client.send(new GetRestApiCommand({ restApiId: o.restApiId }));
    const types = api.endpointConfiguration?.types ?? [];
    const list = (Array.isArray(types) ? types : [types]).map((t) => String(t).toUpperCase());
    if (list.length === 1 && list[0] === o.endpointType) return { title, ok: true, detail: `types ${JSON.stringify(list)}` };
    return {
      title,
      ok: false,
      detail: `types ${JSON.stringify(list)}`,
      link: `API Gateway, account A: the API is ${list.join(", ") || "of no type"}, not ${o.endpointType}`,
      fix: PULUMI_UP,
    };
  } catch (err) {
    return getRestApiFailed(title, err);
  } finally {
    client.destroy();
  }
}

/** A private API's live resource policy lets through the stack's endpoint (output vpcEndpointId) in its aws:SourceVpce Deny. */
export async function endpointInPolicy(target: VerifyTarget): Promise<Outcome> {
  const o = target.outputs;
  const title = `endpoint ${o.vpcEndpointId ?? "(none)"} is in the live resource policy: its aws:SourceVpce Deny lets only listed endpoints through`;
  if (!isPrivate(target) || !o.vpcEndpointId)
    return { title, ok: true, skipped: true, detail: "skipped: the API is not PRIVATE (no VPC endpoint)" };
  const client = controlPlaneOf(target);
  try {
    const api = await client.send(new GetRestApiCommand({ restApiId: o.restApiId }));
    const doc = api.policy ? (parsePolicyText(api.policy) as { Statement?: unknown }) : undefined;
    const listed = sourceVpceDenies(doc);
    if (listed.length > 0 && listed.every((ids) => ids.includes(o.vpcEndpointId as string)))
      return { title, ok: true, detail: `Deny unless aws:SourceVpce is one of ${JSON.stringify(listed[0])}` };
    return {
      title,
      ok: false,
      detail:
        listed.length === 0 ? "no Deny statement conditions on aws:SourceVpce" : `the Deny lets through only ${JSON.stringify(listed)}`,
      link:
        listed.length === 0
          ? "API resource policy, account A: nothing denies requests from outside the VPC endpoint"
          : `API resource policy, account A: endpoint ${o.vpcEndpointId} is not among the endpoints its aws:SourceVpce Deny lets through`,
      fix: `${PULUMI_UP} (the endpoint id flows into the policy as an output; if the endpoint was recreated, the policy follows)`,
    };
  } catch (err) {
    return getRestApiFailed(title, err);
  } finally {
    client.destroy();
  }
}

/** The endpoint-id lists of every `Deny` whose condition is `StringNotEquals aws:SourceVpce` (keys case-insensitive). */
function sourceVpceDenies(doc: { Statement?: unknown } | undefined): string[][] {
  const statements = Array.isArray(doc?.Statement) ? (doc.Statement as Record<string, unknown>[]) : [];
  const out: string[][] = [];
  for (const s of statements) {
    if (s.Effect !== "Deny") continue;
    const cond = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
    for (const [operator, keys] of Object.entries(cond)) {
      if (operator !== "StringNotEquals") continue;
      for (const [key, value] of Object.entries(keys ?? {}))
        if (key.toLowerCase() === "aws:sourcevpce") out.push((Array.isArray(value) ? value : [value]).map(String));
    }
  }
  return out;
}

/** Every check, in the order of the request path. */
export async function runChecks(target: VerifyTarget): Promise<Outcome[]> {
  return [
    await unsignedGet(target),
    await endpointType(target),
    ...(isPrivate(target) ? [await endpointInPolicy(target)] : []),
    await callerLambda(target),
    await integration(target),
    await exclusiveDeny(target),
    ...(await policyAndDeployment(target)),
  ];
}
