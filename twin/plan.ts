/**
 * The offline plan: the real program under Pulumi mocks with a stack's config, what it declares per account
 * (twin/declared.ts) and the settings the config parses to. `npm run plan` prints it; the gateway walks it.
 */
import { RunError } from "@pulumi/pulumi/errors";
import { Settings, parseSettings, rawConfigFromFlat } from "../lib/config";
import { Parsed, STACK_OPTIONS, runMain, stackArgs } from "../tools/cli/args";
import { applyOverrides } from "../tools/cli/configOverrides";
import type { PolicyDocument } from "../lib/policy";
import { HOLIDAYS_PATH } from "../lib/holidays";
import { Declared, readDeclared } from "./declared";
import { ProgramRun, RecordedResource, RunOptions, runProgram } from "./program";
import { readProjectName, readStackConfig } from "../tools/cli/stackConfig";

export interface Plan {
  stack: string;
  run: ProgramRun;
  region: string;
  stageName: string;
  accountA: string;
  accountB: string;
  singleAccount: boolean;
  /** `arn:aws:execute-api:<region>:<account>:<apiId>`. */
  executionArn: string;
  /** ARN of `GET /api/v1/data.json` on the stage. */
  methodArn: string;
  /** ARNs of every GET route on the stage, as the policies grant them (`…/GET/api/v1/*\/data.json` for {year}). */
  methodArns: string[];
  callerRoleArn: string;
  /** The API's resource policy: the RestApiPolicy declared on the REST API. */
  resourcePolicy: PolicyDocument;
  /** The caller role's identity policies: those declared on the role with the `callerRoleArn` output. */
  callerIdentityPolicies: PolicyDocument[];
  /** The data.json the program uploads (for display and comparison; the gateway reads it through the integration). */
  dataDocument: string;
  /** What the program declared: the walk the gateway takes for a request. */
  declared: Declared;
  /** The settings the stack config parses to (what the story states its expectations from). */
  settings: Settings;
}

/**
 * `overrides`: config for this run only, applied in order as `--set` does (undefined removes a key);
 * `runOptions`: variants without touching the program (resource transforms, the outputs StackReferences read).
 */
export async function buildPlan(
  stack = "dev",
  overrides: Record<string, string | undefined> | Iterable<[string, string | undefined]> = {},
  runOptions: Omit<RunOptions, "stack"> = {},
): Promise<Plan> {
  const entries = Symbol.iterator in overrides ? (overrides as Iterable<[string, string | undefined]>) : Object.entries(overrides);
  const config = applyOverrides(readStackConfig(stack), entries);
  const run = await runProgram(config, { ...runOptions, stack });
  const o = run.outputs as Record<string, string>;
  const declared = readDeclared(run.resources);
  const callerRole = declared.roles.get(o.callerRoleArn);
  if (!callerRole) throw new Error(`The program declared no role with the callerRoleArn output ${o.callerRoleArn}`);
  return {
    stack,
    run,
    region: o.region,
    stageName: o.stageName,
    accountA: o.accountAId,
    accountB: o.accountBId,
    singleAccount: !run.resources.some((r) => r.type === "pulumi:providers:aws" && r.name === "accountB"),
    executionArn: o.executionArn,
    methodArn: o.methodArn,
    methodArns: run.outputs.methodArns as string[],
    callerRoleArn: o.callerRoleArn,
    resourcePolicy: declared.api.resourcePolicy ?? { Version: "2012-10-17", Statement: [] },
    callerIdentityPolicies: callerRole.identityPolicies,
    dataDocument: uploadedDocument(declared, HOLIDAYS_PATH) ?? "",
    declared,
    settings: parseSettings(rawConfigFromFlat(config, readProjectName()), { project: readProjectName() }),
  };
}

/** The content of the object the program uploads under this key, in whichever bucket declares it. */
function uploadedDocument(declared: Declared, key: string): string | undefined {
  for (const b of declared.buckets.values()) {
    const o = b.objects.get(key);
    if (o) return o.content;
  }
  return undefined;
}

/** More than this many children of one type are shown as the first, a count, and the last. */
const RUN_LIMIT = 4;

