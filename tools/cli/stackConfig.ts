/** Reads `Pulumi.<stack>.yaml` into the flat `{ "project:key": "string" }` map Pulumi hands a program. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CommandError, UsageError } from "./args";

export const PROJECT_ROOT = path.join(__dirname, "..", "..");

/** Parses a YAML file; a syntax error is one line naming the file, the line and column, and the problem. */
function readYaml(file: string): unknown {
  const text = fs.readFileSync(file, "utf8");
  try {
    return parse(text);
  } catch (err) {
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : "";
    const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new CommandError(`${file}${where}: not valid YAML: ${what}. Fix the YAML there (compare with Pulumi.dev.yaml).`);
  }
}

export function readProjectName(root = PROJECT_ROOT): string {
  const file = path.join(root, "Pulumi.yaml");
  const doc = readYaml(file) as { name?: unknown } | null;
  if (typeof doc?.name !== "string")
    throw new CommandError(`${file}: no \`name:\`; the project file must name the project (name: holidays-api)`);
  return doc.name;
}

/** The stacks that have a `Pulumi.<stack>.yaml` in `root`. */
export function listStacks(root = PROJECT_ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function readStackConfig(stack: string, root = PROJECT_ROOT): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(file)) {
    const known = listStacks(root);
    throw new UsageError(
      `--stack ${JSON.stringify(stack)}: there is no ${file}. Stacks here: ${known.join(", ") || "none"}; pass one of them, or copy Pulumi.dev.yaml to Pulumi.${stack}.yaml and edit it.`,
    );
  }
  const doc = readYaml(file) as { config?: unknown } | null;
  const config = doc?.config ?? {};
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new CommandError(`${file}: \`config:\` must be a mapping of keys such as holidays-api:accountA to values (see Pulumi.dev.yaml)`);
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      throw new CommandError(
        `${file}: ${key} is a secret; the offline mode cannot decrypt secrets. Fix: run offline with a copy of the stack file that has a plain value there`,
      );
    }
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
