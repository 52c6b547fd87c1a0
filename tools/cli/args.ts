/**
 * The one argument parser of every command (`npm start`, `npm run plan|gateway|call|build|bench`),
 * on `node:util` parseArgs: the same `--stack`, `--set` and `--help` everywhere, unknown flags
 * refused, usage errors in one line with exit code 2, expected failures in one line with exit code 1,
 * and a stack trace only for a bug.
 */
import { parseArgs } from "node:util";
import { closest } from "../../lib/suggest";

/** A mistake on the command line (unknown flag, missing or malformed value): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An expected failure the user can fix (bad config, port in use, no credentials): one line, exit code 1. */
export class CommandError extends Error {
  override name = "CommandError";
}

export interface OptionSpec {
  type: "string" | "boolean";
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  short?: string;
  /** Placeholder shown in the help, e.g. `NAME`. */
  value?: string;
  help: string;
}

export interface PositionalSpec {
  name: string;
  help: string;
  required: boolean;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** How a user types it, e.g. `npm run plan`. */
  command: string;
  summary: string;
  positionals?: readonly PositionalSpec[];
  options: O;
  examples?: readonly string[];
}

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["multiple"] extends true ? string[] : string;
export type Values<O extends Record<string, OptionSpec>> = { [K in keyof O]?: ValueOf<O[K]> };

export interface Parsed<O extends Record<string, OptionSpec>> {
  values: Values<O>;
  positionals: string[];
  help: boolean;
}

export const HELP_OPTION = { type: "boolean", short: "h", help: "print this help and exit" } as const satisfies OptionSpec;

/** `--stack` and `--set`: which `Pulumi.<stack>.yaml` to read, and values to override for this run only. */
export const STACK_OPTIONS = {
  stack: { type: "string", value: "NAME", help: "read Pulumi.NAME.yaml (default: dev)" },
  set: {
    type: "string",
    multiple: true,
    value: "KEY=VALUE",
    help:
      "override one config value for this run, e.g. holidays-api:exclusive=false; a path sets one field " +
      "as `pulumi config set --path` does (holidays-api:accountA.profile=me); an empty value unsets the key " +
      "(holidays-api:accountB= is single-account mode)",
  },
} as const satisfies Record<string, OptionSpec>;

/** The help text: usage line, summary, arguments, options, examples. */
export function helpText(spec: CommandSpec): string {
  const opts: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  const flag = (name: string, o: OptionSpec) => `${o.short ? `-${o.short}, ` : ""}--${name}${o.value ? ` ${o.value}` : ""}`;
  const positionals = spec.positionals ?? [];
  const synopsis = [
    ...positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)),
    ...Object.entries(spec.options).map(([n, o]) => `[${flag(n, o)}]${o.multiple ? "..." : ""}`),
  ].join(" ");
  const rows: [string, string][] = [
    ...positionals.map((p): [string, string] => [`<${p.name}>`, p.help]),
    ...Object.entries(opts).map(([n, o]): [string, string] => [flag(n, o), o.help + (o.multiple ? " (repeatable)" : "")]),
  ];
  const width = Math.max(...rows.map(([l]) => l.length));
  return [
    `usage: ${spec.command}${synopsis ? ` -- ${synopsis}` : ""}`,
    "",
    spec.summary,
    "",
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
    ...(spec.examples?.length ? ["", "examples:", ...spec.examples.map((e) => `  ${e}`)] : []),
  ].join("\n");
}

const see = (spec: CommandSpec) => `Run \`${spec.command} -- --help\` for usage.`;

/**
 * Parses `argv` (without node and the script) against `spec`. Throws {@link UsageError} with one line
 * naming the bad argument, a suggestion where one is close, and where to read the usage.
 */
