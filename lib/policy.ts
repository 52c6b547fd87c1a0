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
 * The API's resource policy.
 * - `AllowInvokers`: execute-api:Invoke on exactly the routes' method ARNs for the role/user invokers. Each is
 *   named through its account's principal (`arn:…:iam::<acct>:root`) plus `ArnEquals aws:PrincipalArn
 *   <exact ARN>`, never as a role principal, because:
 *   - API Gateway validates every principal of a resource policy ("Invalid policy document. Please check
 *     the policy syntax and ensure that Principals are valid"), and a caller role created seconds earlier
 *     in another account may not have propagated yet; the provider makes one UpdateRestApi call and does
 *     not retry (hashicorp/terraform-provider-aws#29392, open). Account principals always validate; conditions are
 *     not validated;
 *   - AWS stores a role principal as the role's unique id (AROA…), so a role deleted and recreated under
 *     the same name silently stops matching ("AWS JSON policy elements: Principal"; quoted in
 *     DataDog/terraform-module-datadog-agentless-scanner#43). A condition on aws:PrincipalArn is
 *     compared as text and keeps matching.
 *   An account principal delegates to that account's IAM: the invoker's identity policy must allow too,
 *   in the same account as well (the caller role has one: `invokeMethodPolicy`).
 * - `AllowInvokerAccounts`: the account-id invokers, as account principals without that condition (every
 *   identity of the account whose identity policy allows).
 * - `DenyUnlistedPrincipals` (exclusive): deny anyone whose aws:PrincipalArn is not an invoker
 *   (an account invoker stands for every principal of that account).
 * - `DenyOutsideSourceIpAllowList`: deny any request whose aws:SourceIp is outside the list.
 * - `DenyOutsideVpcEndpoints` (private API): deny any request whose aws:SourceVpce is not one of the
 *   endpoints; "To restrict access to your private API to specific VPCs and VPC endpoints, you must add
 *   aws:SourceVpc and aws:SourceVpce conditions to your API's resource policy" ("Creating a private API").
 * Deny statements use Principal "*" by design: they take access away, never grant it. No Allow ever
 * names a wildcard principal.
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
 * What a function in a VPC needs to manage its network interfaces: the EC2 actions of the managed policy
 * AWSLambdaVPCAccessExecutionRole v3 ("AWSLambdaVPCAccessExecutionRole", AWS Managed Policy Reference),
 * each scoped as far as EC2 and Lambda allow:
 * - the Describe actions on "*": "ec2:DescribeNetworkInterfaces – This action only works if it's allowed on
 *   all resources" ("Giving Lambda functions access to resources in an Amazon VPC", Lambda Developer Guide);
 * - the others on network interfaces, subnets and security groups of the function's account and region
 *   (that guide's own scope for DeleteNetworkInterface: "arn:aws:ec2:us-west-2:123456789012:*\/*").
 * Not on the exact subnets and groups on purpose: the role must outlive them on destroy ("If you delete the
 * execution role before Lambda deletes the Hyperplane ENI, Lambda won't be able to delete the Hyperplane
 * ENI", Lambda Developer Guide), so the network is made after this policy and cannot feed it.
 * The managed policy's logs actions are not here: `writeLogsPolicy` grants them on one log group.
 */
export function lambdaVpcAccessPolicy(input: LambdaVpcAccessInput): PolicyDocument {
  const ec2 = `arn:${input.partition}:ec2:${input.region}:${input.accountId}`;
  const interfaces = `${ec2}:network-interface/*`;
  return {
    Version: "2012-10-17",
    Statement: [
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
 * Checks that each ARN names exactly one of the API's GET routes (lib/api `ROUTES`):
 * `arn:<p>:execute-api:<region>:<account>:<api>/<stage>/GET/<route path>`, with no wildcard in the API
 * id, stage or verb, and a path that is a route's `methodArnPath` (a `*` only where the route has a path
 * parameter). Returns them sorted and de-duplicated.
 *
 * Why a `*` for `{year}` rather than one ARN per year: API Gateway authorizes the path as called
 * (`…/GET/api/v1/2026/data.json`), so the exact alternative is 81 ARNs (1970–2050) of ~90 characters
 * in the resource policy, past its 8,192-character quota ("Quotas for configuring and running a REST
 * API in API Gateway"), and in the caller's role policy. The `*` is confined to the one segment of the
 * one route that has a path parameter; a request to any path that is not a declared route never
 * reaches authorization (API Gateway answers 403 Missing Authentication Token), and a year with no
 * object gets 404 from the integration.
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
 * Trust policy of the role API Gateway assumes to read S3 (the integration's `credentials`): the
 * service principal and nothing else, as in AWS's "Tutorial: Create a REST API as an Amazon S3 proxy".
 *
 * No `aws:SourceAccount` / `aws:SourceArn` condition: when API Gateway assumes an *integration
 * credentials* role it does not populate `aws:SourceAccount`, so such a condition denies AssumeRole and
 * every call answers 500 `{"message": "Internal server error"}` ("Execution failed due to configuration
 * error: API Gateway does not have permission to assume the provided role"; confirmed with
 * test-invoke-method in
 * aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479). The confused-deputy exposure this leaves is small: another account's API cannot use this
 * role, because `iam:PassRole` cannot cross accounts ("Cross-account pass role is not allowed",
 * amazon-archives/aws-apigateway-importer#25), and the role may read one object only.
 */
export function apiGatewayTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: ["apigateway.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
  };
}

/**
 * Read the objects behind the routes: one key pattern per route, a path parameter as `*`
 * (`api/v1/data.json`, `api/v1/*\/data.json`). Patterns rather than the 82 keys: the role's inline
 * policies may hold 10,240 characters in all ("IAM and AWS STS quotas"), and with a long bucket name
 * 82 object ARNs come close; the bucket is private and holds only what this program writes.
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
