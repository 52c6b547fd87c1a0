/** Reads `Pulumi.<stack>.yaml` into the flat `{ "project:key": "string" }` map Pulumi hands a program. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const PROJECT_ROOT = path.join(__dirname, "..");

export function readProjectName(root = PROJECT_ROOT): string {
  const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof doc?.name !== "string") throw new Error("Pulumi.yaml has no `name`");
  return doc.name;
}

export function readStackConfig(stack: string, root = PROJECT_ROOT): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(`No config for stack ${JSON.stringify(stack)}: ${file} does not exist (create it, or pass --stack dev)`);
  }
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    if (value !== null && typeof value === "object" && "secure" in value) {
      throw new Error(`${file}: ${key} is a secret; the offline mode cannot decrypt secrets`);
    }
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
