/**
 * Every IAM policy document the program deploys, built from settings and ARNs. Nothing here is typed by
 * hand per stack, and `renderPolicy` gives canonical JSON so that equal inputs give equal text.
 * The local gateway evaluates exactly these documents.
 */
import { canonicalJson } from "./canonicalJson";
import { HTTP_METHOD, ROUTES, methodArnPath } from "./api";
import { accountOfPrincipal, parseArn } from "./arn";
import { VPC_ENDPOINT_ID } from "./ec2Id";

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
  /**
   * The methods the invokers may call: one ARN per route the API serves, e.g.
   * `<executionArn>/<stage>/GET/api/v1/data.json` and `<executionArn>/<stage>/GET/api/v1/*\/data.json`
   * (a `*` only ever stands for a whole path-parameter segment; see {@link assertRouteMethodArns}).
   */
  methodArns: readonly string[];
  /** Principals allowed to invoke: role/user/account-root ARNs (the caller role first among them). */
  invokers: readonly string[];
  /** When non-empty, requests from any other source address are denied. */
  sourceIpAllowList?: readonly string[];
  /** Deny every principal that is not an invoker, including administrators of the API's account. */
  exclusive?: boolean;
  /** Only principals in this AWS Organization may invoke. */
  principalOrgId?: string;
  /**
   * A PRIVATE API's VPC endpoints (`vpce-…`): when given (at least one), requests whose aws:SourceVpce is
   * none of them are denied. Never with `sourceIpAllowList`: aws:SourceIp is absent through an endpoint.
   */
  vpcEndpointIds?: readonly string[];
}

/** The account-root principal of the account that owns an IAM principal ARN. */
function accountRootOf(principalArn: string): string {
  const arn = parseArn(principalArn);
  const accountId = accountOfPrincipal(principalArn);
  if (!arn || !accountId) throw new Error(`apiResourcePolicy: ${JSON.stringify(principalArn)} is not an IAM principal ARN`);
  return `arn:${arn.partition}:iam::${accountId}:root`;
}

/**
 * The API's resource policy: Allows for exactly the invokers on exactly the method ARNs; Denies (the only
 * statements with Principal "*") take access away. Why invokers go through their account: docs/security.md.
 */
