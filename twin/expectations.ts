/**
 * What AWS should answer a signed `execute-api:Invoke`, stated from the stack's *settings* (what the
 * operator configured) and AWS's documented rules, each with its reason — never from the rendered
 * policy document or the evaluator that the gateway uses. The story compares the gateway's answers
 * with these; if both came from the same code, the comparison would prove nothing.
 *
 * The rules, in the order they decide:
 * 1. `sourceIpAllowList` set and the source outside it → explicit deny (the IP deny statement).
 * 2. `exclusive` and the principal neither a listed role/user nor in a listed account → explicit deny.
 * 3. The resource policy names invokers through their *accounts*, which only delegates to that
 *    account's IAM ("AWS JSON policy elements: Principal"): without an identity policy that allows
 *    the method, nobody gets in → implicit deny.
 * 4. Same account as the API: the identity policy suffices → allowed.
 * 5. Cross-account: the resource policy must allow too: the principal must be a listed role/user or in
 *    a listed account, and, with `principalOrgId`, its account in that organization → else implicit deny.
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
  if (!who.holdsInvokeGrant)
    return deny(false, `${listedAs}, but its identity policy does not allow execute-api:Invoke (an account principal only delegates)`);
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

/**
 * What the network decides, from the settings alone, before the API's own policies (undefined: it lets
 * the request on to expectInvoke). The rules, in the order AWS applies them:
 * 1. PRIVATE and not through an endpoint → 403 ForbiddenException: a private API is reachable only
 *    through an interface VPC endpoint ("How to invoke a private API", API Gateway Developer Guide).
 *    REGIONAL through an endpoint → the same 403: "VPC endpoints can route traffic only to private APIs"
 *    (repost.aws knowledge center "api-gateway-vpc-connections").
 * 2. Through the program's endpoint, its policy is evaluated first ("Use VPC endpoint policies for private
 *    APIs in API Gateway"); the program writes it to let only the caller role invoke only this API's
 *    methods → another API, or another principal, is refused (implicit deny).
 * 3. Through an endpoint that is neither the program's nor in allowedVpcEndpoints → explicit deny (the
 *    resource policy's Deny on aws:SourceVpce).
 */
export function expectNetwork(
  settings: NetworkSettings,
  api: ApiFacts,
  who: Pick<CallerFacts, "principalArn">,
  net: NetworkFacts,
): NetworkExpectation | undefined {
  const isPrivate = settings.endpointType === "private";
  if (!isPrivate)
    return net.viaEndpoint
      ? {
          allowed: false,
          forbidden: true,
          explicitDeny: false,
          reason: `the API is regional and ${net.viaEndpoint} carries traffic only to private APIs`,
        }
      : undefined;
  if (!net.viaEndpoint)
    return {
      allowed: false,
      forbidden: true,
      explicitDeny: false,
      reason: "the API is private: reachable only through an interface VPC endpoint, and this request came from outside",
    };
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
