/**
 * The guardrail rules of the `holidays-guardrails` policy pack.
 *
 * Each rule decides on one resource from that resource's own properties (`validateResource`), reading
 * only what is known when the resource is checked: at `pulumi preview` the literal inputs
 * (`Method.authorization`, the public-access-block flags, a bucket's ACL, a trust policy), and at
 * `pulumi up` every input, because the engine checks each resource just before creating it — before,
 * not after, as stack validation would. A rule never reads a computed value it does not need (an API
 * id, a bucket name, a role name): @pulumi/policy turns such a read during preview into an advisory
 * "can't run policy during preview" instead of a decision. Only "every bucket has a public-access
 * block", which needs two resources, is a stack rule, and it links them through property dependencies,
 * which are known at preview.
 *
 * Self-contained so that `pulumi policy publish` (which packs only this directory) works: no import
 * from outside `policy/`, its own package.json and tsconfig.json.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

type OneOrMany = string | string[];
interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: "*" | Record<string, OneOrMany>;
  Action?: OneOrMany;
  NotAction?: OneOrMany;
  Resource?: OneOrMany;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Statement?: Statement | Statement[];
}

/** One resource as a rule sees it: type, name, URN and properties (possibly an unknown-checking proxy). */
export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** Resources each input property depends on (known at preview even when ids are not). */
  propertyDependencies?: Record<string, { urn: string }[]>;
}

export const TYPES = {
  restApiPolicy: "aws:apigateway/restApiPolicy:RestApiPolicy",
  vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  vpcEndpointPolicy: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
  restApi: "aws:apigateway/restApi:RestApi",
  method: "aws:apigateway/method:Method",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
} as const;

/** IAM string matching: `*` any run of characters, `?` one character. */
function wildcardMatch(pattern: string, value: string): boolean {
  let re = "^";
  for (const ch of pattern) re += ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  return new RegExp(`${re}$`, "is").test(value);
}

function parsePolicy(value: unknown): PolicyDocument | undefined {
  if (typeof value === "object" && value !== null) return value as PolicyDocument;
  if (typeof value !== "string" || value === "") return undefined;
  try {
    return JSON.parse(value) as PolicyDocument;
  } catch {
    return undefined;
  }
}

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const statements = (doc: PolicyDocument | undefined): Statement[] =>
  doc?.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];

function awsPrincipals(s: Statement): string[] {
  const p = s.Principal;
  if (p === "*") return ["*"];
  if (p && typeof p === "object") return list(p.AWS);
  return [];
}

/** 1. No Allow with a wildcard principal in an API Gateway resource policy (a Deny with "*" only takes access away). */
export function checkNoWildcardPrincipal(r: ResourceView, report: ReportViolation): void {
  if (r.type !== TYPES.restApiPolicy && r.type !== TYPES.restApi) return;
  for (const s of statements(parsePolicy(r.props.policy))) {
    if (s.Effect !== "Allow") continue;
    const wild = awsPrincipals(s).filter((p) => p.includes("*"));
    if (wild.length > 0) {
      report(
        `${r.name}: statement ${s.Sid ?? "(no Sid)"} allows principal ${JSON.stringify(wild)}. Name the exact role ARNs (holidays-api:invokers) instead; a wildcard lets any AWS account invoke the API.`,
        r.urn,
      );
    }
  }
}

/**
 * 1b. No Allow with a wildcard principal in a VPC endpoint policy the stack declares (on the endpoint or
 * as a VpcEndpointPolicy): the endpoint then lets exactly the named roles through. An endpoint with no
 * policy at all gets AWS's full-access default and is not judged here.
 */
export function checkEndpointPolicyNamesPrincipals(r: ResourceView, report: ReportViolation): void {
  if (r.type !== TYPES.vpcEndpointPolicy && r.type !== TYPES.vpcEndpoint) return;
  if (r.props.policy === undefined || r.props.policy === "") return;
  for (const s of statements(parsePolicy(r.props.policy))) {
    if (s.Effect !== "Allow") continue;
    const wild = awsPrincipals(s).filter((p) => p.includes("*"));
    if (wild.length > 0) {
      report(
        `${r.name}: endpoint policy statement ${s.Sid ?? "(no Sid)"} allows principal ${JSON.stringify(wild)}. Name the exact role ARNs that may call through this endpoint.`,
        r.urn,
      );
    }
  }
}

/**
 * 2. Every API Gateway method uses AWS_IAM: this project's APIs name their callers in a resource policy,
 * which API Gateway checks only for AWS_IAM methods. Reads `authorization` alone (a literal, known at
 * preview), never `restApi` (unknown until the API exists).
 */
