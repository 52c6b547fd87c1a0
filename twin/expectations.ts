/**
 * What AWS should answer a signed `execute-api:Invoke`, stated from the stack's settings and AWS's documented
 * rules, never from the rendered policy or the gateway's evaluator: the same code on both sides would prove nothing.
 */
import { accountOfPrincipal } from "../lib/arn";
import type { Settings } from "../lib/config";
import { cidrContains, parseStandardCidr } from "../lib/iam/cidr";

export interface Expectation {
  allowed: boolean;
  explicitDeny: boolean;
  reason: string;
}

/** The facts about one caller that the rules need, as the story set it up. */
export interface CallerFacts {
  principalArn: string;
  accountId: string;
  orgId?: string;
  /** Whether the caller's identity policy allows execute-api:Invoke on the method. */
  holdsInvokeGrant: boolean;
  sourceIp: string;
}

export interface ApiFacts {
  /** The account that owns the API. */
  apiAccountId: string;
  /** The caller role, always an invoker. */
  callerRoleArn: string;
}

const accountOf = accountOfPrincipal;

export function expectInvoke(settings: Settings, api: ApiFacts, who: CallerFacts): Expectation {
  const deny = (explicitDeny: boolean, reason: string): Expectation => ({ allowed: false, explicitDeny, reason });
  // The rules in the order they decide: the IP Deny, the exclusive Deny, then the Allows.
  const list = settings.sourceIpAllowList;
  if (
    list.length > 0 &&
    !list.some((c) => {
      const cidr = parseStandardCidr(c);
      return cidr !== undefined && cidrContains(cidr, who.sourceIp);
    })
  ) {
    return deny(true, `source ${who.sourceIp} is outside sourceIpAllowList ${JSON.stringify(list)}`);
  }
  const listedIdentities = [api.callerRoleArn, ...settings.invokers.filter((a) => !a.endsWith(":root"))];
  const listedAccounts = settings.invokers.filter((a) => a.endsWith(":root")).map(accountOf);
  const named = listedIdentities.includes(who.principalArn);
  const accountListed = listedAccounts.includes(who.accountId);
  const listedAs = named ? "a listed invoker" : accountListed ? `in listed invoker account ${who.accountId}` : "not an invoker";
  if (settings.exclusive && !named && !accountListed) return deny(true, "exclusive: it is not an invoker and not in an invoker account");
  // An account principal only delegates to the account's IAM ("AWS JSON policy elements: Principal").
  if (!who.holdsInvokeGrant)
    return deny(false, `${listedAs}, but its identity policy does not allow execute-api:Invoke (an account principal only delegates)`);
  // Same account: the identity policy suffices; cross-account: the resource policy must allow too.
  if (who.accountId === api.apiAccountId)
    return { allowed: true, explicitDeny: false, reason: `same account as the API (${listedAs}): its identity policy suffices` };
  if (!named && !accountListed) return deny(false, "cross-account and not an invoker: the resource policy does not allow it");
  if (settings.principalOrgId && who.orgId !== settings.principalOrgId) {
    return deny(
      false,
      `cross-account and its account is ${who.orgId ? `in ${who.orgId}` : "in no organization"}, not ${settings.principalOrgId}`,
    );
  }
  return {
    allowed: true,
    explicitDeny: false,
    reason: `cross-account, ${listedAs}${settings.principalOrgId ? ` in ${settings.principalOrgId}` : ""}, with an identity grant`,
  };
}

/** The settings the network rules read (holidays-api:endpointType, allowedVpcEndpoints). */
export interface NetworkSettings {
  endpointType: "regional" | "private";
  allowedVpcEndpoints: readonly string[];
}

/** Where a request to the API comes from, as the story set it up. */
export interface NetworkFacts {
  /** The VPC endpoint it came through; undefined: the public path (outside any endpoint). */
  viaEndpoint?: string;
  /** The endpoint the program declared for the caller (stack output vpcEndpointId). */
  ownEndpoint?: string;
  /** False when the request names another API (x-apigw-api-id) than the program's. */
  forThisApi: boolean;
}

/** The network's refusal: API Gateway's 403 for a name it serves no API under, or an AccessDenied. */
export type NetworkExpectation =
  (Expectation & { forbidden?: false }) | { allowed: false; forbidden: true; explicitDeny: false; reason: string };

/** What the network decides from the settings alone, before the API's policies (undefined: on to expectInvoke). */
export function expectNetwork(
  settings: NetworkSettings,
  api: ApiFacts,
  who: Pick<CallerFacts, "principalArn">,
  net: NetworkFacts,
): NetworkExpectation | undefined {
  const isPrivate = settings.endpointType === "private";
  // "VPC endpoints can route traffic only to private APIs" (repost.aws knowledge center "api-gateway-vpc-connections").
  if (!isPrivate)
    return net.viaEndpoint
      ? {
          allowed: false,
          forbidden: true,
          explicitDeny: false,
          reason: `the API is regional and ${net.viaEndpoint} carries traffic only to private APIs`,
        }
      : undefined;
  // A private API is reachable only through an interface VPC endpoint ("How to invoke a private API").
  if (!net.viaEndpoint)
    return {
      allowed: false,
      forbidden: true,
      explicitDeny: false,
      reason: "the API is private: reachable only through an interface VPC endpoint, and this request came from outside",
    };
  // The endpoint policy is evaluated first ("Use VPC endpoint policies for private APIs in API Gateway"); the
  // program's lets only the caller role invoke only this API. Another endpoint meets the aws:SourceVpce Deny.
  const own = net.viaEndpoint === net.ownEndpoint;
  if (own && !net.forThisApi)
    return {
      allowed: false,
      explicitDeny: false,
      reason: `the policy of ${net.viaEndpoint} allows only this API's methods: another API is refused`,
    };
  if (own && who.principalArn !== api.callerRoleArn)
    return { allowed: false, explicitDeny: false, reason: `the policy of ${net.viaEndpoint} lets only the caller role through` };
  if (!own && !settings.allowedVpcEndpoints.includes(net.viaEndpoint))
    return {
      allowed: false,
      explicitDeny: true,
      reason: `${net.viaEndpoint} is neither the program's endpoint (${net.ownEndpoint ?? "none"}) nor in allowedVpcEndpoints: the resource policy denies it`,
    };
  return undefined;
}
