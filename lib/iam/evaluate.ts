/**
 * Decides allow or deny for an `AWS_IAM` API Gateway method as AWS documents it ("How API Gateway
 * resource policies affect authorization workflow", IAM authentication and resource policy):
 * - an explicit Deny in either the identity or the resource policy always wins;
 * - same account: allowed if either policy allows;
 * - cross-account: allowed only if both allow.
 * Every element the program can produce is supported; anything else throws rather than guessing.
 */
import { accountOfPrincipal, parseArn } from "../arn";
import type { PolicyDocument, PolicyStatement } from "../policy";
import { RequestContextKeys, UnsupportedPolicyError, conditionsHold } from "./conditions";
import { wildcardMatch } from "./match";

export { UnsupportedPolicyError } from "./conditions";

export type PolicyResult = "Allow" | "Deny" | "Neither";

/** The caller as IAM sees it after authentication. */
export interface Caller {
  /** aws:PrincipalArn: the role (or user, or account root) ARN. */
  principalArn: string;
  /** The ARN AWS prints in "User: … is not authorized": for a role, its assumed-role session ARN. */
  userArn: string;
  accountId: string;
  orgId?: string;
}

export interface InvokeRequest {
  caller: Caller;
  action: string;
  /** The method ARN being invoked. */
  resource: string;
  sourceIp: string;
  secureTransport?: boolean;
}

const KNOWN_KEYS = new Set(["Sid", "Effect", "Principal", "Action", "NotAction", "Resource", "Condition"]);

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function contextKeys(req: InvokeRequest): RequestContextKeys {
  return {
    "aws:PrincipalArn": req.caller.principalArn,
    "aws:PrincipalAccount": req.caller.accountId,
    "aws:PrincipalOrgID": req.caller.orgId,
    "aws:SourceIp": req.sourceIp,
    "aws:SecureTransport": String(req.secureTransport ?? true),
  };
}

function principalMatches(statement: PolicyStatement, caller: Caller): boolean {
  const p = statement.Principal;
  if (p === undefined) throw new UnsupportedPolicyError(`Statement ${statement.Sid ?? ""} of a resource policy has no Principal`);
  if (p === "*") return true;
  for (const value of list(p.AWS)) {
    if (value === "*") return true;
    if (/^\d{12}$/.test(value) || value.endsWith(":root")) {
      const acct = /^\d{12}$/.test(value) ? value : accountOfPrincipal(value);
      if (acct === caller.accountId) return true;
    } else if (value === caller.principalArn || value === caller.userArn) return true;
  }
  return false;
}

function expandResource(pattern: string, resource: string): string {
  // `execute-api:/stage/METHOD/path` is short for this API's own ARN prefix.
  if (!pattern.startsWith("execute-api:/")) return pattern;
  const arn = parseArn(resource);
  if (!arn) return pattern;
  const apiId = arn.resource.split("/")[0];
  return `arn:${arn.partition}:execute-api:${arn.region}:${arn.accountId}:${apiId}${pattern.slice("execute-api:".length)}`;
}

function statementApplies(s: PolicyStatement, req: InvokeRequest, kind: "identity" | "resource"): boolean {
  for (const key of Object.keys(s)) {
    if (!KNOWN_KEYS.has(key)) throw new UnsupportedPolicyError(`Policy element ${key} is not supported by the local evaluator`);
  }
  if (kind === "resource" && !principalMatches(s, req.caller)) return false;
  if (kind === "identity" && s.Principal !== undefined) throw new UnsupportedPolicyError("An identity policy must not have a Principal");
  if (s.Action !== undefined && s.NotAction !== undefined) throw new UnsupportedPolicyError("A statement cannot have both Action and NotAction");
  const actionOk = s.Action !== undefined
    ? list(s.Action).some((a) => wildcardMatch(a, req.action, true))
    : s.NotAction !== undefined && !list(s.NotAction).some((a) => wildcardMatch(a, req.action, true));
  if (!actionOk) return false;
  if (!list(s.Resource).some((r) => wildcardMatch(expandResource(r, req.resource), req.resource))) return false;
  return conditionsHold(s.Condition, contextKeys(req));
}

/** One policy's verdict for the request: Deny beats Allow beats Neither. */
export function evaluatePolicy(doc: PolicyDocument, req: InvokeRequest, kind: "identity" | "resource"): PolicyResult {
  let result: PolicyResult = "Neither";
  for (const s of doc.Statement) {
    if (!statementApplies(s, req, kind)) continue;
    if (s.Effect === "Deny") return "Deny";
    if (s.Effect === "Allow") result = "Allow";
    else throw new UnsupportedPolicyError(`Effect ${String(s.Effect)} is not Allow or Deny`);
  }
  return result;
}

export interface Decision {
  allowed: boolean;
  explicitDeny: boolean;
  identity: PolicyResult;
  resource: PolicyResult;
  sameAccount: boolean;
}

/** Combines identity and resource policies by the documented rules for `AWS_IAM` methods. */
export function authorizeInvoke(input: {
  request: InvokeRequest;
  identityPolicies: readonly PolicyDocument[];
  resourcePolicy: PolicyDocument | undefined;
  /** The API owner's account. */
  resourceAccountId: string;
}): Decision {
  const identityResults = input.identityPolicies.map((d) => evaluatePolicy(d, input.request, "identity"));
  const identity: PolicyResult = identityResults.includes("Deny") ? "Deny" : identityResults.includes("Allow") ? "Allow" : "Neither";
  const resource: PolicyResult = input.resourcePolicy ? evaluatePolicy(input.resourcePolicy, input.request, "resource") : "Neither";
  const sameAccount = input.request.caller.accountId === input.resourceAccountId;
  const explicitDeny = identity === "Deny" || resource === "Deny";
  const allowed = !explicitDeny && (sameAccount ? identity === "Allow" || resource === "Allow" : identity === "Allow" && resource === "Allow");
  return { allowed, explicitDeny, identity, resource, sameAccount };
}

/** AWS's AccessDenied text for an execute-api call. */
export function accessDeniedMessage(caller: Caller, resource: string, explicitDeny: boolean): string {
  return `User: ${caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${resource}${explicitDeny ? " with an explicit deny" : ""}`;
}