/** Folds each long run of same-type rows (e.g. one data object per year) into first · "… N more" · last. */
export function collapseRuns(rows: readonly { type: string; name: string }[]): { type: string; name: string }[] {
  const out: { type: string; name: string }[] = [];
  for (let i = 0; i < rows.length;) {
    let j = i;
    while (j < rows.length && rows[j].type === rows[i].type) j++;
    const run = rows.slice(i, j);
    if (run.length > RUN_LIMIT) out.push(run[0], { type: "", name: `… ${run.length - 2} more ${run[0].type}` }, run[run.length - 1]);
    else out.push(...run);
    i = j;
  }
  return out;
}

const COMPONENTS = new Set(["holidays:index:HolidaysApi", "holidays:index:CallerFunction"]);

/** A `pulumi preview`-like tree per account: provider → component → children. */
export function renderPlanTree(plan: Plan): string {
  const lines: string[] = [];
  const components = plan.run.resources.filter((r) => COMPONENTS.has(r.type));
  const accounts = plan.singleAccount
    ? [["accountA", plan.accountA]]
    : [
        ["accountA", plan.accountA],
        ["accountB", plan.accountB],
      ];
  for (const [provider, accountId] of accounts) {
    const label = plan.singleAccount
      ? "Account A (single-account mode: A and B are the same account)"
      : provider === "accountA"
        ? "Account A — serves the API"
        : "Account B — runs the caller";
    lines.push(`${label}: ${accountId}, ${plan.region}`);
    lines.push(`  +  pulumi:providers:aws  ${provider}  (allowedAccountIds: [${accountId}])`);
    const mine = plan.run.resources.filter((r) => r.provider === provider && r.type.startsWith("aws:"));
    // Components name their children `<component>-…` (the mock monitor does not pass resource options,
    // so the parent is read from that naming convention, which the component tests hold).
    const childOf = (c: RecordedResource) => (r: RecordedResource) => r.name.startsWith(`${c.name}-`);
    const owners = components.filter((c) => mine.some(childOf(c)));
    for (const c of owners) {
      lines.push(`  +  ${c.type}  ${c.name}`);
      const children = mine.filter(childOf(c)).sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
      const rows = collapseRuns(children.map((r) => ({ type: r.type, name: r.name })));
      rows.forEach((r, i) => lines.push(`  +  ${i === rows.length - 1 ? "└─" : "├─"} ${r.type.padEnd(60)} ${r.name}`));
    }
  }
  const count = plan.run.resources.filter((r) => r.type !== "pulumi:providers:aws" && !COMPONENTS.has(r.type)).length;
  lines.push(`Resources: ${count} to create (+ ${components.length} components, ${accounts.length} providers)`);
  return lines.join("\n");
}

export function renderPlan(plan: Plan): string {
  return [
    `Plan for stack "${plan.stack}" (the real index.ts under Pulumi mocks; no AWS, no Pulumi CLI)`,
    "",
    renderPlanTree(plan),
    "",
    `Resource policy of the API (account A), as deployed by aws.apigateway.RestApiPolicy:`,
    JSON.stringify(plan.resourcePolicy, null, 2),
    "",
    `Identity policies of the caller role ${plan.callerRoleArn} (account B):`,
    ...plan.callerIdentityPolicies.map((d) => JSON.stringify(d, null, 2)),
  ].join("\n");
}

/** Errors the program raises for a bad config (pulumi.RunError: message only, no stack trace). */
export const isProgramError = (err: unknown): boolean => RunError.isInstance(err);

export const PLAN_COMMAND = {
  command: "npm run plan",
  summary:
    "Runs the real program (index.ts) under Pulumi mocks with a stack's config and prints, per account, what it declares and the rendered policies. No AWS, no Pulumi CLI.",
  options: STACK_OPTIONS,
  examples: [
    "npm run plan",
    "npm run plan -- --stack dev --set holidays-api:accountB=",
    "npm run plan -- --set holidays-api:sourceIpAllowList='[\"203.0.113.0/24\"]'",
  ],
};

/** `npm run plan`: prints the plan of the stack, with the overrides applied. */
export async function planMain({ values }: Parsed<typeof STACK_OPTIONS>): Promise<number> {
  const started = performance.now();
  const { stack, overrides } = stackArgs(values);
  const plan = await buildPlan(stack, overrides);
  console.log(renderPlan(plan));
  console.log(`\n(plan built in ${Math.round(performance.now() - started)} ms)`);
  return 0;
}

if (require.main === module) {
  runMain(PLAN_COMMAND, planMain, { isExpected: isProgramError });
}
