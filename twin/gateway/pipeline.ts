/**
 * What the deployed API Gateway decides for one fully-read request, link by link over what the program declares
 * (route → SigV4 → policies → integration.ts), with the path it took: a link the program breaks breaks the answer.
 */
import { type RouteMatch, routeMatcher } from "../../lib/api";
import { accessDeniedMessage, authorize, evaluatePolicy, identityRequest } from "../../lib/iam/evaluate";
import { INVOKE_ACTION } from "../../lib/policy";
import { methodArn as methodArnOf } from "../../lib/arn";
import type { DeclaredMethod } from "../declared";
import type { DeclaredEndpoint } from "../network";
import { networkVerdict } from "./endpoints";
import type { LocalIdentity } from "../identities";
import type { Plan } from "../plan";
import { type Answer, errorAnswer, type PathStep } from "./answer";
import { createIntegrationWalk } from "./integration";
import { IncomingSignedRequest, MESSAGES, authorizationSyntaxFailure, verifySigV4 } from "./sigv4Verifier";

export { type Answer, errorAnswer, type PathStep } from "./answer";

/** One request as the gateway received it. */
export interface GatewayRequest extends IncomingSignedRequest {
  /** The TCP peer address (IPv4-mapped IPv6 already unwrapped): `aws:SourceIp`, or through an endpoint `aws:VpcSourceIp`. */
  sourceIp: string;
  /** The VPC endpoint the request came through (the listener it arrived on); undefined: the public path. */
  via?: DeclaredEndpoint;
}

/** The anonymous user, as an endpoint policy sees an unsigned request: only a `*` principal matches it. */
const ANONYMOUS = { principalArn: "anonymous", userArn: "anonymous", accountId: "" };
/** A presigned request's query (SigV4 content outside the headers). */
const SIGNED_QUERY = /[?&]X-Amz-(Algorithm|Credential|Signature)=/i;

/** Synchronous: every link is decided in memory from what the program declares; no promise per request. */
export type Pipeline = (req: GatewayRequest) => Answer;

/** Called with every answer and the request it answers (the story prints the path). */
export type AnswerObserver = (req: GatewayRequest, answer: Answer) => void;

