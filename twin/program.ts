/**
 * Runs the real Pulumi program (`index.ts`) in-process under `pulumi.runtime.setMocks`, with mocks
 * that answer like AWS would (ARNs in the provider's account and region, invoke URLs, log-group
 * names), and records every resource it declares. Used by the tests and by the offline plan.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { TYPE } from "./resourceTypes";
import { partitionOf } from "../lib/arn";
import { readProjectName, PROJECT_ROOT } from "../tools/cli/stackConfig";
import { cacheOff } from "../tools/cacheSwitch";

export interface RecordedResource {
  type: string;
  name: string;
  /** The id the mock gave it (what AWS would return as the physical id). */
  id: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  /** Logical name of the explicit provider (e.g. `accountA`), or undefined when none was given. */
  provider?: string;
  /** Account and region of that provider. */
  accountId?: string;
  region?: string;
  /** Position at which the engine asked for this resource (0 = first). */
  registeredAt: number;
  /** Position at which the mock finished creating it; a resource created after another's `createdAt` waited for it. */
  createdAt: number;
}

export interface ProgramRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** What the program logged with `pulumi.log.warn`, in order. */
  warnings: string[];
}

/** The outputs of other stacks, by fully qualified name (`org/project/stack`), that StackReferences read. */
export type StackOutputs = Record<string, Record<string, unknown>>;

export interface RunOptions {
  stack?: string;
  /**
   * Resource transforms to register (through `pulumi.runtime.registerResourceTransform`) before the
   * program runs: tests build variants of the program with them, never with switches in the program.
   */
  transforms?: pulumi.ResourceTransform[];
  /** Milliseconds the mock takes to create resources of these types (to observe what waits for what). */
  slowTypes?: Record<string, number>;
  /**
   * What `pulumi.StackReference` reads. A referenced stack missing from this map fails the read, as
   * the engine fails to read a stack that does not exist.
   */
  stackOutputs?: StackOutputs;
  /** Folder of the program to run (its Pulumi.yaml names the project, its index.ts is the entry). Default: this project. */
  programDir?: string;
  /** The program to run instead of `index.ts` in `programDir` (tests declare components this way). */
  program?: () => Record<string, unknown>;
}

/** Resolves an Output (or plain value) to its value. */
export async function valueOf<T>(value: pulumi.Input<T>): Promise<T> {
  const { output } = await loadPulumi();
  return new Promise<T>((resolve) =>
    output(value).apply((v) => {
      resolve(v as T);
      return v;
    }),
  );
}

// Loaded on the first run, not at import: a command's --help and usage errors need none of it.
const loadPulumi = () => import("@pulumi/pulumi");

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function firstOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  if (typeof value === "string" && value.startsWith("[")) return firstOf(JSON.parse(value));
  return typeof value === "string" ? value : undefined;
}

class AwsLikeMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  private readonly providers = new Map<string, { accountId?: string; region?: string }>();
  private readonly resourcePaths = new Map<string, string>();
  private readonly transforms: pulumi.ResourceTransform[] = [];
  private registered = 0;
  private created = 0;

  constructor(
    private readonly slowTypes: Record<string, number> = {},
    private readonly stackOutputs: StackOutputs = {},
  ) {}

  /**
   * The mock monitor hands registered stack transforms here and does not run them itself
   * (`Mocks.registerTransform` in @pulumi/pulumi runtime/mocks.d.ts); `newResource` runs them, as the
   * engine would before creating a resource.
   */
  registerTransform(transform: pulumi.ResourceTransform): void {
    this.transforms.push(transform);
  }

  private async transformed(args: pulumi.runtime.MockResourceArgs): Promise<Record<string, unknown>> {
    let props = (args.inputs ?? {}) as Record<string, unknown>;
    for (const t of this.transforms) {
      const result = await t({ type: args.type, name: args.name, custom: args.custom ?? true, props, opts: {} });
      if (result) props = result.props as Record<string, unknown>;
    }
    return props;
  }

  async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: Record<string, unknown> }> {
    const registeredAt = this.registered++;
    const inputs = await this.transformed(args);
    const delay = Object.prototype.hasOwnProperty.call(this.slowTypes, args.type) ? this.slowTypes[args.type] : 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return this.create(args, inputs, registeredAt);
  }

  private create(
    args: pulumi.runtime.MockResourceArgs,
    inputs: Record<string, unknown>,
    registeredAt: number,
  ): { id: string; state: Record<string, unknown> } {
    const providerName = args.provider ? args.provider.split("::")[3] : undefined;
    const where = providerName ? this.providers.get(providerName) : undefined;
    const acct = where?.accountId ?? "000000000000";
    const region = where?.region ?? "us-east-1";
    const partition = partitionOf(region);
    const h = shortHash(`${args.type}/${args.name}`, 10);
    let id = `${args.name}-${h.slice(0, 7)}`;
    let state: Record<string, unknown> = { ...inputs };

    switch (args.type) {
      case "pulumi:pulumi:StackReference": {
        // Mocks receive a StackReference as a read of this type; its state `outputs` is what it reads.
        const stack = String(inputs.name);
        if (!Object.prototype.hasOwnProperty.call(this.stackOutputs, stack)) {
          throw new Error(`Stack ${JSON.stringify(stack)} does not exist (no outputs given for it to the mocks)`);
        }
        id = stack;
        state = { name: stack, outputs: { ...this.stackOutputs[stack] }, secretOutputNames: [] };
        break;
      }
      case "pulumi:providers:aws":
        this.providers.set(args.name, { accountId: firstOf(inputs.allowedAccountIds), region: firstOf(inputs.region) });
        id = `${args.name}-provider`;
        break;
      case TYPE.bucket:
        state = { ...state, bucket: id, arn: `arn:${partition}:s3:::${id}` };
        break;
      case TYPE.role:
        state = { ...state, name: id, arn: `arn:${partition}:iam::${acct}:role/${id}`, uniqueId: `AROA${h.toUpperCase()}` };
        break;
      case TYPE.restApi:
        id = h;
        state = { ...state, rootResourceId: `${h.slice(0, 6)}root`, executionArn: `arn:${partition}:execute-api:${region}:${acct}:${id}` };
        this.resourcePaths.set(`${h.slice(0, 6)}root`, "");
        break;
      case TYPE.resource: {
        id = h.slice(0, 6);
        const p = `${this.resourcePaths.get(String(inputs.parentId)) ?? ""}/${String(inputs.pathPart)}`;
        this.resourcePaths.set(id, p);
        state = { ...state, path: p };
        break;
      }
      case TYPE.stage:
        state = {
          ...state,
          invokeUrl: `https://${String(inputs.restApi)}.execute-api.${region}.amazonaws.com/${String(inputs.stageName)}`,
          executionArn: `arn:${partition}:execute-api:${region}:${acct}:${String(inputs.restApi)}/${String(inputs.stageName)}`,
        };
        break;
      case TYPE.logGroup: {
        const name = `${String(inputs.namePrefix ?? "")}${h.slice(0, 8)}`;
        state = { ...state, name, arn: `arn:${partition}:logs:${region}:${acct}:log-group:${name}` };
        break;
      }
      case TYPE.function:
        state = { ...state, name: id, arn: `arn:${partition}:lambda:${region}:${acct}:function:${id}` };
        break;
      // EC2 ids as AWS makes them: a prefix and 17 hex digits ("Resource IDs", Amazon EC2 User Guide).
      case TYPE.vpc:
        id = `vpc-${shortHash(`${args.type}/${args.name}`, 17)}`;
        state = { ...state, arn: `arn:${partition}:ec2:${region}:${acct}:vpc/${id}` };
        break;
      case TYPE.subnet:
        id = `subnet-${shortHash(`${args.type}/${args.name}`, 17)}`;
        state = { ...state, arn: `arn:${partition}:ec2:${region}:${acct}:subnet/${id}` };
        break;
      case TYPE.securityGroup:
        id = `sg-${shortHash(`${args.type}/${args.name}`, 17)}`;
        state = { ...state, arn: `arn:${partition}:ec2:${region}:${acct}:security-group/${id}` };
        break;
      case TYPE.vpcEndpoint:
        id = `vpce-${shortHash(`${args.type}/${args.name}`, 17)}`;
        state = { ...state, arn: `arn:${partition}:ec2:${region}:${acct}:vpc-endpoint/${id}`, state: "available" };
        break;
    }
    const self = args.type === "pulumi:providers:aws" ? this.providers.get(args.name) : where;
    this.resources.push({
      type: args.type,
      name: args.name,
      id,
      inputs,
      state,
      provider: providerName,
      accountId: self?.accountId,
      region: self?.region,
      registeredAt,
      createdAt: this.created++,
    });
    return { id, state };
  }

  /** The provider reads the program makes: a region's zones and an existing subnet's VPC. Anything else is an error. */
  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const providerName = args.provider ? args.provider.split("::")[3] : undefined;
    const region = (providerName ? this.providers.get(providerName)?.region : undefined) ?? "us-east-1";
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    switch (args.token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        // Not in name order, as a reader might get them; three zones, as ap-northeast-1 has (a, c, d).
        return {
          ...inputs,
          id: region,
          region,
          names: [`${region}d`, `${region}a`, `${region}c`],
          zoneIds: ["apne1-az2", "apne1-az4", "apne1-az1"],
          groupNames: [],
        };
      case "aws:ec2/getSubnet:getSubnet": {
        // Every existing subnet is in one VPC of the provider's account, in zone a, c or d by its id's last hex digit (mod 3).
        const subnetId = String(inputs.id);
        const zone = ["a", "c", "d"][parseInt(subnetId.slice(-1), 16) % 3];
        return {
          ...inputs,
          id: subnetId,
          vpcId: `vpc-${shortHash(`existing/${providerName ?? ""}`, 17)}`,
          availabilityZone: `${region}${zone}`,
        };
      }
    }
    throw new Error(`The program made an unexpected provider call ${args.token}; it must not need any`);
  }
}

