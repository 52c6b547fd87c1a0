/**
 * Product tests' own Pulumi mocks (public API only: `pulumi.runtime.setMocks`): run a program or some
 * components, record each resource by type with its inputs, and resolve what the program exports.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export interface Declared {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  /** The inputs plus what the mock computed as AWS would (ARNs, names, URLs). */
  state: Record<string, unknown>;
  /** Logical name of the explicit provider, if any. */
  provider?: string;
  /** Account (the provider's first `allowedAccountIds`) and region of that provider. */
  accountId?: string;
  region?: string;
  /** Order in which the mock was asked for it, and order in which it finished creating it. */
  registeredAt: number;
  createdAt: number;
}

export interface Run {
  resources: Declared[];
  outputs: Record<string, unknown>;
  /** What the program logged with `pulumi.log.warn`. */
  warnings: string[];
}

/** Outputs of other stacks by fully qualified name (`org/project/stack`), what StackReferences read. */
export type StackOutputs = Record<string, Record<string, unknown>>;

export interface MockOptions {
  /** Flat stack config, `{"aws:region": …, "holidays-api:<key>": …}`. */
  config?: Record<string, string>;
  project?: string;
  stack?: string;
  /** Stack transforms, registered before the program runs; the mocks run them (the mock monitor hands them over only). */
  transforms?: pulumi.ResourceTransform[];
  /** Milliseconds the mock takes to create resources of these types. */
  slowTypes?: Record<string, number>;
  /** Outputs of other stacks by name, for StackReference; a stack not listed does not exist. */
  stackOutputs?: StackOutputs;
}

export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** What the mock adds to a resource's inputs, as AWS would answer (only what product tests read). */
function awsState(type: string, inputs: Record<string, unknown>, id: string, acct: string, region: string, paths: Map<string, string>) {
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return { bucket: id, arn: `arn:${partition}:s3:::${id}` };
    case "aws:iam/role:Role":
      return { name: id, arn: `arn:${partition}:iam::${acct}:role/${id}` };
    case "aws:apigateway/restApi:RestApi":
      paths.set(`${id}-root`, "");
      return { rootResourceId: `${id}-root`, executionArn: `arn:${partition}:execute-api:${region}:${acct}:${id}` };
    case "aws:apigateway/resource:Resource": {
      const p = `${paths.get(String(inputs.parentId)) ?? ""}/${String(inputs.pathPart)}`;
      paths.set(id, p);
      return { path: p };
    }
    case "aws:apigateway/stage:Stage": {
      const [api, stage] = [String(inputs.restApi), String(inputs.stageName)];
      return {
        invokeUrl: `https://${api}.execute-api.${region}.amazonaws.com/${stage}`,
        executionArn: `arn:${partition}:execute-api:${region}:${acct}:${api}/${stage}`,
        arn: `arn:${partition}:apigateway:${region}::/restapis/${api}/stages/${stage}`,
      };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const name = `${String(inputs.namePrefix ?? "")}${id}`;
      return { name, arn: `arn:${partition}:logs:${region}:${acct}:log-group:${name}` };
    }
    case "aws:lambda/function:Function":
      return { name: id, arn: `arn:${partition}:lambda:${region}:${acct}:function:${id}` };
    case "aws:ec2/vpc:Vpc":
      return { arn: `arn:${partition}:ec2:${region}:${acct}:vpc/${id}` };
    case "aws:ec2/subnet:Subnet":
      return { arn: `arn:${partition}:ec2:${region}:${acct}:subnet/${id}` };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { arn: `arn:${partition}:ec2:${region}:${acct}:security-group/${id}` };
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return { arn: `arn:${partition}:ec2:${region}:${acct}:vpc-endpoint/${id}`, state: "available" };
  }
  return {};
}

/** EC2 ids as AWS makes them: a prefix and 17 hex digits ("Resource IDs", Amazon EC2 User Guide). */
const EC2_ID_PREFIX = new Map([
  ["aws:ec2/vpc:Vpc", "vpc"],
  ["aws:ec2/subnet:Subnet", "subnet"],
  ["aws:ec2/securityGroup:SecurityGroup", "sg"],
  ["aws:ec2/vpcEndpoint:VpcEndpoint", "vpce"],
]);

