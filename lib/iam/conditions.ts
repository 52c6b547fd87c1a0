/**
 * Condition operators as IAM evaluates them ("IAM JSON policy elements: Condition"): operators and keys
 * ANDed, values ORed, keys case-insensitive; `...IfExists` and negated operators pass on an absent key.
 */
import { cidrContains, parseStandardCidr } from "./cidr";
import { arnLike, wildcardMatch } from "./match";

export type ContextValue = string | string[] | boolean | undefined;
export type RequestContextKeys = Record<string, ContextValue>;

type Matcher = (pattern: string, value: string) => boolean;

const MATCHERS: Record<string, { match: Matcher; negated: boolean }> = {
  StringEquals: { match: (p, v) => p === v, negated: false },
  StringNotEquals: { match: (p, v) => p === v, negated: true },
  StringEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { match: (p, v) => wildcardMatch(p, v), negated: false },
  StringNotLike: { match: (p, v) => wildcardMatch(p, v), negated: true },
  ArnEquals: { match: (p, v) => p === v, negated: false },
  ArnNotEquals: { match: (p, v) => p === v, negated: true },
  ArnLike: { match: arnLike, negated: false },
  ArnNotLike: { match: arnLike, negated: true },
  IpAddress: { match: ipInCidr, negated: false },
  NotIpAddress: { match: ipInCidr, negated: true },
  Bool: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

export class UnsupportedPolicyError extends Error {
  override readonly name = "UnsupportedPolicyError";
}

/** A policy value that is not standard CIDR text is refused, never read the octal/short way (see cidr.ts). */
function ipInCidr(cidr: string, ip: string): boolean {
  const range = parseStandardCidr(cidr, { prefixOptional: true });
  if (!range)
    throw new UnsupportedPolicyError(
      `IP condition value ${JSON.stringify(cidr)} is not standard CIDR text (e.g. 203.0.113.0/24, 2001:db8::/32)`,
    );
  return cidrContains(range, ip);
}

/**
 * The context by lower-case key (keys are case-insensitive; the first defined value of a key wins),
 * built once per context object: one request's context is looked up by every statement's conditions.
 */
const indexes = new WeakMap<RequestContextKeys, Map<string, string[]>>();

function indexOf(context: RequestContextKeys): Map<string, string[]> {
  let index = indexes.get(context);
  if (index === undefined) {
    index = new Map();
    for (const [k, v] of Object.entries(context)) {
      const key = k.toLowerCase();
      if (v === undefined || index.has(key)) continue;
      index.set(key, Array.isArray(v) ? v : [String(v)]);
    }
    indexes.set(context, index);
  }
  return index;
}

function lookup(context: RequestContextKeys, key: string): string[] | undefined {
  return indexOf(context).get(key.toLowerCase());
}

/** True when every operator/key in the block holds for the request context. */
export function conditionsHold(
  block: Record<string, Record<string, string | string[] | boolean>> | undefined,
  context: RequestContextKeys,
): boolean {
  if (!block) return true;
  for (const [rawOperator, keys] of Object.entries(block)) {
    if (rawOperator.startsWith("ForAnyValue:") || rawOperator.startsWith("ForAllValues:")) {
      throw new UnsupportedPolicyError(`Condition operator ${rawOperator} is not supported by the local evaluator`);
    }
    const ifExists = rawOperator.endsWith("IfExists");
    const operator = ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator;
    const m = MATCHERS[operator];
    if (!m) throw new UnsupportedPolicyError(`Condition operator ${rawOperator} is not supported by the local evaluator`);
    for (const [key, expected] of Object.entries(keys)) {
      const patterns = (Array.isArray(expected) ? expected : [expected]).map(String);
      const actual = lookup(context, key);
      if (actual === undefined) {
        if (ifExists || m.negated) continue;
        return false;
      }
      const anyMatch = actual.some((v) => patterns.some((p) => m.match(p, v)));
      if (m.negated ? anyMatch : !anyMatch) return false;
    }
  }
  return true;
}
