#!/usr/bin/env node
/**
 * Checks GitHub Actions workflow files with GitHub's own parser, @actions/workflow-parser (MIT; the
 * parser of the GitHub Actions language service): YAML, the workflow schema, expressions, then the
 * conversion to a workflow model (jobs, needs, permissions, ...). Usage: node tools/workflows.mjs [FILE...]
 * (default: every .github/workflows/*.yml). Prints each error as FILE:LINE:COL: message; exit 1 on any.
 */
import * as fs from "node:fs";
import { register } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

// The package imports its schema JSON without `with { type: "json" }` (it is built for bundlers), which
// Node refuses (ERR_IMPORT_ASSERTION_TYPE_MISSING): a load hook serves its .json files as modules.
const hook = `
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
export async function load(url, context, next) {
  if (url.startsWith("file:") && url.endsWith(".json") && url.includes("/@actions/workflow-parser/"))
    return { format: "module", source: "export default " + readFileSync(fileURLToPath(url), "utf8"), shortCircuit: true };
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Every error the parser reports for one workflow, as `name:line:col: message`. */
export async function workflowErrors(name, content) {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => {
    const where = e.range ? `:${e.range.start.line}:${e.range.start.column}` : "";
    // Messages already start with the file name when the parser knows the position.
    return e.message.startsWith(name) ? e.message : `${name}${where}: ${e.message}`;
  });
}

function defaultFiles() {
  const dir = path.join(ROOT, ".github", "workflows");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(".github", "workflows", f));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : defaultFiles();
  let failed = 0;
  for (const file of files) {
    const errors = await workflowErrors(file, fs.readFileSync(path.resolve(ROOT, file), "utf8"));
    for (const e of errors) console.error(e);
    if (errors.length > 0) failed++;
    else console.log(`${file}: valid (@actions/workflow-parser)`);
  }
  process.exit(failed > 0 ? 1 : 0);
}