const hex = (text: string, digits: number): string => createHash("sha256").update(text).digest("hex").slice(0, digits);

/** The provider reads the private API makes: a region's zones and an existing subnet's VPC. Anything else is an error. */
function awsCall(token: string, inputs: Record<string, unknown>, provider: string | undefined, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      // Not in name order, as a reader may get them; three zones, as ap-northeast-1 has (a, c, d).
      return { ...inputs, id: region, names: [`${region}d`, `${region}a`, `${region}c`], zoneIds: [], groupNames: [] };
    case "aws:ec2/getSubnet:getSubnet": {
      // Every existing subnet is in one VPC of the provider's account, in zone a, c or d by its id's last hex digit (mod 3).
      const id = String(inputs.id);
      const zone = ["a", "c", "d"][parseInt(id.slice(-1), 16) % 3];
      return { ...inputs, id, vpcId: `vpc-${hex(`existing/${provider ?? ""}`, 17)}`, availabilityZone: `${region}${zone}` };
    }
  }
  throw new Error(`unexpected provider call ${token}`);
}

/** Calls `pulumi.runtime.setMocks` with mocks that record into the returned list; call it before importing a program. */
export async function setMocks(opts: MockOptions = {}): Promise<Declared[]> {
  const resources: Declared[] = [];
  const providers = new Map<string, { accountId?: string; region?: string }>();
  const paths = new Map<string, string>();
  const transforms: pulumi.ResourceTransform[] = [];
  // A provider's inputs arrive JSON-encoded (`allowedAccountIds: '["111111111111"]'`).
  const first = (v: unknown): string | undefined => {
    const value = typeof v === "string" && v.startsWith("[") ? (JSON.parse(v) as unknown) : v;
    return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
  };
  let registered = 0;
  let created = 0;
  const mocks: pulumi.runtime.Mocks = {
    registerTransform: (t) => void transforms.push(t),
    call: (args) => {
      const provider = args.provider?.split("::")[3];
      const region = (provider ? providers.get(provider)?.region : undefined) ?? "us-east-1";
      return awsCall(args.token, (args.inputs ?? {}) as Record<string, unknown>, provider, region);
    },
    newResource: async (args) => {
      const registeredAt = registered++;
      let inputs = (args.inputs ?? {}) as Record<string, unknown>;
      for (const t of transforms) {
        const r = await t({ type: args.type, name: args.name, custom: args.custom ?? true, props: inputs, opts: {} });
        if (r) inputs = r.props as Record<string, unknown>;
      }
      const delay = opts.slowTypes?.[args.type] ?? 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const provider = args.provider?.split("::")[3];
      const where = provider ? providers.get(provider) : undefined;
      const [acct, region] = [where?.accountId ?? "000000000000", where?.region ?? "us-east-1"];
      // Ids depend on type and name only, so the same program gives the same ids (and deployment trigger) each run.
      const h = createHash("sha256").update(`${args.type}/${args.name}`).digest("hex");
      const ec2Prefix = EC2_ID_PREFIX.get(args.type);
      let id =
        args.type === "aws:apigateway/restApi:RestApi"
          ? h.slice(0, 10)
          : ec2Prefix
            ? `${ec2Prefix}-${h.slice(0, 17)}`
            : `${args.name}-${h.slice(0, 7)}`;
      let state: Record<string, unknown> = { ...inputs, ...awsState(args.type, inputs, id, acct, region, paths) };
      if (args.type === "pulumi:providers:aws")
        providers.set(args.name, { accountId: first(inputs.allowedAccountIds), region: first(inputs.region) });
      if (args.type === "pulumi:pulumi:StackReference") {
        const stack = String(inputs.name);
        if (!opts.stackOutputs || !Object.prototype.hasOwnProperty.call(opts.stackOutputs, stack))
          throw new Error(`Stack ${stack} does not exist`);
        id = stack;
        state = { name: stack, outputs: { ...opts.stackOutputs[stack] }, secretOutputNames: [] };
      }
      const self = args.type === "pulumi:providers:aws" ? providers.get(args.name) : where;
      resources.push({ type: args.type, name: args.name, id, inputs, state, provider, ...self, registeredAt, createdAt: created++ });
      return { id, state };
    },
  };
  await pulumi.runtime.setMocks(mocks, opts.project ?? projectOf(ROOT), opts.stack ?? "dev", false);
  pulumi.runtime.setAllConfig(opts.config ?? {});
  return resources;
}

