/**
 * `npm run verify -- --stack NAME [--local]`: after `pulumi up`, checks the deployment link by link
 * and prints ✔/✘ per outcome; exits 0 only if every outcome is as expected, 1 otherwise (naming the
 * broken link and its fix), 2 on a usage error.
 */
import { ConfigError } from "../lib/config";
import { STACK_OPTIONS, UsageError, helpText, parseCommandLine, stackArgs } from "../tools/cli/args";
import { isProgramError, loadTransform } from "../twin";
import { Outcome, runChecks } from "./checks";
import { awsTarget, StackReadError } from "./aws";
import { localTarget } from "./local";
import { OutputsError } from "./outputs";
import type { VerifyTarget } from "./target";

export const VERIFY_COMMAND = {
  command: "npm run verify",
  summary:
    "After `pulumi up`, checks the deployment link by link and prints ✔/✘ per outcome; exits 0 only if every outcome is as expected, 1 otherwise (naming the broken link and its fix), 2 on a usage error.",
  options: {
    stack: { type: "string", value: "NAME", help: 'the stack to verify (required against AWS; default "dev" with --local)' },
    local: {
      type: "boolean",
      help: "verify the offline twin instead of AWS: the stack's plan under mocks, served by the loopback execute-api gateway and a loopback Lambda/API Gateway control plane",
    },
    set: { ...STACK_OPTIONS.set, help: `with --local only: ${STACK_OPTIONS.set.help}` },
    update: {
      type: "boolean",
      help: "with --local only: model an update (the stack config deployed first, then `pulumi up` with the --set values); a stage that kept an older snapshot is flagged stale",
    },
    transform: {
      type: "string",
      multiple: true,
      value: "PATH",
      help: "with --local only: a resource transform module applied to the program (a broken variant, e.g. twin/transforms/dropRedeployTrigger.ts)",
    },
  },
  examples: [
    "npm run verify -- --stack dev",
    "npm run verify -- --local",
    "npm run verify -- --local --set holidays-api:endpointType=private",
    `npm run verify -- --local --update --transform twin/transforms/dropRedeployTrigger.ts --set 'holidays-api:sourceIpAllowList=["203.0.113.0/24"]'`,
  ],
} as const;

export const USAGE = helpText(VERIFY_COMMAND);

export interface VerifyArgs {
  stack: string;
  local: boolean;
  help: boolean;
  /** `--set` config overrides (the offline twin only: a deployed stack's config is what was deployed). */
  overrides: [string, string | undefined][];
  /** `--update` (twin only): the stack config was deployed first, then the overrides. */
  update: boolean;
  /** `--transform` module paths (twin only). */
  transforms: string[];
}

/** Parses the command line with the shared parser (tools/cli/args.ts); a {@link UsageError} for anything malformed. */
export function parseVerifyArgs(args: string[]): VerifyArgs {
  const { values, help } = parseCommandLine(VERIFY_COMMAND, args);
  const see = `Run \`${VERIFY_COMMAND.command} -- --help\` for usage.`;
  if (help) return { stack: "dev", local: false, help: true, overrides: [], update: false, transforms: [] };
  if (values.stack !== undefined && !/^[A-Za-z0-9._/-]{1,200}$/.test(values.stack))
    throw new UsageError(`--stack ${JSON.stringify(values.stack)}: expected a stack name such as dev. ${see}`);
  if (!values.local && values.stack === undefined)
    throw new UsageError(`--stack NAME is required to verify a real deployment (or pass --local for the offline twin). ${see}`);
  if (!values.local && (values.set ?? []).length > 0)
    throw new UsageError(
      `--set applies to the offline twin only (--local): a deployed stack is verified with the config it was deployed with. ${see}`,
    );
  for (const [flag, given] of [
    ["--update", values.update === true],
    ["--transform", (values.transform ?? []).length > 0],
  ] as const)
    if (!values.local && given) throw new UsageError(`${flag} applies to the offline twin only (--local): pass --local too. ${see}`);
  const { overrides } = stackArgs({ set: values.set });
  return {
    stack: values.stack ?? "dev",
    local: Boolean(values.local),
    help: false,
    overrides,
    update: values.update === true,
    transforms: values.transform ?? [],
  };
}

export function renderOutcome(o: Outcome): string {
  const mark = o.skipped ? "–" : o.ok ? "✔" : "✘";
  const lines = [`${mark} ${o.title}`, `    → ${o.detail}`];
  if (!o.ok) lines.push(`    broken link: ${o.link ?? "unknown"}`, `    fix: ${o.fix ?? "see the detail above"}`);
  return lines.join("\n");
}

export interface VerifyDeps {
  /** Builds the target; tests pass a broken twin built with resource transforms. */
  target?: (args: VerifyArgs) => Promise<VerifyTarget>;
}

/** Runs verify with CLI arguments, printing through `print`; resolves to the exit code. */
export async function verify(args: string[], print: (text: string) => void = console.log, deps: VerifyDeps = {}): Promise<number> {
  let parsed: VerifyArgs;
  try {
    parsed = parseVerifyArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    print(`${VERIFY_COMMAND.command}: ${err.message}`);
    return 2;
  }
  if (parsed.help) {
    print(USAGE);
    return 0;
  }
  let target: VerifyTarget;
  try {
    target = await (
      deps.target ??
      ((a) =>
        a.local
          ? localTarget(a.stack, a.transforms.length > 0 ? { transforms: a.transforms.map(loadTransform) } : {}, {
              overrides: a.overrides,
              update: a.update,
            })
          : awsTarget(a.stack))
    )(parsed);
  } catch (err) {
    if (err instanceof UsageError) {
      print(`${VERIFY_COMMAND.command}: ${err.message}`);
      return 2;
    }
    if (err instanceof StackReadError || err instanceof OutputsError || err instanceof ConfigError || isProgramError(err)) {
      print((err as Error).message);
      return 1;
    }
    throw err;
  }
  try {
    print(`Verifying ${target.description}`);
    const outcomes = await runChecks(target);
    for (const o of outcomes) print(renderOutcome(o));
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length === 0) {
      print(
        `\nAll ${outcomes.length} outcomes as expected${outcomes.some((o) => o.skipped) ? " (skipped ones marked –)" : ""}: the deployment works end to end.`,
      );
      return 0;
    }
    print(`\n✘ ${failed.length} of ${outcomes.length} outcomes not as expected. Broken link${failed.length > 1 ? "s" : ""}:`);
    for (const f of failed) print(`  - ${f.link}\n    fix: ${f.fix}`);
    return 1;
  } finally {
    await target.close();
  }
}

if (require.main === module) {
  verify(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`npm run verify failed unexpectedly: ${err.message}`);
      process.exit(1);
    },
  );
}
