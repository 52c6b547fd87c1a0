/**
 * Whether an AWS service principal may assume a role, by the role's trust policy: an Allow statement
 * naming the service in `Principal.Service` for `sts:AssumeRole` (conditions must hold on the keys the
 * service presents), and no Deny that applies ("Policy evaluation logic", IAM User Guide: an explicit
 * deny wins; without an allow the request is implicitly denied).
 */
import { conditionsHold } from "../../lib/iam/conditions";
import { wildcardMatch } from "../../lib/iam/match";
import type { PolicyDocument, PolicyStatement } from "../../lib/policy";

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function applies(s: PolicyStatement, service: string, context: Record<string, string>): boolean {
  const p = s.Principal;
  const principalOk = p === "*" || (p !== undefined && list(p.Service).includes(service));
  const actionOk = list(s.Action).some((a) => wildcardMatch(a, "sts:AssumeRole", true));
  return principalOk && actionOk && conditionsHold(s.Condition, context);
}

export function serviceMayAssume(trust: PolicyDocument, service: string, context: Record<string, string> = {}): boolean {
  const matching = trust.Statement.filter((s) => applies(s, service, context));
  return matching.some((s) => s.Effect === "Allow") && !matching.some((s) => s.Effect === "Deny");
}