/**
 * Runs `program` under {@link setMocks} inside a root stack and resolves what it returns. An error it
 * throws, or one thrown in an apply afterwards, is rethrown with `.run` (what was declared) attached.
 */
export async function runMocked(program: () => Record<string, unknown>, opts: MockOptions = {}): Promise<Run> {
  // Pulumi captures a stack per promise; under ts-node each is source-mapped, most of a run's time.
  const savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const recorded = await setMocks(opts);
  const warnings: string[] = [];
  const warn = console.warn;
  // Without an engine, pulumi.log.warn falls back to console.warn("warning: [runtime] …") (log/index.js).
  console.warn = (...a: unknown[]) => {
    const m = /^warning: \[runtime\] ([\s\S]*)$/.exec(a.map(String).join(" "));
    if (m) warnings.push(m[1]);
    else warn(...a);
  };
  let failure: unknown;
  let fail: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  // An error thrown in an apply is an unhandled rejection: the language host fails the program (cmd/run/run.js).
  const onRejection = (reason: unknown) => {
    failure ??= reason;
    fail(reason);
  };
  process.on("unhandledRejection", onRejection);
  const outputs: Record<string, unknown> = {};
  try {
    let exported: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => {
      for (const t of opts.transforms ?? []) pulumi.runtime.registerResourceTransform(t);
      try {
        exported = program();
      } catch (err) {
        failure = err;
      }
      return {};
    });
    try {
      for (const [key, value] of Object.entries<unknown>(failure === undefined ? exported : {})) {
        outputs[key] = await Promise.race([valueOf(value), failed]);
      }
    } catch {
      // `failure` holds the error.
    }
    await pulumi.runtime.disconnect();
  } finally {
    process.off("unhandledRejection", onRejection);
    console.warn = warn;
    Error.stackTraceLimit = savedLimit;
  }
  const run: Run = {
    resources: recorded.filter((r) => r.type !== "pulumi:pulumi:Stack"),
    outputs: failure === undefined ? outputs : {},
    warnings,
  };
  if (failure === undefined) return run;
  const err = failure instanceof Error ? failure : new Error(String(failure));
  // The runtime prefixes a message with each property it was serialized through (runtime/rpc.js).
  err.message = err.message.replace(/^(error serializing property "[^"]*": )+/, "");
  throw Object.assign(err, { run });
}

/** Resolves an Output (or plain value). */
export function valueOf<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => pulumi.output(value).apply((v) => (resolve(v as T), v)));
}

/** The project name in a program folder's Pulumi.yaml. */
export function projectOf(dir: string): string {
  const m = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
  if (!m) throw new Error(`${dir}/Pulumi.yaml names no project`);
  return m[1];
}

/** Runs a program's `index.ts` (this project's, or the one in `dir`), imported afresh after the mocks are set. */
export function runIndex(config: Record<string, string>, opts: MockOptions & { dir?: string } = {}): Promise<Run> {
  const index = path.join(opts.dir ?? ROOT, "index.ts");
  return runMocked(
    () => {
      delete require.cache[require.resolve(index)];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(index) as Record<string, unknown>;
    },
    { config, project: projectOf(opts.dir ?? ROOT), ...opts },
  );
}

/** The resources of one type. */
export const byType = (run: Run, type: string): Declared[] => run.resources.filter((r) => r.type === type);

/** The one resource of a type; fails naming the type and how many there were. */
export function one(run: Run, type: string): Declared {
  const found = byType(run, type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
}
