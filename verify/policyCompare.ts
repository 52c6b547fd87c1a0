/**
 * Compares the resource policy API Gateway holds with the one the program rendered, by meaning:
 * IAM treats a single string and a one-element list alike, and the order of list values and of keys
 * does not matter, so both documents are brought to one form (every list sorted, every single value a
 * list, canonical JSON) before comparing.
 */
import { canonicalJson } from "../lib/canonicalJson";

function normalize(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v));
    // Statement order is kept; any other list is a set of values.
    return key === "Statement"
      ? items
      : items
          .map((v) => canonicalJson(v))
          .sort()
          .map((t) => JSON.parse(t) as unknown);
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = normalize(v, k);
    return out;
  }
  // A lone value where IAM also accepts a list (Action, Resource, principals, condition values).
  if (
    typeof value === "string" &&
    key !== undefined &&
    !["Version", "Sid", "Effect"].includes(key) &&
    !(key === "Principal" && value === "*")
  )
    return [value];
  return value;
}

/**
 * The policy text as GetRestApi returns it. Whether it arrives as plain JSON or with its quotes
 * backslash-escaped is not documented, so both are accepted.
 */
export function parsePolicyText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(JSON.parse(`"${text}"`) as string);
  }
}

/** Canonical text of a policy document, for comparing and for showing differences. */
export function normalizedPolicy(doc: unknown): string {
  return canonicalJson(normalize(doc));
}

/** The statements (by Sid, or position) whose normalized text differs between the two documents; `where` names the live one. */
export function policyDifferences(live: unknown, rendered: unknown, where = "the live API"): string[] {
  const statements = (doc: unknown) => {
    const list = (doc as { Statement?: unknown[] } | null)?.Statement;
    return new Map((Array.isArray(list) ? list : []).map((s, i) => [String((s as { Sid?: unknown }).Sid ?? `#${i}`), normalizedPolicy(s)]));
  };
  const a = statements(live);
  const b = statements(rendered);
  const out: string[] = [];
  for (const [sid, text] of b) {
    if (!a.has(sid)) out.push(`statement ${sid} is missing on ${where}`);
    else if (a.get(sid) !== text) out.push(`statement ${sid} differs: ${where} has ${a.get(sid)} vs rendered ${text}`);
  }
  for (const sid of a.keys()) if (!b.has(sid)) out.push(`statement ${sid} is on ${where} but not in the program`);
  if (out.length === 0 && normalizedPolicy(live) !== normalizedPolicy(rendered)) out.push("the documents differ outside their statements");
  return out;
}
