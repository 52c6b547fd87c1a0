/**
 * Every key of a stack's config must be one this program reads: a typo, a wrong namespace or a literal
 * dotted key (`pulumi config set` without `--path`) would otherwise be ignored in silence.
 */
import { closest } from "./suggest";

/** One unknown key; `value` is never shown (it may be a decrypted secret). */
export interface UnknownKeyProblem {
  key: string;
  expected: string;
  fix: string;
}

/** The engine's own settings (`pulumi:disable-default-providers`, …) live in this namespace. */
const ENGINE_NAMESPACE = "pulumi";

/**
 * Problems for every key of `all` that is not in `known` (full keys such as `holidays-api:years`,
 * `aws:region`) and not an engine setting, each with the closest known key when there is one.
 */
export function unknownKeyProblems(all: Readonly<Record<string, string>>, known: readonly string[], project: string): UnknownKeyProblem[] {
  const problems: UnknownKeyProblem[] = [];
  const knownSet = new Set(known);
  const list = known.join(", ");
  for (const key of Object.keys(all).sort()) {
    if (knownSet.has(key)) continue;
    const colon = key.indexOf(":");
    const ns = colon < 0 ? "" : key.slice(0, colon);
    const name = key.slice(colon + 1);
    if (ns === ENGINE_NAMESPACE) continue;
    const root = /^[^.[]+/.exec(name)?.[0] ?? name;
    const rootKey = `${ns}:${root}`;
    if (root !== name && knownSet.has(rootKey)) {
      problems.push({
        key,
        expected: `no dotted key: ${rootKey} is one object (or list) holding its fields`,
        fix: `set the field inside it with \`pulumi config set --path '${key}' VALUE\` (or in Pulumi.<stack>.yaml under ${rootKey}:), then \`pulumi config rm '${key}'\``,
      });
      continue;
    }
    const suggestion = suggest(ns, name, known);
    if (ns === "aws") {
      problems.push({
        key,
        expected: "only aws:region in the aws namespace: default providers are disabled and each account has its own explicit provider",
        fix: suggestion
          ? `did you mean ${suggestion}? Rename it`
          : `put credentials under ${project}:accountA / ${project}:accountB (profile or accessKeyId/secretAccessKey/sessionToken, roleArn, externalId, sessionName), or remove ${key}`,
      });
    } else if (ns === project) {
      problems.push({
        key,
        expected: `one of the keys ${list}`,
        fix: suggestion ? `did you mean ${suggestion}? Rename it` : `remove it (\`pulumi config rm '${key}'\`)`,
      });
    } else {
      problems.push({
        key,
        expected: `a key of this project (${list}); nothing here reads the ${ns ? `${ns}:` : "un-namespaced "} keys`,
        fix: suggestion ? `did you mean ${suggestion}? Rename it` : `remove it (\`pulumi config rm '${key}'\`)`,
      });
    }
  }
  return problems;
}

/**
 * The known key the user most likely meant: a near name in the same (or a near) namespace
 * (`holidays-api:exclusve`, `holidaysapi:years`), else the same name in another namespace (`aws:years`).
 */
function suggest(ns: string, name: string, known: readonly string[]): string | undefined {
  const byNs = new Map<string, string[]>();
  for (const k of known) {
    const i = k.indexOf(":");
    byNs.set(k.slice(0, i), [...(byNs.get(k.slice(0, i)) ?? []), k.slice(i + 1)]);
  }
  const nearNs = byNs.has(ns) ? ns : closest(ns, [...byNs.keys()]);
  const near = nearNs === undefined ? undefined : closest(name, byNs.get(nearNs) ?? []);
  if (nearNs !== undefined && near !== undefined) return `${nearNs}:${near}`;
  const same = known.find((k) => k.slice(k.indexOf(":") + 1) === name);
  return same;
}