/**
 * Pulumi's mock runtime has no engine to send log messages to, so `pulumi.log.warn` falls back to
 * `console.warn("warning: [runtime] …")` (@pulumi/pulumi log/index.js). Collect those lines while a
 * program runs, as the engine would show them.
 */
function collectWarnings(): { warnings: string[]; stop(): void } {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    const m = /^warning: \[runtime\] ([\s\S]*)$/.exec(text);
    if (m) warnings.push(m[1]);
    else original(...args);
  };
  return {
    warnings,
    stop: () => {
      console.warn = original;
    },
  };
}

/**
 * Runs `opts.program`, or `index.ts` of `opts.programDir` imported afresh after `setMocks`, in a root stack with
 * the flat config; returns what it declared and its outputs. An error carries `.run`: bad input declared nothing.
 */
export async function runProgram(config: Record<string, string>, opts: RunOptions = {}): Promise<ProgramRun> {
  const index = path.join(opts.programDir ?? PROJECT_ROOT, "index.ts");
  const program =
    opts.program ??
    (() => {
      delete require.cache[require.resolve(index)];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(index) as Record<string, unknown>;
    });
  // Pulumi captures `new Error().stack` for every promise it makes (runtime/debuggable.js): with stack
  // traces off a run is faster (docs/benchmarks.md, "caches"). Errors keep their messages.
  const savedLimit = Error.stackTraceLimit;
  if (!cacheOff("stack")) Error.stackTraceLimit = 0;
  try {
    return await runWithMocks(program, config, opts);
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
}

async function runWithMocks(program: () => Record<string, unknown>, config: Record<string, string>, opts: RunOptions): Promise<ProgramRun> {
  const { runtime } = await loadPulumi();
  const mocks = new AwsLikeMocks(opts.slowTypes, opts.stackOutputs);
  await runtime.setMocks(mocks, readProjectName(opts.programDir ?? PROJECT_ROOT), opts.stack ?? "dev", false);
  runtime.setAllConfig(config);
  const log = collectWarnings();
  let exported: Record<string, unknown> = {};
  let programError: unknown;
  const declared = () => mocks.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  // An error thrown inside an apply surfaces as an unhandled rejection, which the language host
  // treats as the program failing (@pulumi/pulumi cmd/run/run.js).
  let fail: (err: unknown) => void = () => undefined;
  const failure = new Promise<never>((_resolve, reject) => (fail = reject));
  failure.catch(() => undefined);
  const onRejection = (reason: unknown) => {
    programError ??= reason;
    fail(reason);
  };
  process.on("unhandledRejection", onRejection);
  const outputs: Record<string, unknown> = {};
  const finish = (): ProgramRun => {
    process.off("unhandledRejection", onRejection);
    log.stop();
    const run: ProgramRun = { resources: declared(), outputs: programError === undefined ? outputs : {}, warnings: log.warnings };
    if (programError === undefined) return run;
    throw Object.assign(programError instanceof Error ? programError : new Error(String(programError)), {
      message: rootMessage(programError),
      run,
    });
  };
  await runtime.runInPulumiStack(async () => {
    for (const t of opts.transforms ?? []) runtime.registerResourceTransform(t);
    try {
      exported = program();
    } catch (err) {
      programError = err;
    }
    return {};
  });
  if (programError !== undefined) {
    await runtime.disconnect();
    return finish();
  }
  try {
    for (const [key, value] of Object.entries(exported))
      outputs[key] = await Promise.race([valueOf(value as pulumi.Input<unknown>), failure]);
  } catch {
    return finish();
  }
  // Every registration has reached the mocks once the RPC queue has drained.
  await runtime.disconnect();
  return finish();
}

/**
 * The runtime prefixes an error's message with every property it was serialized through
 * (`error serializing property "x": …`, runtime/rpc.js); the cause is what follows them.
 */
function rootMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^(error serializing property "[^"]*": )+/, "");
}