export function checkIamAuthorization(r: ResourceView, report: ReportViolation): void {
  if (r.type !== TYPES.method) return;
  if (r.props.authorization !== "AWS_IAM") {
    report(
      `${r.name}: ${String(r.props.httpMethod)} uses authorization ${JSON.stringify(r.props.authorization)}; the API's resource policy names AWS principals, which API Gateway checks only for AWS_IAM. Set authorization: "AWS_IAM".`,
      r.urn,
    );
  }
}

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** 3a. A public-access block sets all four flags; a bucket has no public ACL. */
export function checkNoPublicBucket(r: ResourceView, report: ReportViolation): void {
  if (r.type === TYPES.publicAccessBlock) {
    const off = PUBLIC_ACCESS_FLAGS.filter((f) => r.props[f] !== true);
    if (off.length > 0) report(`${r.name}: public-access block is incomplete; set ${off.join(", ")} to true.`, r.urn);
  }
  if (r.type === TYPES.bucket || r.type === TYPES.bucketV2) {
    const acl = r.props.acl;
    if (typeof acl === "string" && /public|authenticated-read/.test(acl))
      report(`${r.name}: acl ${JSON.stringify(acl)} makes the bucket public; remove it.`, r.urn);
  }
}

/**
 * 4. No IAM role policy grants execute-api with a wildcard action or resource: grants name the exact
 * method ARN. Checked on every role policy (inline on a Role, a RolePolicy, a managed Policy).
 */
export function checkExecuteApiGrantsScoped(r: ResourceView, report: ReportViolation): void {
  const docs: PolicyDocument[] = [];
  if (r.type === TYPES.role)
    for (const inline of (r.props.inlinePolicies as { policy?: unknown }[] | undefined) ?? []) docs.push(parsePolicy(inline.policy) ?? {});
  if (r.type === TYPES.rolePolicy || r.type === TYPES.policy) docs.push(parsePolicy(r.props.policy) ?? {});
  for (const s of docs.flatMap(statements)) {
    if (s.Effect !== "Allow") continue;
    const actions = list(s.Action);
    const grantsInvoke = actions.some((a) => wildcardMatch(a, "execute-api:Invoke"));
    if (!grantsInvoke && s.NotAction === undefined) continue;
    const resources = list(s.Resource);
    const wildAction = s.NotAction !== undefined || actions.some((a) => a === "*" || /^execute-api:\*$/i.test(a));
    const wildResource = resources.some(
      (res) => res === "*" || /^arn:[^:]+:execute-api:\*/.test(res) || /:\*$/.test(res) || res === "execute-api:/*",
    );
    if (wildAction || wildResource) {
      report(
        `${r.name}: may invoke ${JSON.stringify(resources)} with ${JSON.stringify(actions.length ? actions : "NotAction")}. Grant execute-api:Invoke on the exact method ARN only.`,
        r.urn,
      );
    }
  }
}

/** 3b (stack). Every bucket has a public-access block, linked through property dependencies. */
export function checkEveryBucketHasPublicAccessBlock(resources: ResourceView[], report: ReportViolation): void {
  const blocks = resources.filter((r) => r.type === TYPES.publicAccessBlock);
  for (const bucket of resources.filter((r) => r.type === TYPES.bucket || r.type === TYPES.bucketV2)) {
    const linked = blocks.some((b) => (b.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn));
    if (!linked) report(`${bucket.name}: no aws.s3.BucketPublicAccessBlock for this bucket; add one with all four flags true.`, bucket.urn);
  }
}

/** Condition keys that name where a request came from through a VPC endpoint (IAM global condition keys). */
const VPC_SOURCE_KEYS = new Set(["aws:sourcevpce", "aws:sourcevpc"]);

/** Whether a statement conditions on aws:SourceVpce / aws:SourceVpc with an operator whose name matches `op`. */
function conditionsOnVpcSource(s: Statement, op: RegExp): boolean {
  return Object.entries(s.Condition ?? {}).some(
    ([operator, block]) => op.test(operator) && Object.keys(block ?? {}).some((k) => VPC_SOURCE_KEYS.has(k.toLowerCase())),
  );
}

/**
 * Whether a policy keeps a private API to named VPCs or endpoints: a Deny on every request whose
 * aws:SourceVpce/aws:SourceVpc is not listed, or every Allow conditioned on one ("To restrict access to
 * your private API to specific VPCs and VPC endpoints, you must add aws:SourceVpc and aws:SourceVpce
 * conditions to your API's resource policy", API Gateway Developer Guide, "Creating a private API").
 */
