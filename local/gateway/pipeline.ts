/**
 * What the deployed API Gateway decides for one request, walked over what the program declares:
 * the method, SigV4 authentication (sigv4Verifier), then authorization by the resource policy and the
 * caller's identity policy (lib/iam/evaluate). Transport concerns (sockets, body limits, timeouts)
 * live in server.ts; this module sees one fully-read request and returns one answer.
 */
import { HOLIDAYS_CONTENT_TYPE, HOLIDAYS_PATH } from "../../lib/holidays";
import { accessDeniedMessage, authorizeInvoke } from "../../lib/iam/evaluate";
import { INVOKE_ACTION } from "../../lib/policy";
import type { LocalIdentity } from "../identities";
import type { Plan } from "../plan";
import { IncomingSignedRequest, MESSAGES, verifySigV4 } from "./sigv4Verifier";

/** One request as the gateway received it. */
export interface GatewayRequest extends IncomingSignedRequest {
  /** The TCP peer address (IPv4-mapped IPv6 already unwrapped): `aws:SourceIp`. */
  sourceIp: string;
}

/** One answer: status, API Gateway's `x-amzn-errortype` when it is an error, body and content type. */
export interface Answer {
  status: number;
  errorType?: string;
  body: string;
  contentType?: string;
}

export const errorAnswer = (status: number, errorType: string, message: string, key: "message" | "Message" = "message"): Answer => ({
  status,
  errorType,
  body: JSON.stringify({ [key]: message }),
});

export type Pipeline = (req: GatewayRequest) => Promise<Answer>;

export function createPipeline(plan: Plan, identities: readonly LocalIdentity[], now?: () => Date): Pipeline {
  const byKey = new Map(identities.map((i) => [i.accessKeyId, i]));
  const dataPath = `/${plan.stageName}/${HOLIDAYS_PATH}`;

  return async function answer(req) {
    const path = req.rawUrl.split("?")[0];
    const firstSegment = path.split("/")[1] ?? "";
    if (firstSegment !== plan.stageName) return errorAnswer(403, "ForbiddenException", "Forbidden");
    if (path !== dataPath || req.method !== "GET") return errorAnswer(403, "MissingAuthenticationTokenException", MESSAGES.missingToken);

    const auth = await verifySigV4(req, {
      region: plan.region,
      service: "execute-api",
      now: now?.(),
      lookup: (accessKeyId) => {
        const identity = byKey.get(accessKeyId);
        return identity && { identity, credentials: identity };
      },
    });
    if (!auth.ok) return errorAnswer(auth.status, auth.errorType, auth.message);

    const identity = auth.identity;
    const decision = authorizeInvoke({
      request: { caller: identity.caller, action: INVOKE_ACTION, resource: plan.methodArn, sourceIp: req.sourceIp, secureTransport: true },
      identityPolicies: identity.identityPolicies,
      resourcePolicy: plan.resourcePolicy,
      resourceAccountId: plan.accountA,
    });
    if (!decision.allowed) {
      return errorAnswer(403, "AccessDeniedException", accessDeniedMessage(identity.caller, plan.methodArn, decision.explicitDeny), "Message");
    }
    return { status: 200, body: plan.dataDocument, contentType: HOLIDAYS_CONTENT_TYPE };
  };
}