export function createPipeline(plan: Plan, identities: readonly LocalIdentity[], now?: () => Date, observe?: AnswerObserver): Pipeline {
  const byKey = new Map(identities.map((i) => [i.accessKeyId, i]));
  const { api } = plan.declared;
  // The objects were written when the gateway started: their Last-Modified (an HTTP-date).
  const integrate = createIntegrationWalk(plan.declared, (now?.() ?? new Date()).toUTCString());

  // The declared methods per HTTP method, listed and compiled for route selection once (only declared
  // methods are keys: bounded, and a client's method name is only looked up).
  const byHttpMethod = new Map<string, { resourcePath: string; method: DeclaredMethod }[]>();
  for (const m of api.methods.values()) {
    const list = byHttpMethod.get(m.httpMethod) ?? [];
    list.push({ resourcePath: m.path, method: m });
    byHttpMethod.set(m.httpMethod, list);
  }
  type Candidate = { resourcePath: string; method: DeclaredMethod };
  const matchers = new Map<string, (path: string) => RouteMatch<Candidate> | undefined>();
  for (const [httpMethod, list] of byHttpMethod) matchers.set(httpMethod, routeMatcher(list));
  const select = (httpMethod: string, resourcePath: string) => matchers.get(httpMethod)?.(resourcePath);
  const stagePrefix = `/${api.stageName}`;

  const authorized = (identity: LocalIdentity, resource: string, sourceIp: string, via: DeclaredEndpoint | undefined) => {
    const decision = authorize({
      request: identityRequest(identity.caller, INVOKE_ACTION, resource, {
        sourceIp,
        secureTransport: true,
        via: via && { sourceVpce: via.id, sourceVpc: via.vpcId },
      }),
      identityPolicies: identity.identityPolicies,
      resourcePolicy: api.resourcePolicy,
      resourceAccountId: api.accountId,
      endpointPolicy: via?.policy,
    });
    const sids = decision.resourceStatements.length ? ` (${decision.resourceStatements.join(", ")})` : "";
    return { decision, policyDetail: `resource policy ${decision.resource}${sids} + identity ${decision.identity}` };
  };

  return function answer(req) {
    const result = decide(req);
    observe?.(req, result);
    return result;
  };

  function authenticate(req: GatewayRequest) {
    return verifySigV4(req, {
      region: api.region,
      service: "execute-api",
      now: now?.(),
      lookup: (accessKeyId) => {
        const identity = byKey.get(accessKeyId);
        return identity && { identity, credentials: identity };
      },
    });
  }

  /** The endpoint-policy link of the path, for a request through an endpoint. */
  function endpointStep(via: DeclaredEndpoint, verdict: string | undefined): PathStep {
    return {
      link: `VPC endpoint policy ${via.id}`,
      ok: verdict === "Allow" || verdict === "AllowViaAccount",
      detail: via.policy ? String(verdict) : "default policy (full access)",
    };
  }

  /**
   * An endpoint policy sees a request without SigV4 content as the anonymous user ("Use VPC endpoint policies
   * for private APIs in API Gateway": "No content → The invoker is evaluated as an anonymous user"). Undefined: on.
   */
  function anonymousRefusal(req: GatewayRequest, via: DeclaredEndpoint, resource: string, path: PathStep[]): Answer | undefined {
    const authorization = req.headers.authorization;
    const sigv4Header = typeof authorization === "string" && authorization.startsWith("AWS4-");
    if (!via.policy || sigv4Header || SIGNED_QUERY.test(req.rawUrl)) return undefined;
    const request = identityRequest(ANONYMOUS, INVOKE_ACTION, resource, {
      sourceIp: req.sourceIp,
      via: { sourceVpce: via.id, sourceVpc: via.vpcId },
    });
    const verdict = evaluatePolicy(via.policy, request, "resource");
    const step = endpointStep(via, verdict);
    if (step.ok) return undefined;
    path.push({ ...step, detail: `${String(verdict)} for the anonymous user (no signature)` });
    return { ...errorAnswer(403, "AccessDeniedException", accessDeniedMessage(ANONYMOUS, resource, verdict === "Deny"), "Message"), path };
  }

  /** The request's identity, or the answer that refuses it: the endpoint policy for an unsigned request, then SigV4. */
  function signedIdentity(
    req: GatewayRequest,
    via: DeclaredEndpoint | undefined,
    resource: string,
    path: PathStep[],
  ): LocalIdentity | Answer {
    const anonymous = via && anonymousRefusal(req, via, resource, path);
    if (anonymous) return anonymous;
    const auth = authenticate(req);
    if (!auth.ok) {
      path.push({ link: "SigV4", ok: false, detail: auth.errorType });
      return { ...errorAnswer(auth.status, auth.errorType, auth.message), path };
    }
    path.push({ link: "SigV4", ok: true });
    return auth.identity;
  }

  /**
   * A request through an endpoint for an API the program did not declare: the endpoint policy is
   * evaluated first ("Use VPC endpoint policies for private APIs in API Gateway"); if it allows, that
   * API is not one the twin serves, so the answer is the one for a name that routes to no API.
   */
  function otherApi(req: GatewayRequest, via: DeclaredEndpoint, apiId: string, rawPath: string): Answer {
    const path: PathStep[] = [{ link: `network: through ${via.id} for API ${apiId}, which the program did not declare`, ok: true }];
    const [, stage = "", ...rest] = rawPath.split("/");
    const resource = methodArnOf(api.executionArn.replace(/[^:]+$/, apiId), stage, req.method, `/${rest.join("/")}`);
    const identity = signedIdentity(req, via, resource, path);
    if ("status" in identity) return identity;
    const request = identityRequest(identity.caller, INVOKE_ACTION, resource, {
      sourceIp: req.sourceIp,
      via: { sourceVpce: via.id, sourceVpc: via.vpcId },
    });
    const verdict = via.policy ? evaluatePolicy(via.policy, request, "resource") : "Allow";
    const step = endpointStep(via, verdict);
    path.push(step);
    if (!step.ok)
      return {
        ...errorAnswer(403, "AccessDeniedException", accessDeniedMessage(identity.caller, resource, verdict === "Deny"), "Message"),
        path,
      };
    path.push({ link: `API ${apiId}: not declared by the program (the twin serves one API)`, ok: false });
    return { ...errorAnswer(403, "ForbiddenException", "Forbidden"), path };
  }

  function decide(req: GatewayRequest): Answer {
    const network = networkVerdict(api, req.via, req.headers);
    if ("refuse" in network) {
      const detail = req.via
        ? `${req.via.id} carries traffic only to PRIVATE APIs; this API is ${api.endpointType}`
        : `the API is PRIVATE and the request did not come through a VPC endpoint`;
      return { ...network.refuse, path: [{ link: "network", ok: false, detail }] };
    }
    const q = req.rawUrl.indexOf("?");
    const rawPath = q === -1 ? req.rawUrl : req.rawUrl.slice(0, q);
    if (req.via && network.apiId !== api.restApiId) return otherApi(req, req.via, network.apiId, rawPath);
    // The first segment names the stage: `/dev` or `/dev/…`.
    const stageEnds = rawPath.startsWith(stagePrefix) ? stagePrefix.length : -1;
    if (stageEnds === -1 || (rawPath.length > stageEnds && rawPath[stageEnds] !== "/")) {
      return errorAnswer(403, "ForbiddenException", "Forbidden");
    }
    const resourcePath = rawPath.slice(stageEnds) || "/";
    // Route selection over the declared resources: a literal segment, or one whole non-empty segment
    // for a `{param}` (lib/api routeMatcher); no method there is Missing Authentication Token.
    const selected = select(req.method, resourcePath);
    if (!selected) {
      // API Gateway still parses an Authorization header on a route that does not exist: a malformed one
      // answers its syntax error, not Missing Authentication Token.
      const syntax = authorizationSyntaxFailure(req);
      return syntax
        ? errorAnswer(syntax.status, syntax.errorType, syntax.message)
        : errorAnswer(403, "MissingAuthenticationTokenException", MESSAGES.missingToken);
    }
    const method = selected.route.method;

    const path: PathStep[] = req.via ? [{ link: `network: through ${req.via.id} (${req.via.vpcId})`, ok: true }] : [];
    // API Gateway authorizes the path as called: `…/GET/api/v1/2026/data.json` for the {year} route.
    const resource = methodArnOf(api.executionArn, api.stageName, method.httpMethod, resourcePath);
    const identity = signedIdentity(req, req.via, resource, path);
    if ("status" in identity) return identity;
    const { decision, policyDetail } = authorized(identity, resource, req.sourceIp, req.via);
    if (req.via) {
      const step = endpointStep(req.via, decision.endpoint);
      path.push(step);
      if (!step.ok)
        return {
          ...errorAnswer(
            403,
            "AccessDeniedException",
            accessDeniedMessage(identity.caller, resource, decision.endpoint === "Deny"),
            "Message",
          ),
          path,
        };
    }
    if (!decision.allowed) {
      path.push({ link: "authorization", ok: false, detail: `${policyDetail}: ${decision.reason}` });
      return {
        ...errorAnswer(403, "AccessDeniedException", accessDeniedMessage(identity.caller, resource, decision.explicitDeny), "Message"),
        path,
      };
    }
    path.push({ link: "authorization", ok: true, detail: policyDetail });
    return integrate(method, selected.params, req.headers, path);
  }
}

/**
 * One line for a path: `SigV4 ✔ → resource policy Allow (AllowInvokers) + identity Allow → AssumeRole
 * <role> ✔ → s3:GetObject api/v1/data.json ✔ → 200 application/json; charset=utf-8`.
 */
export function renderPath(answer: Answer): string {
  const steps = (answer.path ?? [])
    .map((s) => {
      if (s.link === "authorization") return `${s.detail ?? "authorization"} ${s.ok ? "✔" : "✘"}`;
      if (s.link === "integration" && s.ok) return undefined;
      return `${s.link} ${s.ok ? "✔" : "✘"}${!s.ok && s.detail ? ` (${s.detail})` : ""}`;
    })
    .filter((s): s is string => s !== undefined);
  const outcome = answer.errorType ?? (answer.status >= 500 ? answer.body : (answer.contentType ?? ""));
  return [...steps, `${answer.status} ${outcome}`].join(" → ");
}

/** The first link that failed, if any. */
export function brokenLink(answer: Answer): PathStep | undefined {
  return answer.path?.find((s) => !s.ok);
}
