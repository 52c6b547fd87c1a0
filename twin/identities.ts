/**
 * Local identities the gateway recognizes: throwaway credentials bound to a principal and the identity policies
 * it would have in AWS, each with what AWS should answer it (twin/expectations.ts, not the gateway's evaluator).
 */
import { randomBytes } from "node:crypto";
import { accountOfPrincipal, parseArn, partitionOf } from "../lib/arn";
import { invokeMethodPolicy, type PolicyDocument } from "../lib/policy";
import type { Caller } from "../lib/iam/evaluate";
import { Expectation, expectInvoke } from "./expectations";
import type { Plan } from "./plan";

/** The address the story's and the CLI's callers connect from. */
export const LOOPBACK_SOURCE = "127.0.0.1";

export interface LocalIdentity {
  /** What this identity stands for in the story. */
  label: string;
  caller: Caller;
  identityPolicies: PolicyDocument[];
  /** Whether its identity policy grants execute-api:Invoke on the method (a fact of the setup). */
  holdsInvokeGrant: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** What AWS should answer it from 127.0.0.1, and why (twin/expectations.ts, not the evaluator). */
  expectation: Expectation;
  /** `expectation.allowed` (the gateway CLI's contract lists allowed and denied identities). */
  expectAllowed: boolean;
}

const ADMIN_POLICY: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] };

/** The organization the local accounts belong to: the configured one, so that the caller is inside it. */
function orgOf(plan: Plan): string | undefined {
  return plan.settings.principalOrgId;
}

/** Re-states the expectation of an identity for a source address. */
export function expectationFor(plan: Plan, identity: Pick<LocalIdentity, "caller" | "holdsInvokeGrant">, sourceIp: string): Expectation {
  return expectInvoke(
    plan.settings,
    { apiAccountId: plan.accountA, callerRoleArn: plan.callerRoleArn },
    {
      principalArn: identity.caller.principalArn,
      accountId: identity.caller.accountId,
      orgId: identity.caller.orgId,
      holdsInvokeGrant: identity.holdsInvokeGrant,
      sourceIp,
    },
  );
}

/** The partition of an IAM ARN (`aws` when it cannot be read). */
const partitionOfArn = (arn: string): string => parseArn(arn)?.partition ?? "aws";

/** What a local identity stands for: a principal, its account and organization, its identity policies. */
export interface IdentitySpec {
  label: string;
  principalArn: string;
  accountId: string;
  orgId?: string;
  identityPolicies: PolicyDocument[];
  holdsInvokeGrant: boolean;
}

/** The principal as IAM sees it: a user as itself, a role as a session of it. */
function callerOf(spec: IdentitySpec): Caller {
  const name = spec.principalArn.split("/").pop() ?? "role";
  return {
    principalArn: spec.principalArn,
    userArn: spec.principalArn.includes(":user/")
      ? spec.principalArn
      : `arn:${partitionOfArn(spec.principalArn)}:sts::${spec.accountId}:assumed-role/${name}/local-session`,
    accountId: spec.accountId,
    orgId: spec.orgId,
  };
}

/** Throwaway credentials bound to `spec`; `expectation` is what AWS should answer it, stated by the caller. */
export function mint(spec: IdentitySpec, expectation: Expectation): LocalIdentity {
  return {
    label: spec.label,
    caller: callerOf(spec),
    identityPolicies: spec.identityPolicies,
    holdsInvokeGrant: spec.holdsInvokeGrant,
    accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(48).toString("base64"),
    expectation,
    expectAllowed: expectation.allowed,
  };
}

/** An identity whose expectation is stated from the plan's settings (twin/expectations.ts), from a loopback source. */
function mintExpected(plan: Plan, spec: IdentitySpec): LocalIdentity {
  return mint(spec, expectationFor(plan, { caller: callerOf(spec), holdsInvokeGrant: spec.holdsInvokeGrant }, LOOPBACK_SOURCE));
}

/**
 * The caller role; an unnamed intruder role beside it; an account-A admin; each extra invoker (for an account, a
 * role with and one without a grant); with principalOrgId, the caller as if outside it. All in the configured org.
 */
export function localIdentities(plan: Plan): LocalIdentity[] {
  const org = orgOf(plan);
  const partition = partitionOf(plan.region);
  const grant = invokeMethodPolicy(plan.methodArns);
  const out: LocalIdentity[] = [
    mintExpected(plan, {
      label: "caller role (named by the resource policy)",
      principalArn: plan.callerRoleArn,
      accountId: plan.accountB,
      orgId: org,
      identityPolicies: plan.callerIdentityPolicies,
      holdsInvokeGrant: true,
    }),
    mintExpected(plan, {
      label: "intruder role in the caller's account (not named)",
      principalArn: `arn:${partition}:iam::${plan.accountB}:role/holidays-local-intruder`,
      accountId: plan.accountB,
      orgId: org,
      identityPolicies: [grant],
      holdsInvokeGrant: true,
    }),
    mintExpected(plan, {
      label: "administrator of account A",
      principalArn: `arn:${partition}:iam::${plan.accountA}:role/holidays-local-admin`,
      accountId: plan.accountA,
      orgId: org,
      identityPolicies: [ADMIN_POLICY],
      holdsInvokeGrant: true,
    }),
  ];
  for (const invoker of plan.settings.invokers) {
    const accountId = accountOfPrincipal(invoker) ?? "";
    if (invoker.endsWith(":root")) {
      out.push(
        mintExpected(plan, {
          label: `role in invoker account ${accountId}, with an invoke grant`,
          principalArn: `arn:${partition}:iam::${accountId}:role/holidays-local-member`,
          accountId,
          orgId: org,
          identityPolicies: [grant],
          holdsInvokeGrant: true,
        }),
      );
      out.push(
        mintExpected(plan, {
          label: `role in invoker account ${accountId}, without an invoke grant`,
          principalArn: `arn:${partition}:iam::${accountId}:role/holidays-local-no-grant`,
          accountId,
          orgId: org,
          identityPolicies: [],
          holdsInvokeGrant: false,
        }),
      );
    } else {
      out.push(
        mintExpected(plan, {
          label: `extra invoker ${invoker}, with an invoke grant`,
          principalArn: invoker,
          accountId,
          orgId: org,
          identityPolicies: [grant],
          holdsInvokeGrant: true,
        }),
      );
    }
  }
  if (org) {
    out.push(
      mintExpected(plan, {
        label: `caller role, were its account outside ${org}`,
        principalArn: plan.callerRoleArn,
        accountId: plan.accountB,
        orgId: "o-outsider0000",
        identityPolicies: plan.callerIdentityPolicies,
        holdsInvokeGrant: true,
      }),
    );
  }
  return out;
}
