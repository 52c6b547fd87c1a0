/**
 * Every IAM policy document the program deploys, built from settings and ARNs. Nothing here is typed by
 * hand per stack, and `renderPolicy` gives canonical JSON so that equal inputs give equal text.
 * The local gateway evaluates exactly these documents.
 */
import { canonicalJson } from "./canonicalJson";
import { accountOfPrincipal, parseArn } from "./arn";

export type OneOrMany = string | string[];
export type ConditionBlock = Record<string, Record<string, OneOrMany>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS?: OneOrMany; Service?: OneOrMany };
  Action?: OneOrMany;
  NotAction?: OneOrMany;
  Resource?: OneOrMany;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const INVOKE_ACTION = "execute-api:Invoke";

/** Canonical JSON text of a policy document: what is deployed and what the gateway evaluates. */
export function renderPolicy(doc: PolicyDocument): string {
  return canonicalJson(doc);
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

export interface ApiResourcePolicyInput {
  /** The REST API's execution ARN, `arn:aws:execute-api:<region>:<account>:<apiId>`. */
  executionArn: string;
  /** The one method the invokers may call, `<executionArn>/<stage>/GET/api/v1/data.json`. */
  methodArn: string;
  /** Principals allowed to invoke: role/user/account-root ARNs (the caller role first among them). */
  invokers: readonly string[];
  /** When non-empty, requests from any other source address are denied. */
  sourceIpAllowList?: readonly string[];
  /** Deny every principal that is not an invoker, including administrators of the API's account. */
  exclusive?: boolean;
  /** Only principals in this AWS Organization may invoke. */
  principalOrgId?: string;
}

/**
 * The API's resource policy.
 * - `AllowInvokers`: execute-api:Invoke on exactly the method ARN for exactly the invokers.
 * - `DenyUnlistedPrincipals` (exclusive): deny anyone whose aws:PrincipalArn is not an invoker
 *   (an account-root invoker stands for every principal of that account).
 * - `DenyOutsideSourceIpAllowList`: deny any request whose aws:SourceIp is outside the list.
 * Deny statements use Principal "*" by design: they take access away, never grant it.
 */
export function apiResourcePolicy(input: ApiResourcePolicyInput): PolicyDocument {
  const invokers = sortedUnique(input.invokers);
  if (invokers.length === 0) throw new Error("apiResourcePolicy: at least one invoker ARN is required");
  for (const arn of invokers) {
    if (arn.includes("*") || !accountOfPrincipal(arn)) {
      throw new Error(`apiResourcePolicy: invoker ${JSON.stringify(arn)} is not an IAM principal ARN; wildcards are never allowed`);
    }
  }
  const wholeApi = `${input.executionArn}/*`;
  const allow: PolicyStatement = {
    Sid: "AllowInvokers",
    Effect: "Allow",
    Principal: { AWS: invokers },
    Action: [INVOKE_ACTION],
    Resource: [input.methodArn],
  };
  if (input.principalOrgId) allow.Condition = { StringEquals: { "aws:PrincipalOrgID": [input.principalOrgId] } };
  const statements: PolicyStatement[] = [allow];

  if (input.exclusive) {
    const patterns = invokers.map((arn) => (arn.endsWith(":root") ? arn.replace(/:root$/, ":*") : arn));
    statements.push({
      Sid: "DenyUnlistedPrincipals",
      Effect: "Deny",
      Principal: "*",
      Action: [INVOKE_ACTION],
      Resource: [wholeApi],
      Condition: { ArnNotLike: { "aws:PrincipalArn": sortedUnique(patterns) } },
    });
  }
  const cidrs = sortedUnique(input.sourceIpAllowList ?? []);
  if (cidrs.length > 0) {
    statements.push({
      Sid: "DenyOutsideSourceIpAllowList",
      Effect: "Deny",
      Principal: "*",
      Action: [INVOKE_ACTION],
      Resource: [wholeApi],
      Condition: { NotIpAddress: { "aws:SourceIp": cidrs } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The caller role's identity policy: invoke exactly one method, never `*`. */
export function invokeMethodPolicy(methodArn: string): PolicyDocument {
  if (methodArn.includes("*")) throw new Error(`invokeMethodPolicy: method ARN ${JSON.stringify(methodArn)} must not contain wildcards`);
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "InvokeHolidaysApi", Effect: "Allow", Action: [INVOKE_ACTION], Resource: [methodArn] }],
  };
}

/** Log permissions scoped to one log group's streams. */
export function writeLogsPolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] }],
  };
}

/** Trust policy of the caller's execution role. */
export function lambdaTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
  };
}

/** Trust policy of the role API Gateway assumes to read S3: only this account's API, not a confused deputy. */
export function apiGatewayTrustPolicy(executionArn: string): PolicyDocument {
  const accountId = parseArn(executionArn)?.accountId;
  if (!accountId) throw new Error(`apiGatewayTrustPolicy: ${JSON.stringify(executionArn)} is not an execution ARN`);
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { Service: ["apigateway.amazonaws.com"] },
      Action: ["sts:AssumeRole"],
      Condition: { StringEquals: { "aws:SourceAccount": [accountId] }, ArnLike: { "aws:SourceArn": [`${executionArn}/*`] } },
    }],
  };
}

/** Read exactly one S3 object. */
export function readObjectPolicy(bucketArn: string, key: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "ReadHolidaysObject", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${key}`] }],
  };
}

/** Bucket policy: deny every request that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": ["false"] } },
    }],
  };
}
