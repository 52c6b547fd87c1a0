/**
 * The offline plan: runs the real program under Pulumi mocks with a stack's config and reads off,
 * per account, what it declares, plus the exact rendered resource policy and caller identity policy.
 * `npm run plan [-- --stack dev]` prints it; the local gateway is built from the same plan.
 */
import { ProgramRun, RecordedResource, RunOptions, runProgram } from "./programUnderMocks";
import { readStackConfig } from "./stackConfig";
import type { PolicyDocument } from "../lib/policy";

export interface Plan {
  stack: string;
  run: ProgramRun;
  region: string;
  stageName: string;
  accountA: string;
  accountB: string;
  singleAccount: boolean;
  methodArn: string;
  callerRoleArn: string;
  /** The API's resource policy, as the HolidaysApi component exports it (`resourcePolicy`). */
  resourcePolicy: PolicyDocument;
  /** The caller role's identity policy, as the CallerFunction component exports it (`invokePolicy`). */
  callerIdentityPolicy: PolicyDocument;
  /** The exact data.json the program uploads. */
  dataDocument: string;
}

function find(run: ProgramRun, type: string): RecordedResource {
  const r = run.resources.find((x) => x.type === type);
  if (!r) throw new Error(`The program declared no ${type}`);
  return r;
}

/**
 * `runOptions` builds variants without touching the program: resource transforms (a broken twin) and
 * the outputs StackReferences read.
 */
export async function buildPlan(stack = "dev", overrides: Record<string, string | undefined> = {}, runOptions: Omit<RunOptions, "stack"> = {}): Promise<Plan> {
  const config: Record<string, string> = { ...readStackConfig(stack) };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config[k];
    else config[k] = v;
  }
  const run = await runProgram(config, { ...runOptions, stack });
  const o = run.outputs as Record<string, string>;
  return {
    stack,
    run,
    region: o.region,
    stageName: o.stageName,
    accountA: o.accountAId,
    accountB: o.accountBId,
    singleAccount: !run.resources.some((r) => r.type === "pulumi:providers:aws" && r.name === "accountB"),
    methodArn: o.methodArn,
    callerRoleArn: o.callerRoleArn,
    resourcePolicy: JSON.parse(o.resourcePolicy) as PolicyDocument,
    callerIdentityPolicy: JSON.parse(o.callerInvokePolicy) as PolicyDocument,
    dataDocument: String(find(run, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.content),
  };
}

const COMPONENTS = new Set(["holidays:index:HolidaysApi", "holidays:index:CallerFunction"]);

/** A `pulumi preview`-like tree per account: provider → component → children. */
export function renderPlanTree(plan: Plan): string {
  const lines: string[] = [];
  const components = plan.run.resources.filter((r) => COMPONENTS.has(r.type));
  const accounts = plan.singleAccount ? [["accountA", plan.accountA]] : [["accountA", plan.accountA], ["accountB", plan.accountB]];
  for (const [provider, accountId] of accounts) {
    const label = plan.singleAccount ? "Account A (single-account mode: A and B are the same account)" : provider === "accountA" ? "Account A — serves the API" : "Account B — runs the caller";
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
      children.forEach((r, i) => lines.push(`  +  ${i === children.length - 1 ? "└─" : "├─"} ${r.type.padEnd(60)} ${r.name}`));
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
    `Identity policy of the caller role ${plan.callerRoleArn} (account B):`,
    JSON.stringify(plan.callerIdentityPolicy, null, 2),
  ].join("\n");
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (require.main === module) {
  const started = performance.now();
  buildPlan(argValue("--stack") ?? "dev").then(
    (plan) => {
      console.log(renderPlan(plan));
      console.log(`\n(plan built in ${Math.round(performance.now() - started)} ms)`);
    },
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
