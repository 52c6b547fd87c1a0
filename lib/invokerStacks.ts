/**
 * `invokerStacks`: other Pulumi stacks whose exported role ARN joins the API's resource policy, read
 * through `StackReference` so that no ARN is ever typed by hand. Pure: the config entry is parsed
 * and a referenced stack's output value is classified here; index.ts does the reading.
 */
import { normalizePrincipal, parseArn } from "./arn";

/** One referenced stack and the output holding the principal ARN to allow. */
export interface InvokerStack {
  /** Fully qualified stack name, `<organization>/<project>/<stack>`. */
  stack: string;
  /** Name of the stack output to read. Default {@link DEFAULT_INVOKER_OUTPUT}. */
  output: string;
}

/** The output a consumer stack exports for its caller role (our own `callerRoleArn` has this name too). */
export const DEFAULT_INVOKER_OUTPUT = "callerRoleArn";

/**
 * One part of a stack name: "Stack names may only contain alphanumeric characters, hyphens,
 * underscores, or periods" (Pulumi docs, "Stacks": pulumi.com/docs/iac/concepts/stacks). The same
 * characters are applied to the organization and project parts.
 */
const NAME_PART = "[A-Za-z0-9._-]{1,100}";
/**
 * `<organization>/<project>/<stack>` only ("the names passed to StackReference must be … of the form
 * <organization>/<project>/<stack>", Pulumi CLI 0.16.12 changelog): a shorter name resolves silently elsewhere.
 */
export const QUALIFIED_STACK_NAME = new RegExp(`^${NAME_PART}/${NAME_PART}/${NAME_PART}$`);
/** An output name as a program exports it: letters, digits, `_`, `-`, `.`, starting with a letter or `_`. */
export const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

export type ReportProblem = (key: string, value: unknown, expected: string, fix: string) => undefined;

const ENTRY_EXPECTED =
  'a list whose items are "<organization>/<project>/<stack>" or {stack: "<organization>/<project>/<stack>", output: "<outputName>"}';

/**
 * Parses `invokerStacks` (JSON text as Pulumi hands it over, or undefined) into entries, reporting each
 * malformed item through `report` with its index. Duplicates (same stack and output) are dropped.
 */
export function parseInvokerStacks(value: unknown, report: ReportProblem): InvokerStack[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    report("invokerStacks", value, ENTRY_EXPECTED, "write invokerStacks as a YAML list, e.g. [my-org/holidays-consumer/dev]");
    return [];
  }
  const out = new Map<string, InvokerStack>();
  for (const [i, item] of value.entries()) {
    const entry = parseEntry(item, `invokerStacks[${i}]`, report);
    if (entry) out.set(`${entry.stack}\u0000${entry.output}`, entry);
  }
  return [...out.values()].sort((a, b) => a.stack.localeCompare(b.stack) || a.output.localeCompare(b.output));
}

function parseEntry(item: unknown, key: string, report: ReportProblem): InvokerStack | undefined {
  if (typeof item === "string") return checkStack(item, key, report) ? { stack: item, output: DEFAULT_INVOKER_OUTPUT } : undefined;
  if (item === null || typeof item !== "object" || Array.isArray(item)) {
    return report(key, item, ENTRY_EXPECTED, "give the stack's full name, or a mapping with stack (and optionally output)");
  }
  const obj = item as Record<string, unknown>;
  let ok = true;
  for (const field of Object.keys(obj)) {
    if (field !== "stack" && field !== "output") {
      ok = false;
      report(`${key}.${field}`, obj[field], "only the fields stack and output", `remove or rename ${key}.${field}`);
    }
  }
  const stack = obj.stack;
  if (typeof stack !== "string") {
    ok = false;
    report(
      `${key}.stack`,
      stack,
      "the referenced stack's full name <organization>/<project>/<stack>",
      `set ${key}.stack, e.g. my-org/holidays-consumer/dev`,
    );
  } else if (!checkStack(stack, `${key}.stack`, report)) ok = false;
  const output = obj.output ?? DEFAULT_INVOKER_OUTPUT;
  if (typeof output !== "string" || !OUTPUT_NAME.test(output)) {
    ok = false;
    report(
      `${key}.output`,
      output,
      `the name of a stack output, such as ${DEFAULT_INVOKER_OUTPUT}`,
      `set ${key}.output to the output that holds the role ARN, or remove it for ${DEFAULT_INVOKER_OUTPUT}`,
    );
  }
  return ok ? { stack: stack as string, output: output as string } : undefined;
}

function checkStack(name: string, key: string, report: ReportProblem): boolean {
  if (QUALIFIED_STACK_NAME.test(name)) return true;
  const parts = name.split("/").length;
  const fix =
    parts < 3
      ? "write the fully qualified name <organization>/<project>/<stack> (with a DIY backend the organization is `organization`)"
      : "use only letters, digits, '-', '_' and '.' in each of the three parts";
  report(key, name, "a fully qualified stack name <organization>/<project>/<stack>", fix);
  return false;
}

/** What a referenced stack's output turned out to be. */
export type InvokerOutput =
  { kind: "principal"; arn: string } | { kind: "missing"; message: string } | { kind: "invalid"; message: string };

/**
 * A role, user or account-root ARN in `partition` is the principal to allow; absent is `missing` (a warning:
 * the consumer is not deployed yet); anything else is `invalid`, naming stack, output, value and fix.
 */
export function classifyInvokerOutput(entry: InvokerStack, value: unknown, partition: string): InvokerOutput {
  const where = `stack output ${entry.output} of ${entry.stack} (holidays-api:invokerStacks)`;
  if (value === undefined || value === null) {
    return {
      kind: "missing",
      message:
        `${where} does not exist yet, so that stack's role is not in the API's resource policy for now. ` +
        `Fix: deploy ${entry.stack} (it must export ${entry.output}), then run \`pulumi up\` here again.`,
    };
  }
  const text = typeof value === "string" ? value : undefined;
  const arn = text !== undefined && text.startsWith("arn:") ? normalizePrincipal(text, partition) : undefined;
  if (arn === undefined || parseArn(arn)?.partition !== partition || arn.includes("*")) {
    return {
      kind: "invalid",
      message:
        `${where} = ${JSON.stringify(value)}: expected an IAM role, user or account-root ARN in partition ${partition} ` +
        `(e.g. arn:${partition}:iam::222222222222:role/caller). Fix: export the caller role's ARN as ${entry.output} in ${entry.stack}, ` +
        `or set invokerStacks[].output to the output that holds it.`,
    };
  }
  return { kind: "principal", arn };
}