export function apiResourcePolicy(input: ApiResourcePolicyInput): PolicyDocument {
  const invokers = sortedUnique(input.invokers);
  if (invokers.length === 0) throw new Error("apiResourcePolicy: at least one invoker ARN is required");
  for (const arn of invokers) {
    if (arn.includes("*") || !accountOfPrincipal(arn)) {
      throw new Error(`apiResourcePolicy: invoker ${JSON.stringify(arn)} is not an IAM principal ARN; wildcards are never allowed`);
    }
  }
  const methodArns = assertRouteMethodArns("apiResourcePolicy", input.methodArns);
  const accounts = invokers.filter((arn) => arn.endsWith(":root"));
  const identities = invokers.filter((arn) => !arn.endsWith(":root"));
  const wholeApi = `${input.executionArn}/*`;
  const orgCondition: ConditionBlock | undefined = input.principalOrgId
    ? { StringEquals: { "aws:PrincipalOrgID": [input.principalOrgId] } }
    : undefined;
  const statements: PolicyStatement[] = [];
  // An account principal validates even before a new role has propagated (hashicorp/terraform-provider-aws#29392);
  // aws:PrincipalArn is compared as text, so a recreated role keeps matching ("AWS JSON policy elements: Principal").
  if (identities.length > 0) {
    statements.push({
      Sid: "AllowInvokers",
      Effect: "Allow",
      Principal: { AWS: sortedUnique(identities.map(accountRootOf)) },
      Action: [INVOKE_ACTION],
      Resource: methodArns,
      Condition: { ArnEquals: { "aws:PrincipalArn": identities }, ...orgCondition },
    });
  }
  if (accounts.length > 0) {
    const allowAccounts: PolicyStatement = {
      Sid: "AllowInvokerAccounts",
      Effect: "Allow",
      Principal: { AWS: accounts },
      Action: [INVOKE_ACTION],
      Resource: methodArns,
    };
    if (orgCondition) allowAccounts.Condition = orgCondition;
    statements.push(allowAccounts);
  }

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
  if (input.vpcEndpointIds !== undefined) {
    const endpoints = sortedUnique(input.vpcEndpointIds);
    if (endpoints.length === 0) throw new Error("apiResourcePolicy: a private API needs at least one VPC endpoint id");
    for (const id of endpoints) {
      if (!VPC_ENDPOINT_ID.test(id)) throw new Error(`apiResourcePolicy: ${JSON.stringify(id)} is not a VPC endpoint id (vpce-…)`);
    }
    // aws:SourceIp "is included in the request context, except when the requester uses a VPC endpoint"
    // (IAM User Guide, "AWS global condition context keys"): with an endpoint it would deny everything.
    if (cidrs.length > 0)
      throw new Error("apiResourcePolicy: sourceIpAllowList cannot apply to a private API (aws:SourceIp is absent through a VPC endpoint)");
    // "To restrict access to your private API to specific VPCs and VPC endpoints, you must add
    // aws:SourceVpc and aws:SourceVpce conditions to your API's resource policy" ("Creating a private API").
    statements.push({
      Sid: "DenyOutsideVpcEndpoints",
      Effect: "Deny",
      Principal: "*",
      Action: [INVOKE_ACTION],
      Resource: methodArns,
      Condition: { StringNotEquals: { "aws:SourceVpce": endpoints } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The execute-api VPC endpoint's policy: the listed principals may invoke exactly these method ARNs
 * through it, and nothing else passes ("Use VPC endpoint policies for private APIs in API Gateway": the
 * endpoint policy "specifies which private APIs can be called via the VPC endpoint"). No wildcard principal.
 */
export function vpcEndpointPolicy(input: { principalArns: readonly string[]; methodArns: readonly string[] }): PolicyDocument {
  const principals = sortedUnique(input.principalArns);
  if (principals.length === 0) throw new Error("vpcEndpointPolicy: at least one principal ARN is required");
  for (const arn of principals) {
    if (arn.includes("*") || !accountOfPrincipal(arn)) {
      throw new Error(`vpcEndpointPolicy: principal ${JSON.stringify(arn)} is not an IAM principal ARN; wildcards are never allowed`);
    }
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeHolidaysApiOnly",
        Effect: "Allow",
        Principal: { AWS: principals },
        Action: [INVOKE_ACTION],
        Resource: assertRouteMethodArns("vpcEndpointPolicy", input.methodArns),
      },
    ],
  };
}

export interface LambdaVpcAccessInput {
  partition: string;
  region: string;
  /** The function's account: its network interfaces are created there. */
  accountId: string;
}

/**
 * The EC2 actions of AWSLambdaVPCAccessExecutionRole ("AWS Managed Policy Reference"), each scoped as far as
 * EC2 and Lambda allow; account-wide rather than on the exact subnets, so the role outlives them on destroy
 * (docs/decisions.md, "Lambda in a VPC"). The logs actions are `writeLogsPolicy`'s, on one log group.
 */
export function lambdaVpcAccessPolicy(input: LambdaVpcAccessInput): PolicyDocument {
  const ec2 = `arn:${input.partition}:ec2:${input.region}:${input.accountId}`;
  const interfaces = `${ec2}:network-interface/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      // "ec2:DescribeNetworkInterfaces – This action only works if it's allowed on all resources" (Lambda Developer
      // Guide, "Giving Lambda functions access to resources in an Amazon VPC").
      {
        Sid: "DescribeNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        Resource: ["*"],
      },
      {
        Sid: "CreateNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:CreateNetworkInterface"],
        Resource: [interfaces, `${ec2}:security-group/*`, `${ec2}:subnet/*`],
      },
      {
        Sid: "ManageNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"],
        Resource: [interfaces],
      },
    ],
  };
}

/** The resource-path part of each route's method ARN (`api/v1/data.json`, `api/v1/*\/data.json`). */
const ROUTE_PATHS: ReadonlySet<string> = new Set(ROUTES.map(methodArnPath));

/**
 * Checks that each ARN names exactly one GET route of lib/api `ROUTES` (no wildcard in API id, stage or verb;
 * a `*` only for a path parameter: docs/decisions.md, "One `*` for {year}"). Returns them sorted, unique.
 */
export function assertRouteMethodArns(fn: string, methodArns: readonly string[]): string[] {
  if (methodArns.length === 0) throw new Error(`${fn}: at least one method ARN is required`);
  for (const arn of methodArns) {
    const parts = parseArn(arn);
    const [apiId, stage, verb, ...path] = (parts?.resource ?? "").split("/");
    const fixed = [parts?.partition, parts?.region, parts?.accountId, apiId, stage, verb];
    const ok =
      parts?.service === "execute-api" &&
      fixed.every((p) => p && !p.includes("*")) &&
      verb === HTTP_METHOD &&
      ROUTE_PATHS.has(path.join("/"));
    if (!ok) {
      throw new Error(
        `${fn}: method ARN ${JSON.stringify(arn)} must name one GET route (${[...ROUTE_PATHS].join(", ")}); wildcards are never allowed elsewhere`,
      );
    }
  }
  return sortedUnique(methodArns);
}

/** The caller role's identity policy: invoke exactly the API's GET routes, never `*`. */
export function invokeMethodPolicy(methodArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeHolidaysApi",
        Effect: "Allow",
        Action: [INVOKE_ACTION],
        Resource: assertRouteMethodArns("invokeMethodPolicy", methodArns),
      },
    ],
  };
}

/** Log permissions scoped to one log group's streams. */
export function writeLogsPolicy(logGroupArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] },
    ],
  };
}

/** Trust policy of the caller's execution role. */
export function lambdaTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
  };
}

/**
 * Trust policy of the role API Gateway assumes to read S3: the service principal only ("Tutorial: Create a
 * REST API as an Amazon S3 proxy"); no aws:SourceAccount, which API Gateway does not present for an
 * integration role (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479).
 */
export function apiGatewayTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["apigateway.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
  };
}

/**
 * Read the objects behind the routes: one key pattern per route (`api/v1/*\/data.json`), not 82 keys, which
 * with a long bucket name come near the 10,240-character inline-policy quota ("IAM and AWS STS quotas").
 */
export function readObjectPolicy(bucketArn: string, keyPatterns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadHolidaysObject",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: sortedUnique(keyPatterns.map((k) => `${bucketArn}/${k}`)),
      },
    ],
  };
}

/** Bucket policy: deny every request that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": ["false"] } },
      },
    ],
  };
}
