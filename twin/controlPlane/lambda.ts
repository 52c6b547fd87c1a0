/**
 * Lambda `Invoke` for the offline twin, over what the program declared: find the function, authorize
 * `lambda:InvokeFunction` by the caller's identity policies, assume the function's execution role by
 * its trust policy (as the Lambda service does, principal `lambda.amazonaws.com`), then run the real
 * bundle in a fresh Node process with the function's environment and that role's credentials
 * (twin/lambdaRuntime.ts). Shapes from the Lambda API reference, "Invoke": 200 with the payload,
 * `X-Amz-Function-Error` when the function failed (the payload is then the error object),
 * `X-Amz-Executed-Version`, and `X-Amz-Log-Result` = the last 4 KB of the log, base64, for `LogType: Tail`.
 */
import { evaluatePolicy, authorizeServiceAssumeRole, identityRequest } from "../../lib/iam/evaluate";
import { partitionOf } from "../../lib/arn";
import type { PolicyDocument } from "../../lib/policy";
import type { LocalIdentity } from "../identities";
import { TYPE } from "../resourceTypes";
import { invokeBundle, lambdaEnvironment } from "../lambdaRuntime";
import type { Plan } from "../plan";
import { AwsAnswer, awsError, decodeSegment, malformedPath } from "./awsAnswer";
import type { ControlPlaneCaller } from "./apiGateway";

export interface LambdaTwinOptions {
  /** Credentials the twin's STS hands out for a role it lets a service assume (the gateway knows them). */
  identities: readonly LocalIdentity[];
  /** The deployable bundle the function runs. */
  bundlePath: string;
  /** Maps a URL from the function's environment to where the twin serves it (execute-api host → the local gateway). */
  resolveUrl: (url: string) => string;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const LOG_TAIL_BYTES = 4096;

export function createLambdaTwin(plan: Plan, opts: LambdaTwinOptions) {
  const functions = plan.run.resources.filter((r) => r.type === TYPE.function);
  const roles = plan.run.resources.filter((r) => r.type === TYPE.role);

  return async function answer(
    method: string,
    pathname: string,
    who: ControlPlaneCaller,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<AwsAnswer | undefined> {
    const m = INVOKE_PATH.exec(pathname);
    if (!m || method !== "POST") return undefined;
    const requested = decodeSegment(m[1]);
    if (requested === undefined) return malformedPath();
    const fn = functions.find((f) => f.state.name === requested || f.state.arn === requested);
    const fnArn = fn
      ? String(fn.state.arn)
      : `arn:${partitionOf(plan.region)}:lambda:${plan.region}:${who.caller.accountId}:function:${requested}`;

    // Identity-based policies decide (the function has no resource-based policy): same account only.
    const request = identityRequest(who.caller, "lambda:InvokeFunction", fnArn, { sourceIp: "127.0.0.1" });
    const results = who.identityPolicies.map((d) => evaluatePolicy(d, request, "identity"));
    const fnAccount = fn ? String(fn.state.arn).split(":")[4] : who.caller.accountId;
    if (results.includes("Deny") || !results.includes("Allow") || fnAccount !== who.caller.accountId) {
      // IAM User Guide, "Troubleshoot access denied error messages": "… because no identity-based policy allows the … action".
      return awsError(
        403,
        "AccessDeniedException",
        `User: ${who.caller.userArn} is not authorized to perform: lambda:InvokeFunction on resource: ${fnArn} because no identity-based policy allows the lambda:InvokeFunction action`,
        { Type: "User" },
      );
    }
    if (!fn) return awsError(404, "ResourceNotFoundException", `Function not found: ${fnArn}`, { Type: "User" });

    const roleArn = String(fn.inputs.role);
    const role = roles.find((r) => r.state.arn === roleArn);
    const trust = role ? (JSON.parse(String(role.inputs.assumeRolePolicy)) as PolicyDocument) : undefined;
    const credentials = opts.identities.find((i) => i.caller.principalArn === roleArn);
    const assumable =
      trust !== undefined && authorizeServiceAssumeRole({ trustPolicy: trust, roleArn, service: "lambda.amazonaws.com" }).allowed;
    if (!assumable || !credentials) {
      // InvalidParameterValueException (HTTP 400) with this text is what Lambda answers when it cannot
      // assume a function's role (Lambda API reference, Invoke errors; message as reported in
      // pdomala/LambdaCDDemo#1 and serverless/serverless#4384).
      return awsError(400, "InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.", {
        Type: "User",
      });
    }

    const env = { ...((fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) };
    if (env.API_URL) env.API_URL = opts.resolveUrl(env.API_URL);
    const run = await invokeBundle(
      opts.bundlePath,
      lambdaEnvironment(env, plan.region, credentials, { AWS_LAMBDA_FUNCTION_NAME: String(fn.state.name) }),
      Number(fn.inputs.timeout ?? 3) * 1000,
    );

    const out: Record<string, string> = { "content-type": "application/json", "x-amz-executed-version": "$LATEST" };
    const logType = headers["x-amz-log-type"];
    if (logType === "Tail")
      out["x-amz-log-result"] = Buffer.from(Buffer.from(run.logs.join("\n")).subarray(-LOG_TAIL_BYTES)).toString("base64");
    if (!run.ok) {
      out["x-amz-function-error"] = "Unhandled";
      return {
        status: 200,
        headers: out,
        body: JSON.stringify({ errorType: run.error?.name, errorMessage: run.error?.message, trace: [] }),
      };
    }
    return { status: 200, headers: out, body: JSON.stringify(run.result ?? null) };
  };
}
