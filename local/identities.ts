/**
 * Local identities the gateway recognizes: throwaway credentials minted per run, each bound to a
 * principal and the identity policies it would have in AWS (built by the same code the program uses).
 */
import { randomBytes } from "node:crypto";
import { invokeMethodPolicy, type PolicyDocument } from "../lib/policy";
import type { Caller } from "../lib/iam/evaluate";
import type { Plan } from "./plan";

export interface LocalIdentity {
  /** What this identity stands for in the story. */
  label: string;
  caller: Caller;
  identityPolicies: PolicyDocument[];
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Whether the deployed policies should let it invoke the method (from the program's settings, not from the evaluator). */
  expectAllowed: boolean;
}

export function mint(label: string, principalArn: string, accountId: string, identityPolicies: PolicyDocument[], expectAllowed: boolean): LocalIdentity {
  const roleName = principalArn.split("/").pop() ?? "role";
  return {
    label,
    caller: { principalArn, userArn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/local-session`, accountId },
    identityPolicies,
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(48).toString("base64"),
    expectAllowed,
  };
}

/** Options of the plan that decide who may call: read back from the rendered policy's statements. */
function exclusiveIn(plan: Plan): boolean {
  return plan.resourcePolicy.Statement.some((s) => s.Sid === "DenyUnlistedPrincipals");
}

/**
 * - `caller`: the caller role, named by the resource policy, with the identity policy the program deploys.
 * - `intruder`: another role in account B, not named by the policy, holding the same invoke permission.
 *   Denied cross-account (the resource policy does not allow it) and under `exclusive`.
 * - `admin`: an account-A administrator (`Action: *`) — denied only under `exclusive`.
 */
export function localIdentities(plan: Plan): LocalIdentity[] {
  const exclusive = exclusiveIn(plan);
  const crossAccount = plan.accountA !== plan.accountB;
  return [
    mint("caller role (named by the resource policy)", plan.callerRoleArn, plan.accountB, [plan.callerIdentityPolicy], true),
    mint("intruder role in the caller's account (not named)", `arn:aws:iam::${plan.accountB}:role/holidays-local-intruder`, plan.accountB, [invokeMethodPolicy(plan.methodArn)], !(crossAccount || exclusive)),
    mint("administrator of account A", `arn:aws:iam::${plan.accountA}:role/holidays-local-admin`, plan.accountA,
      [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] }], !exclusive),
  ];
}
