/**
 * A small IAM policy evaluator for the requests the twin walks (execute-api:Invoke, sts:AssumeRole by a
 * service, s3:GetObject), by AWS's documented rules; what it does not model throws UnsupportedPolicyError.
 */
import { ACCOUNT_ID, accountOfPrincipal, parseArn } from "../arn";
import type { PolicyDocument, PolicyStatement } from "../policy";
import { RequestContextKeys, UnsupportedPolicyError, conditionsHold } from "./conditions";
import { wildcardMatch } from "./match";

export { UnsupportedPolicyError } from "./conditions";

export type PolicyResult = "Allow" | "Deny" | "Neither";
/**
 * A resource policy's verdict. `AllowViaAccount`: an Allow matched the caller only through its account
 * principal — a delegation that needs the identity policy to allow too.
 */
export type ResourcePolicyResult = PolicyResult | "AllowViaAccount";

/** An AWS identity (role session or user) as IAM sees it after authentication. */
export interface Caller {
  /** aws:PrincipalArn: the role (or user) ARN. */
  principalArn: string;
  /** The ARN AWS prints in "User: … is not authorized": for a role, its assumed-role session ARN. */
  userArn: string;
  accountId: string;
  /** aws:PrincipalOrgID, when the account belongs to an AWS Organization. */
  orgId?: string;
}

/** Who makes a request: an AWS identity, or an AWS service acting as a service principal. */
export type Requester = { kind: "identity"; caller: Caller } | { kind: "service"; service: string };

/** One authorization question: may this requester perform this action on this resource, in this context? */
export interface AccessRequest {
  requester: Requester;
  action: string;
  /** The resource ARN (for a trust policy: the role's ARN). */
  resource: string;
  /** Request context keys beyond the requester's own (aws:SourceIp, aws:SecureTransport, …). */
  context?: RequestContextKeys;
}

/** Where a request came from on the network: what its request context says of the connection. */
export interface NetworkOrigin {
  /** The requester's address: `aws:SourceIp`, or through an endpoint `aws:VpcSourceIp`. */
  sourceIp: string;
  secureTransport?: boolean;
  /** The interface VPC endpoint the request came through, if any. */
  via?: EndpointContext;
}

/** The VPC endpoint a request came through, as its request context carries it. */
export interface EndpointContext {
  /** `aws:SourceVpce`. */
  sourceVpce: string;
  /** `aws:SourceVpc`. */
  sourceVpc: string;
}

type PolicyKind = "identity" | "resource" | "trust";

