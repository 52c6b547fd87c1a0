/** IAM string matching: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  let re = "^";
  for (const ch of pattern) re += ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  return new RegExp(`${re}$`, ignoreCase ? "is" : "s").test(value);
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
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}
