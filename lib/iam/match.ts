/** Most compiled patterns kept per case mode; policies hold a handful, so this only bounds memory. */
export const MAX_COMPILED_PATTERNS = 1024;
const compiled = { sensitive: new Map<string, RegExp>(), insensitive: new Map<string, RegExp>() };

/**
 * The pattern as an anchored RegExp, compiled once: the gateway matches the same few policy patterns
 * on every request, and building a RegExp per call dominated its CPU under load.
 * Kept in a Map per case mode; the oldest entry goes when the bound is reached.
 */
function compile(pattern: string, ignoreCase: boolean): RegExp {
  const cache = ignoreCase ? compiled.insensitive : compiled.sensitive;
  let re = cache.get(pattern);
  if (re === undefined) {
    let source = "^";
    for (const ch of pattern) source += ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
    re = new RegExp(`${source}$`, ignoreCase ? "is" : "s"); // no g/y flag: test() keeps no state between calls
    if (cache.size >= MAX_COMPILED_PATTERNS) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, re);
  }
  return re;
}

/** IAM string matching: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  // Most parts of a policy's ARNs hold no wildcard: compared as strings, no RegExp.
  if (!ignoreCase && !pattern.includes("*") && !pattern.includes("?")) return pattern === value;
  return compile(pattern, ignoreCase).test(value);
}

/**
 * ArnLike: each of the six colon-delimited parts is matched separately (the last part may hold
 * colons), with `*` and `?` wildcards.
 */
export function arnLike(pattern: string, value: string): boolean {
  const p = splitArn(pattern);
  const v = splitArn(value);
  if (!p || !v) return false;
  return p.every((part, i) => wildcardMatch(part, v[i]));
}

function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(":", from);
    if (colon < 0) return undefined;
    parts.push(arn.slice(from, colon));
    from = colon + 1;
  }
  parts.push(arn.slice(from));
  return parts;
}
