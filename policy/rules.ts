/**
 * The guardrail rules of the `holidays-guardrails` policy pack, as plain validation functions over
 * resources (type, props, urn, and where known, property dependencies). `policy/index.ts` registers
 * them with `@pulumi/policy`; the tests run them directly over the program's mocked resources.
 */
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyDocument, PolicyStatement } from "../lib/policy";
import { wildcardMatch } from "../lib/iam/match";

export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  /** Resources each input property depends on (real policy runs have them; ids may be unknown in a preview). */
  propertyDependencies?: Record<string, { urn: string }[]>;
}

const T = {
  restApiPolicy: "aws:apigateway/restApiPolicy:RestApiPolicy",
  restApi: "aws:apigateway/restApi:RestApi",
  method: "aws:apigateway/method:Method",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

function parsePolicy(value: unknown): PolicyDocument | undefined {
  if (typeof value === "object" && value !== null) return value as PolicyDocument;
  if (typeof value !== "string" || value === "") return undefined;
  try {
    return JSON.parse(value) as PolicyDocument;
  } catch {
    return undefined;
  }
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const statements = (doc: PolicyDocument | undefined): PolicyStatement[] => (doc ? (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement as unknown as PolicyStatement]) : []);

/** True when `a` refers to `b`: through a recorded property dependency, or by equal id/name values. */
function refersTo(a: ResourceView, prop: string, b: ResourceView, bKeys: string[]): boolean {
  const deps = a.propertyDependencies?.[prop];
  if (deps?.some((d) => d.urn === b.urn)) return true;
  const v = a.props[prop];
  return v !== undefined && v !== null && bKeys.some((k) => b.props[k] !== undefined && b.props[k] === v);
}

function principalsOf(s: PolicyStatement): string[] {
  const p = s.Principal as unknown;
  if (p === "*") return ["*"];
  if (p && typeof p === "object") return list((p as Record<string, unknown>).AWS);
  return [];
}

/** 1. No Allow with a wildcard principal in an API Gateway resource policy (Deny with "*" only takes access away). */
export function checkNoWildcardPrincipal(resources: ResourceView[], report: ReportViolation): void {
  for (const r of resources) {
    const text = r.type === T.restApiPolicy ? r.props.policy : r.type === T.restApi ? r.props.policy : undefined;
    for (const s of statements(parsePolicy(text))) {
      if (s.Effect !== "Allow") continue;
      const wild = principalsOf(s).filter((p) => p.includes("*"));
      if (wild.length > 0) {
        report(`${r.name}: statement ${s.Sid ?? "(no Sid)"} allows principal ${JSON.stringify(wild)}. Name the exact role ARNs (holidays-api:invokers) instead; a wildcard lets any AWS account invoke the API.`, r.urn);
      }
    }
  }
}

/** 2. Every method of an API whose resource policy names AWS principals uses AWS_IAM authorization. */
export function checkIamMethodsWhenPolicyNamesPrincipals(resources: ResourceView[], report: ReportViolation): void {
  const policies = resources.filter((r) => r.type === T.restApiPolicy && statements(parsePolicy(r.props.policy)).some((s) => principalsOf(s).length > 0));
  for (const policy of policies) {
    const apiId = policy.props.restApiId;
    const api = resources.find((r) => r.type === T.restApi && refersTo(policy, "restApiId", r, ["id"]));
    for (const m of resources.filter((r) => r.type === T.method)) {
      const sameApi = apiId === undefined || m.props.restApi === undefined // ids unknown in a first preview: be conservative
        || m.props.restApi === apiId || (api !== undefined && refersTo(m, "restApi", api, ["id"]));
      if (sameApi && m.props.authorization !== "AWS_IAM") {
        report(`${m.name}: ${String(m.props.httpMethod)} uses authorization ${JSON.stringify(m.props.authorization)}, but the API's resource policy (${policy.name}) names AWS principals; only AWS_IAM makes API Gateway check them. Set authorization: "AWS_IAM".`, m.urn);
      }
    }
  }
}

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** 3. No public S3 bucket: every bucket has a complete public-access block, and no public ACL. */
export function checkNoPublicBucket(resources: ResourceView[], report: ReportViolation): void {
  const blocks = resources.filter((r) => r.type === T.publicAccessBlock);
  for (const b of blocks) {
    const off = PUBLIC_ACCESS_FLAGS.filter((f) => b.props[f] !== true);
    if (off.length > 0) report(`${b.name}: public-access block is incomplete; set ${off.join(", ")} to true.`, b.urn);
  }
  for (const bucket of resources.filter((r) => r.type === T.bucket || r.type === T.bucketV2)) {
    const acl = bucket.props.acl;
    if (typeof acl === "string" && /public|authenticated-read/.test(acl)) report(`${bucket.name}: acl ${JSON.stringify(acl)} makes the bucket public; remove it.`, bucket.urn);
    const block = blocks.find((b) => refersTo(b, "bucket", bucket, ["bucket", "id"]));
    if (!block) report(`${bucket.name}: no aws.s3.BucketPublicAccessBlock for this bucket; add one with all four flags true.`, bucket.urn);
  }
}

function trustsLambda(role: ResourceView): boolean {
  return statements(parsePolicy(role.props.assumeRolePolicy)).some((s) => {
    const p = s.Principal as unknown;
    return s.Effect === "Allow" && p !== null && typeof p === "object" && list((p as Record<string, unknown>).Service).includes("lambda.amazonaws.com");
  });
}

/** 4. A Lambda role's execute-api permissions are never `*`: no wildcard action and no wildcard API resource. */
export function checkLambdaInvokeScoped(resources: ResourceView[], report: ReportViolation): void {
  const lambdaRoles = resources.filter((r) => r.type === T.role && trustsLambda(r));
  const docs: { owner: ResourceView; doc: PolicyDocument | undefined }[] = [];
  for (const role of lambdaRoles) {
    for (const inline of (role.props.inlinePolicies as { policy?: unknown }[] | undefined) ?? []) docs.push({ owner: role, doc: parsePolicy(inline.policy) });
    for (const rp of resources.filter((r) => r.type === T.rolePolicy && refersTo(r, "role", role, ["name", "id"]))) docs.push({ owner: rp, doc: parsePolicy(rp.props.policy) });
  }
  for (const { owner, doc } of docs) {
    for (const s of statements(doc)) {
      if (s.Effect !== "Allow") continue;
      const actions = list(s.Action);
      const grantsInvoke = actions.some((a) => wildcardMatch(a, "execute-api:Invoke", true));
      if (!grantsInvoke && s.NotAction === undefined) continue;
      const wildAction = s.NotAction !== undefined || actions.some((a) => a === "*" || /^execute-api:\*$/i.test(a));
      const wildResource = list(s.Resource).some((r) => r === "*" || /^arn:[^:]+:execute-api:\*/.test(r) || /:\*$/.test(r) || r === "execute-api:/*");
      if (wildAction || wildResource) {
        report(`${owner.name}: a Lambda role may invoke ${JSON.stringify(list(s.Resource))} with ${JSON.stringify(actions.length ? actions : "NotAction")}. Grant execute-api:Invoke on the exact method ARN only.`, owner.urn);
      }
    }
  }
}

export const RULES: { name: string; description: string; check: (r: ResourceView[], report: ReportViolation) => void }[] = [
  { name: "apigateway-no-wildcard-principal", description: "No Allow with a wildcard principal in an API Gateway resource policy.", check: checkNoWildcardPrincipal },
  { name: "apigateway-iam-auth-with-principal-policy", description: "Every method of an API whose resource policy names AWS principals uses AWS_IAM.", check: checkIamMethodsWhenPolicyNamesPrincipals },
  { name: "s3-no-public-bucket", description: "Every S3 bucket has a complete public-access block and no public ACL.", check: checkNoPublicBucket },
  { name: "lambda-execute-api-not-wildcard", description: "Lambda roles' execute-api permissions name exact method ARNs, never *.", check: checkLambdaInvokeScoped },
];

/** The rules as mandatory stack validations for `new PolicyPack(...)`. */
export function stackPolicies(): StackValidationPolicy[] {
  return RULES.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const views: ResourceView[] = args.resources.map((r) => ({
        type: r.type, name: r.name, urn: r.urn, props: r.props,
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map((d) => ({ urn: d.urn }))])),
      }));
      rule.check(views, report);
    },
  }));
}