const KNOWN_KEYS = new Set(["Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "Condition"]);

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function requesterKeys(r: Requester): RequestContextKeys {
  if (r.kind === "service") return {};
  return {
    "aws:PrincipalArn": r.caller.principalArn,
    "aws:PrincipalAccount": r.caller.accountId,
    "aws:PrincipalOrgID": r.caller.orgId,
  };
}

/** How a statement's Principal matches the requester: directly, only through its account, or not at all. */
function principalMatch(statement: PolicyStatement, r: Requester): "direct" | "account" | "none" {
  const p = statement.Principal;
  if (p === undefined) throw new UnsupportedPolicyError(`Statement ${statement.Sid ?? "(no Sid)"} of a resource policy has no Principal`);
  if (p === "*") return "direct";
  for (const key of Object.keys(p)) {
    if (key !== "AWS" && key !== "Service")
      throw new UnsupportedPolicyError(`Principal type ${key} is not supported by the local evaluator`);
  }
  if (r.kind === "service") return list(p.Service).includes(r.service) ? "direct" : "none";
  let match: "account" | "none" = "none";
  for (const value of list(p.AWS)) {
    if (value === "*" || value === r.caller.principalArn || value === r.caller.userArn) return "direct";
    if (ACCOUNT_ID.test(value) || value.endsWith(":root")) {
      const acct = ACCOUNT_ID.test(value) ? value : accountOfPrincipal(value);
      if (acct === r.caller.accountId) match = "account";
    }
  }
  return match;
}

function expandResource(pattern: string, resource: string): string {
  // `execute-api:/stage/METHOD/path` is short for this API's own ARN prefix (API Gateway resource policy examples).
  if (!pattern.startsWith("execute-api:/")) return pattern;
  const arn = parseArn(resource);
  if (!arn) return pattern;
  const apiId = arn.resource.split("/")[0];
  return `arn:${arn.partition}:execute-api:${arn.region}:${arn.accountId}:${apiId}${pattern.slice("execute-api:".length)}`;
}

/** Statements whose element names and Effect were already checked (the gateway sees the same few on every request). */
const checkedElements = new WeakSet<PolicyStatement>();

function checkElements(s: PolicyStatement): void {
  if (checkedElements.has(s)) return;
  for (const key of Object.keys(s)) {
    if (!KNOWN_KEYS.has(key)) throw new UnsupportedPolicyError(`Policy element ${key} is not supported by the local evaluator`);
  }
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new UnsupportedPolicyError(`Effect ${String(s.Effect)} is not Allow or Deny`);
  checkedElements.add(s);
}

/** The request context conditions see: the request's own keys and the requester's, built once per request. */
function contextOf(req: AccessRequest): RequestContextKeys {
  return { ...req.context, ...requesterKeys(req.requester) };
}

/** Whether the statement applies to the request; for resource/trust policies, how its principal matched. */
function statementMatch(
  s: PolicyStatement,
  req: AccessRequest,
  kind: PolicyKind,
  context: RequestContextKeys,
): "direct" | "account" | "none" {
  checkElements(s);
  let principal: "direct" | "account" | "none" = "direct";
  if (kind === "identity") {
    if (s.Principal !== undefined) throw new UnsupportedPolicyError("An identity policy must not have a Principal");
  } else {
    principal = principalMatch(s, req.requester);
    if (principal === "none") return "none";
  }
  if (s.Action !== undefined && s.NotAction !== undefined)
    throw new UnsupportedPolicyError("A statement cannot have both Action and NotAction");
  const actionOk =
    s.Action !== undefined
      ? list(s.Action).some((a) => wildcardMatch(a, req.action, true))
      : s.NotAction !== undefined && !list(s.NotAction).some((a) => wildcardMatch(a, req.action, true));
  if (!actionOk) return "none";
  if (kind === "trust") {
    // A role trust policy names no Resource: the resource is the role itself.
    if (s.Resource !== undefined) throw new UnsupportedPolicyError("A role trust policy has no Resource element");
  } else if (!list(s.Resource).some((r) => wildcardMatch(expandResource(r, req.resource), req.resource))) return "none";
  return conditionsHold(s.Condition, context) ? principal : "none";
}

/** A policy's verdict and the Sids of the statements that produced it. */
interface Verdict {
  result: ResourcePolicyResult;
  sids: string[];
}

function evaluate(doc: PolicyDocument, req: AccessRequest, kind: PolicyKind, context: RequestContextKeys = contextOf(req)): Verdict {
  if (!Array.isArray(doc.Statement)) throw new UnsupportedPolicyError("Policy Statement must be a list");
  let result: ResourcePolicyResult = "Neither";
  const allowSids: string[] = [];
  for (const s of doc.Statement) {
    const match = statementMatch(s, req, kind, context);
    if (match === "none") continue;
    if (s.Effect === "Deny") return { result: "Deny", sids: [s.Sid ?? "(no Sid)"] };
    allowSids.push(s.Sid ?? "(no Sid)");
    if (match === "direct") result = "Allow";
    else if (result === "Neither") result = "AllowViaAccount";
  }
  return { result, sids: allowSids };
}

/**
 * The request context of a connection. Through an endpoint: aws:SourceVpce, aws:SourceVpc and
 * aws:VpcSourceIp, and no aws:SourceIp ("This key is included in the request context, except when the
 * requester uses a VPC endpoint to make the request", IAM User Guide, AWS global condition context keys).
 */
export function networkContext(origin: NetworkOrigin): RequestContextKeys {
  const secure = String(origin.secureTransport ?? true);
  if (!origin.via) return { "aws:SourceIp": origin.sourceIp, "aws:SecureTransport": secure };
  return {
    "aws:SourceVpce": origin.via.sourceVpce,
    "aws:SourceVpc": origin.via.sourceVpc,
    "aws:VpcSourceIp": origin.sourceIp,
    "aws:SecureTransport": secure,
  };
}

/** An identity's request for `action` on `resource`, arriving from `origin`. */
export function identityRequest(caller: Caller, action: string, resource: string, origin: NetworkOrigin): AccessRequest {
  return { requester: { kind: "identity", caller }, action, resource, context: networkContext(origin) };
}

/**
 * One policy's verdict for the request: Deny beats Allow beats Neither. For a resource policy, an Allow
 * that matched only through an account principal is `AllowViaAccount`.
 */
export function evaluatePolicy(doc: PolicyDocument, req: AccessRequest, kind: PolicyKind): ResourcePolicyResult {
  return evaluate(doc, req, kind).result;
}

export interface Decision {
  allowed: boolean;
  explicitDeny: boolean;
  identity: PolicyResult;
  resource: ResourcePolicyResult;
  sameAccount: boolean;
  /** One line saying which rule decided. */
  reason: string;
  /** Sids of the resource-policy statements that applied (the Deny, or the Allows). */
  resourceStatements: string[];
  /** The VPC endpoint policy's verdict, for a request through an endpoint (undefined otherwise). */
  endpoint?: ResourcePolicyResult;
}

/**
 * Combines the requester's identity policies and the resource's policy by the documented rules. For a
 * service requester, `identityPolicies` must be empty and only the resource policy can allow.
 */
export function authorize(input: {
  request: AccessRequest;
  identityPolicies: readonly PolicyDocument[];
  resourcePolicy: PolicyDocument | undefined;
  /** The account that owns the resource. */
  resourceAccountId: string;
  /** Evaluate the resource policy as a role trust policy (no Resource element). */
  trust?: boolean;
  /** For a request through a VPC endpoint (aws:SourceVpce in its context): the endpoint's policy; undefined: the default, full access. */
  endpointPolicy?: PolicyDocument;
}): Decision {
  const { request } = input;
  if (request.requester.kind === "service" && input.identityPolicies.length > 0) {
    throw new UnsupportedPolicyError("A service principal has no identity policies");
  }
  const context = contextOf(request);
  const identityResults = input.identityPolicies.map((d) => evaluate(d, request, "identity", context).result);
  const identity: PolicyResult = identityResults.includes("Deny") ? "Deny" : identityResults.includes("Allow") ? "Allow" : "Neither";
  const verdict = input.resourcePolicy
    ? evaluate(input.resourcePolicy, request, input.trust ? "trust" : "resource", context)
    : { result: "Neither" as const, sids: [] };
  const resource = verdict.result;
  // The endpoint policy names principals like a resource policy; an account principal there admits that
  // account's identities (the identity policy is still judged below), so it counts as an Allow.
  const endpoint: ResourcePolicyResult | undefined =
    context["aws:SourceVpce"] === undefined
      ? undefined
      : input.endpointPolicy
        ? evaluate(input.endpointPolicy, request, "resource", context).result
        : "Allow";
  const sameAccount = request.requester.kind === "identity" && request.requester.caller.accountId === input.resourceAccountId;
  const explicitDeny = identity === "Deny" || resource === "Deny" || endpoint === "Deny";
  let allowed: boolean;
  let reason: string;
  // An explicit Deny in any policy wins ("Policy evaluation logic", IAM User Guide); through a VPC endpoint its
  // policy must allow too ("Use VPC endpoint policies for private APIs in API Gateway").
  if (explicitDeny) {
    allowed = false;
    reason = `explicit Deny in the ${identity === "Deny" ? "identity" : resource === "Deny" ? "resource" : "VPC endpoint"} policy`;
  } else if (endpoint === "Neither") {
    allowed = false;
    reason = "the VPC endpoint policy does not allow the request";
  } else if (request.requester.kind === "service") {
    // A service principal has no identity policy: only the resource (trust) policy can allow it.
    allowed = resource === "Allow";
    reason = allowed ? "the resource policy allows the service principal" : "no statement allows the service principal";
  } else if (sameAccount) {
    // Same account: either policy allows; cross-account: both must ("Cross-account policy evaluation logic", IAM
    // User Guide). An account principal only delegates ("AWS JSON policy elements: Principal"): AllowViaAccount.
    allowed = identity === "Allow" || resource === "Allow";
    reason = allowed
      ? `same account: the ${identity === "Allow" ? "identity" : "resource"} policy allows`
      : resource === "AllowViaAccount"
        ? "same account: the resource policy only delegates to the account, and no identity policy allows"
        : "same account: neither policy allows";
  } else {
    allowed = identity === "Allow" && (resource === "Allow" || resource === "AllowViaAccount");
    reason = allowed
      ? "cross-account: both the identity and the resource policy allow"
      : identity !== "Allow"
        ? "cross-account: no identity policy allows"
        : "cross-account: the resource policy does not allow";
  }
  return { allowed, explicitDeny, identity, resource, sameAccount, reason, resourceStatements: verdict.sids, endpoint };
}

/** May `service` assume the role with this trust policy, given the request context the service presents? */
export function authorizeServiceAssumeRole(input: {
  trustPolicy: PolicyDocument;
  roleArn: string;
  service: string;
  context?: RequestContextKeys;
}): Decision {
  const roleAccount = accountOfPrincipal(input.roleArn);
  if (!roleAccount) throw new UnsupportedPolicyError(`${JSON.stringify(input.roleArn)} is not a role ARN`);
  return authorize({
    request: {
      requester: { kind: "service", service: input.service },
      action: "sts:AssumeRole",
      resource: input.roleArn,
      context: input.context,
    },
    identityPolicies: [],
    resourcePolicy: input.trustPolicy,
    resourceAccountId: roleAccount,
    trust: true,
  });
}

/** AWS's AccessDenied text for an execute-api call. */
export function accessDeniedMessage(caller: Caller, resource: string, explicitDeny: boolean): string {
  return `User: ${caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${resource}${explicitDeny ? " with an explicit deny" : ""}`;
}