export function parseCommandLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  const config = Object.fromEntries(
    Object.entries(options).map(([n, o]) => [
      n,
      {
        type: o.type,
        ...(o.multiple ? { multiple: true } : {}),
        ...(o.short ? { short: o.short } : {}),
      },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (!e.code?.startsWith("ERR_PARSE_ARGS_")) throw err;
    throw new UsageError(`${usageProblem(e, options)} ${see(spec)}`);
  }
  if (parsed.values.help === true) return { values: {} as Values<O>, positionals: [], help: true };
  const expected = spec.positionals ?? [];
  if (parsed.positionals.length > expected.length) {
    const extra = parsed.positionals[expected.length];
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra)}${expected.length ? ` (expected ${expected.map((p) => `<${p.name}>`).join(" ")} once)` : " (this command takes only options)"}. ${see(spec)}`,
    );
  }
  for (const [i, p] of expected.entries()) {
    if (p.required && parsed.positionals[i] === undefined) throw new UsageError(`missing <${p.name}>: ${p.help}. ${see(spec)}`);
  }
  for (const [name, o] of Object.entries(options)) {
    const v = parsed.values[name];
    const empties = o.type === "string" ? (Array.isArray(v) ? v : [v]).filter((x) => x === "") : [];
    if (empties.length > 0 && name !== "set")
      throw new UsageError(`--${name} needs a value (${o.value ?? "a value"}): ${o.help}. ${see(spec)}`);
  }
  delete parsed.values.help;
  return { values: parsed.values as Values<O>, positionals: parsed.positionals, help: false };
}

function usageProblem(err: Error & { code?: string }, options: Record<string, OptionSpec>): string {
  const names = Object.keys(options).map((n) => `--${n}`);
  const flag = /'(-[^' ]*)/.exec(err.message)?.[1] ?? "";
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const name = flag.split("=")[0];
      const hint = name.startsWith("--") ? closest(name, names) : undefined;
      return `unknown option ${name}${hint ? ` (did you mean ${hint}?)` : ""}.`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const name = /--([\w-]+)/.exec(err.message)?.[1];
      const o = name ? options[name] : undefined;
      if (o?.type === "boolean") return `--${name} takes no value.`;
      return `--${name} needs a value${o?.value ? ` (${o.value})` : ""}; a value starting with "-" goes as --${name}=VALUE.`;
    }
    default:
      return err.message;
  }
}

/**
 * For a script whose work runs at load time: parses `argv`, or prints the help (exit 0) or the usage
 * error (exit 2) and exits before any work starts.
 */
export function parseCommandLineOrExit<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (!parsed.help) return parsed;
    process.stdout.write(`${helpText(spec)}\n`);
    process.exit(0);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${spec.command}: ${err.message}\n`);
    process.exit(2);
  }
}

export interface StackArgs {
  stack: string;
  /** Config values to override; `undefined` removes the key (or path) for this run. */
  overrides: [string, string | undefined][];
}

/** `--stack` and `--set KEY=VALUE` values → the stack and the overrides, in the order given. */
export function stackArgs(values: Values<typeof STACK_OPTIONS>): StackArgs {
  const overrides: [string, string | undefined][] = [];
  for (const item of values.set ?? []) {
    const eq = item.indexOf("=");
    const colon = item.indexOf(":");
    if (eq <= 0 || colon <= 0 || colon > eq - 2) {
      throw new UsageError(
        `--set ${JSON.stringify(item)}: expected NAMESPACE:KEY=VALUE, e.g. --set holidays-api:exclusive=false (an empty VALUE unsets the key).`,
      );
    }
    const value = item.slice(eq + 1);
    overrides.push([item.slice(0, eq), value === "" ? undefined : value]);
  }
  return { stack: values.stack ?? "dev", overrides };
}

export interface RunOptions {
  /** Other errors that are expected (a user can cause and fix them): printed as their message, exit 1. */
  isExpected?: (err: unknown) => boolean;
  /** Where text goes (tests capture it). */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/**
 * Runs a command: `--help` prints the help (exit 0); a {@link UsageError} prints one line (exit 2); a
 * {@link CommandError} or an expected error prints its message (exit 1); anything else is a bug and
 * keeps its stack trace (exit 1). Resolves to the exit code, or to undefined when `main` returned none:
 * the process then ends when its work does (a server runs until stopped).
 */
export async function runCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  main: (parsed: Parsed<O>) => Promise<number | void> | number | void,
  opts: RunOptions = {},
): Promise<number | undefined> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const errOut = opts.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  try {
    const parsed = parseCommandLine(spec, argv);
    if (parsed.help) {
      out(helpText(spec));
      return 0;
    }
    return (await main(parsed)) ?? undefined;
  } catch (err) {
    if (err instanceof UsageError) {
      errOut(`${spec.command}: ${err.message}`);
      return 2;
    }
    if (err instanceof CommandError || opts.isExpected?.(err)) {
      errOut(`${spec.command}: ${(err as Error).message}`);
      return 1;
    }
    errOut(`${spec.command} failed unexpectedly (a bug; please report it with this trace):\n${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}

/**
 * Entry-point helper: runs the command on `process.argv`; when it has an exit code, waits until
 * stdout and stderr have drained (writes to pipes are asynchronous on POSIX: Node.js docs, "A note
 * on process I/O") and exits with it.
 */
export function runMain<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  main: (parsed: Parsed<O>) => Promise<number | void> | number | void,
  opts: RunOptions = {},
): void {
  const drained = (s: NodeJS.WriteStream) => new Promise<void>((resolve) => s.write("", () => resolve()));
  void runCommand(spec, process.argv.slice(2), main, opts).then(async (code) => {
    if (code === undefined) return;
    process.exitCode = code;
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit(code);
  });
}