function restrictsToVpcSources(doc: PolicyDocument): boolean {
  const all = statements(doc);
  if (
    all.some(
      (s) =>
        s.Effect === "Deny" && conditionsOnVpcSource(s, /^(ForAnyValue:|ForAllValues:)?StringNot(Equals|Like)(IgnoreCase)?(IfExists)?$/i),
    )
  )
    return true;
  const allows = all.filter((s) => s.Effect === "Allow");
  return (
    allows.length > 0 && allows.every((s) => conditionsOnVpcSource(s, /^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?$/i))
  );
}

const endpointTypes = (r: ResourceView): string[] => list((r.props.endpointConfiguration as { types?: unknown } | undefined)?.types);

/**
 * 5 (stack). A PRIVATE REST API's resource policy conditions on aws:SourceVpce or aws:SourceVpc: its own
 * `policy`, or an aws.apigateway.RestApiPolicy linked to it through `restApiId` (a property dependency,
 * known at preview). Without one, any principal the policy allows may call it through any VPC endpoint.
 * The policy text is computed from ARNs, so at a first preview this rule is advisory; it decides at up.
 */
export function checkPrivateApiConditionsOnVpcSource(resources: ResourceView[], report: ReportViolation): void {
  for (const api of resources.filter((r) => r.type === TYPES.restApi && endpointTypes(r).includes("PRIVATE"))) {
    const texts = [
      api.props.policy,
      ...resources
        .filter((p) => p.type === TYPES.restApiPolicy && (p.propertyDependencies?.restApiId ?? []).some((d) => d.urn === api.urn))
        .map((p) => p.props.policy),
    ].filter((t) => t !== undefined && t !== "");
    const docs = texts.map(parsePolicy).filter((d): d is PolicyDocument => d !== undefined);
    if (docs.length === 0 || !docs.some(restrictsToVpcSources)) {
      report(
        `${api.name}: a PRIVATE REST API whose resource policy does not condition on aws:SourceVpce or aws:SourceVpc; add a Deny for requests whose aws:SourceVpce is not your endpoint (holidays-api:endpointType private does this).`,
        api.urn,
      );
    }
  }
}

export const RESOURCE_RULES: { name: string; description: string; check: (r: ResourceView, report: ReportViolation) => void }[] = [
  {
    name: "apigateway-no-wildcard-principal",
    description: "No Allow with a wildcard principal in an API Gateway resource policy.",
    check: checkNoWildcardPrincipal,
  },
  {
    name: "vpc-endpoint-policy-names-principals",
    description: "No Allow with a wildcard principal in a declared VPC endpoint policy.",
    check: checkEndpointPolicyNamesPrincipals,
  },
  {
    name: "apigateway-iam-authorization",
    description: "Every API Gateway method uses AWS_IAM (the resource policies name principals).",
    check: checkIamAuthorization,
  },
  {
    name: "s3-no-public-bucket",
    description: "Public-access blocks set all four flags; no bucket has a public ACL.",
    check: checkNoPublicBucket,
  },
  {
    name: "execute-api-grants-scoped",
    description: "IAM role policies grant execute-api:Invoke on exact method ARNs, never *.",
    check: checkExecuteApiGrantsScoped,
  },
];

export const STACK_RULES: { name: string; description: string; check: (r: ResourceView[], report: ReportViolation) => void }[] = [
  {
    name: "s3-bucket-has-public-access-block",
    description: "Every S3 bucket has a public-access block.",
    check: checkEveryBucketHasPublicAccessBlock,
  },
  {
    name: "apigateway-private-api-conditions-on-vpc-source",
    description: "A PRIVATE REST API's resource policy conditions on aws:SourceVpce or aws:SourceVpc.",
    check: checkPrivateApiConditionsOnVpcSource,
  },
];

/** The rules as mandatory policies for `new PolicyPack(...)`. */
export function packPolicies(): (ResourceValidationPolicy | StackValidationPolicy)[] {
  const resourcePolicies: ResourceValidationPolicy[] = RESOURCE_RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) =>
      rule.check({ type: args.type, name: args.name, urn: args.urn, props: args.props }, report),
  }));
  const stackPolicies: StackValidationPolicy[] = STACK_RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, report: ReportViolation) =>
      rule.check(
        args.resources.map((r) => ({
          type: r.type,
          name: r.name,
          urn: r.urn,
          props: r.props,
          propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map((d) => ({ urn: d.urn }))]),
          ),
        })),
        report,
      ),
  }));
  return [...resourcePolicies, ...stackPolicies];
}
