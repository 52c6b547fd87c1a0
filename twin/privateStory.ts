/**
 * The private chapter of `npm start`: where the caller Lambda's network takes its call, and one request per
 * network scenario, each expected outcome from the settings (twin/expectations.ts expectNetwork), not the gateway.
 */
import { accessDeniedMessage } from "../lib/iam/evaluate";
import { methodArn as methodArnOf } from "../lib/arn";
import { HOLIDAYS_PATH } from "../lib/holidays";
import { type Expectation, type NetworkExpectation, type NetworkFacts, expectNetwork } from "./expectations";
import type { RunningGateway } from "./gateway/server";
import { type LocalIdentity, expectationFor, LOOPBACK_SOURCE } from "./identities";
import { type DeclaredEndpoint, type DeclaredFunction, endpointReachedBy, whyNoEndpoint } from "./network";
import type { Plan } from "./plan";

/** An endpoint the program did not declare, for the "unlisted endpoint" scenario: clearly the story's own. */
export const UNDECLARED_ENDPOINT: DeclaredEndpoint = {
  id: "vpce-0ffffffffffffffff",
  vpcId: "vpc-0ffffffffffffffff",
  serviceName: "",
  type: "Interface",
  privateDnsEnabled: true,
  subnetIds: [],
  securityGroupIds: [],
  accountId: "",
  policy: undefined,
  undeclared: "an endpoint the program did NOT declare (added by the story), in another VPC, with the default endpoint policy",
};

/** An API id the program did not declare (the "another API" scenario asks for it with x-apigw-api-id). */
export const OTHER_API_ID = "b0therap1d";

/** The caller function: the declared function whose role is the caller role. */
export function callerFunction(plan: Plan): DeclaredFunction | undefined {
  return plan.declared.network.functions.find((f) => f.roleArn === plan.callerRoleArn);
}

export interface Reach {
  /** Where the function's call to the API's name lands: an endpoint listener, or the main listener. */
  dataUrl: string;
  via?: string;
  /** One line: vpcConfig → VPC → endpoint, or why there is none. */
  description: string;
}

/** Where the caller Lambda's call goes, from its declared vpcConfig (private DNS inside the VPC, else the public path). */
export function callerReach(plan: Plan, gw: RunningGateway): Reach {
  const fn = callerFunction(plan);
  const network = plan.declared.network;
  const endpoint = fn && endpointReachedBy(network, fn, plan.region);
  const listener = endpoint && gw.endpoints.find((e) => e.id === endpoint.id);
  if (fn && endpoint && listener)
    return {
      dataUrl: listener.dataUrl,
      via: endpoint.id,
      description: `vpcConfig subnets ${fn.vpcConfig?.subnetIds.join(", ")} → VPC ${endpoint.vpcId} → endpoint ${endpoint.id} (private DNS: the API's name resolves to ${listener.url})`,
    };
  return {
    dataUrl: gw.dataUrl,
    description: fn ? `${whyNoEndpoint(network, fn, plan.region)} (${gw.url})` : "no declared function has the caller role",
  };
}

/** The expectation for `who` given where the request comes from: the network's rules first, then the API's. */
export function expectWithNetwork(
  plan: Plan,
  who: Pick<LocalIdentity, "caller" | "holdsInvokeGrant">,
  net: NetworkFacts,
): NetworkExpectation {
  const ownEndpoint = plan.run.outputs.vpcEndpointId as string | undefined;
  const network = expectNetwork(
    plan.settings,
    { apiAccountId: plan.accountA, callerRoleArn: plan.callerRoleArn },
    { principalArn: who.caller.principalArn },
    { ...net, ownEndpoint },
  );
  return network ?? (expectationFor(plan, who, LOOPBACK_SOURCE) as Expectation);
}

/** The reply AWS gives for that expectation (its wording is AWS's; the outcome is the expectation's). */
export function expectedReply(who: LocalIdentity, resource: string, e: NetworkExpectation, okReply: string): string {
  if (e.allowed) return okReply;
  if (e.forbidden) return "403 ForbiddenException: Forbidden";
  return `403 AccessDeniedException: ${accessDeniedMessage(who.caller, resource, e.explicitDeny)}`;
}

export interface PrivateScenario {
  what: string;
  who: LocalIdentity;
  url: string;
  net: NetworkFacts;
  /** The method ARN the request is for (another API's for the "another API" scenario). */
  resource: string;
  extraHeaders?: Record<string, string>;
}

/** The network scenarios, one request each. */
export function privateScenarios(plan: Plan, gw: RunningGateway): PrivateScenario[] {
  const ownId = plan.run.outputs.vpcEndpointId as string | undefined;
  const own = gw.endpoints.find((e) => e.id === ownId);
  const undeclared = gw.endpoints.find((e) => e.undeclared);
  const [caller, ...others] = gw.identities;
  const out: PrivateScenario[] = [];
  if (own) {
    out.push({
      what: `caller role through ${own.id}`,
      who: caller,
      url: own.dataUrl,
      net: { viaEndpoint: own.id, forThisApi: true },
      resource: plan.methodArn,
    });
  }
  out.push({
    what: "caller role from outside the VPC (no endpoint)",
    who: caller,
    url: gw.dataUrl,
    net: { forThisApi: true },
    resource: plan.methodArn,
  });
  if (undeclared) {
    out.push({
      what: `caller role through ${undeclared.id} — ${undeclared.undeclared}`,
      who: caller,
      url: undeclared.dataUrl,
      net: { viaEndpoint: undeclared.id, forThisApi: true },
      resource: plan.methodArn,
    });
  }
  if (own) {
    out.push({
      what: `caller role through ${own.id} for another API (x-apigw-api-id: ${OTHER_API_ID}, an API id the program did not declare)`,
      who: caller,
      url: own.dataUrl,
      net: { viaEndpoint: own.id, forThisApi: false },
      resource: methodArnOf(plan.executionArn.replace(/[^:]+$/, OTHER_API_ID), plan.stageName, "GET", `/${HOLIDAYS_PATH}`),
      extraHeaders: { "x-apigw-api-id": OTHER_API_ID },
    });
    for (const other of others)
      out.push({
        what: `signed GET as ${other.label}, through ${own.id}`,
        who: other,
        url: own.dataUrl,
        net: { viaEndpoint: own.id, forThisApi: true },
        resource: plan.methodArn,
      });
  }
  return out;
}
