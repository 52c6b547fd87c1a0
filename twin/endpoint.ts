/**
 * The whole offline twin as an AWS endpoint: the program's plan under mocks, the loopback execute-api
 * gateway serving each stage's deployment snapshot (twin/deployments.ts), and the loopback control
 * plane (Lambda Invoke, API Gateway reads, STS GetCallerIdentity) — with a deploying identity per
 * account, an administrator on the control plane. `npm run gateway` and `npm run verify -- --local`
 * both start it.
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../lib/arn";
import { writeCallerBundle } from "../lambda/bundle";
import type { PolicyDocument } from "../lib/policy";
import { UsageError } from "../tools/cli/args";
import { startControlPlane, type RunningControlPlane } from "./controlPlane/server";
import { readDeclared } from "./declared";
import { deploymentState, type DeploymentState } from "./deployments";
import { endpointsOf, startGateway, type GatewayOptions, type RunningGateway } from "./gateway/server";
import { type LocalIdentity, mint } from "./identities";
import { endpointReachedBy } from "./network";
import { buildPlan, type Plan } from "./plan";
import type { RunOptions } from "./program";

const ADMIN: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] };

export interface TwinOptions {
  /** Config overrides of this run (`--set`). */
  overrides?: Iterable<[string, string | undefined]>;
  /** Resource transforms and the rest of the program run's options (a broken twin, in tests). */
  runOptions?: Omit<RunOptions, "stack">;
  /**
   * Model an update: the stack config without `overrides` (same transforms) was deployed first, then
   * `pulumi up` ran with them. Each stage serves what its deployment captured (twin/deployments.ts).
   * @default false: one fresh `pulumi up` of the current program
   */
  update?: boolean;
  gateway?: Omit<GatewayOptions, "identities">;
}

export interface RunningTwin {
  /** The program as declared now (what the control plane answers from). */
  plan: Plan;
  /** Deployments and what each stage serves. */
  deployments: DeploymentState;
  gateway: RunningGateway;
  controlPlane: RunningControlPlane;
  /** The deploying identity of each account (account A first), an administrator there. */
  deployers: LocalIdentity[];
  /** Maps a URL the stack exports (the execute-api host) to the local gateway. */
  resolveUrl(url: string): string;
  close(): Promise<void>;
}

/** The deploying identity of an account: `Action: *` on `*`, like the role `pulumi up` runs as. */
export function deployerOf(plan: Plan, accountId: string): LocalIdentity {
  return mint(
    {
      label: `deploying identity of account ${accountId}`,
      principalArn: `arn:${partitionOf(plan.region)}:iam::${accountId}:role/holidays-local-deployer`,
      accountId,
      identityPolicies: [ADMIN],
      holdsInvokeGrant: true,
    },
    {
      allowed: !plan.settings.exclusive,
      explicitDeny: false,
      reason: "an administrator of its account (Action *): refused exactly when exclusive, which admits only the named principals",
    },
  );
}

export async function startTwin(stack: string, opts: TwinOptions = {}): Promise<RunningTwin> {
  const overrides = [...(opts.overrides ?? [])];
  const plan = await buildPlan(stack, overrides, opts.runOptions);
  const previous = opts.update ? (await buildPlan(stack, [], opts.runOptions)).run : undefined;
  const deployments = deploymentState(plan.run, previous);
  const declared = readDeclared(deployments.served);
  const served: Plan = { ...plan, declared, resourcePolicy: declared.api.resourcePolicy ?? { Version: "2012-10-17", Statement: [] } };

  const deployers = [deployerOf(plan, plan.accountA), ...(plan.accountB !== plan.accountA ? [deployerOf(plan, plan.accountB)] : [])];
  const gateway = await startGateway(served, { ...opts.gateway, identities: (base) => [...base, ...deployers] });
  // The twin's "DNS": the API's execute-api host is served by the local gateway.
  const apiOrigin = `https://${String(plan.run.outputs.restApiId)}.execute-api.${plan.region}.amazonaws.com`;
  const resolveTo = (origin: string) => (url: string) =>
    url.startsWith(`${apiOrigin}/`) ? `${origin}${url.slice(apiOrigin.length)}` : url;
  const gatewayOrigin = new URL(gateway.url).origin;
  // From here (outside any VPC) the name reaches the main listener; from the caller Lambda, what its
  // declared vpcConfig reaches: the endpoint's listener with private DNS (twin/network.ts), else the main one.
  const resolveUrl = resolveTo(gatewayOrigin);
  const fn = served.declared.network.functions.find((f) => f.roleArn === plan.callerRoleArn);
  const reached = fn && endpointReachedBy(served.declared.network, fn, plan.region);
  const listener = reached && gateway.endpoints.find((e) => e.id === reached.id);
  const lambdaResolveUrl = resolveTo(listener ? new URL(listener.url).origin : gatewayOrigin);
  let controlPlane: RunningControlPlane;
  try {
    controlPlane = await startControlPlane(plan, {
      identities: gateway.identities,
      bundlePath: writeCallerBundle().path,
      resolveUrl: lambdaResolveUrl,
      deployments,
    });
  } catch (err) {
    await gateway.close();
    throw err;
  }
  return {
    plan,
    deployments,
    gateway,
    controlPlane,
    deployers,
    resolveUrl,
    close: async () => {
      await controlPlane.close();
      await gateway.close();
    },
  };
}

/**
 * `--transform PATH`: a module whose default export (or `transform` export) is a
 * `pulumi.ResourceTransform`, registered before the program runs (twin/transforms/ has examples).
 */
export function loadTransform(file: string): pulumi.ResourceTransform {
  const resolved = path.resolve(file);
  let mod: { default?: unknown; transform?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(resolved) as typeof mod;
  } catch (err) {
    throw new UsageError(`--transform ${file}: cannot load it (${(err as Error).message.split("\n")[0]}); pass a .ts or .js module path`);
  }
  const t = typeof mod.default === "function" ? mod.default : mod.transform;
  if (typeof t !== "function") {
    throw new UsageError(`--transform ${file}: it exports no function; export default a pulumi.ResourceTransform (see twin/transforms/)`);
  }
  return t as pulumi.ResourceTransform;
}

const credentialsOf = (i: LocalIdentity) => ({
  arn: i.caller.principalArn,
  accessKeyId: i.accessKeyId,
  secretAccessKey: i.secretAccessKey,
  sessionToken: i.sessionToken,
});

/**
 * The contract line of `npm run gateway`: the gateway's fields (url, dataUrl, region, allowed, denied),
 * `endpoints`, plus `controlPlaneUrl`, the stack `outputs` (keys as `pulumi stack output` prints them), each
 * account's `deployers` credentials, and each stage's deployment (`stale` when it serves an older snapshot).
 */
export function twinContractLine(twin: RunningTwin): string {
  const gw = twin.gateway;
  return JSON.stringify({
    url: gw.url,
    dataUrl: gw.dataUrl,
    region: gw.region,
    controlPlaneUrl: twin.controlPlane.endpoint,
    outputs: twin.plan.run.outputs,
    allowed: gw.identities.filter((i) => i.expectAllowed && !twin.deployers.includes(i)).map(credentialsOf),
    denied: gw.identities.filter((i) => !i.expectAllowed && !twin.deployers.includes(i)).map(credentialsOf),
    deployers: twin.deployers.map((i) => ({ accountId: i.caller.accountId, ...credentialsOf(i) })),
    endpoints: endpointsOf(gw),
    stages: twin.deployments.stages.map((s) => ({ stageName: s.stageName, deploymentId: s.deploymentId, stale: s.stale })),
  });
}

const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Shell lines that point the AWS CLI and SDKs at the twin: `AWS_ENDPOINT_URL` (one endpoint for every
 * service: AWS SDKs and Tools Reference Guide, "Service-specific endpoints"), `AWS_REGION` (the SDKs) and
 * `AWS_DEFAULT_REGION` (the AWS CLI: "Environment variables to configure the AWS CLI"; 2.9 reads no AWS_REGION), and the
 * credentials of account B's deployer (who may invoke the caller function); account A's as a comment.
 */
export function twinShellLines(twin: RunningTwin): string {
  const [a, b] = [twin.deployers[0], twin.deployers[twin.deployers.length - 1]];
  const creds = (i: LocalIdentity) =>
    `AWS_ACCESS_KEY_ID=${quoted(i.accessKeyId)} AWS_SECRET_ACCESS_KEY=${quoted(i.secretAccessKey)} AWS_SESSION_TOKEN=${quoted(i.sessionToken)}`;
  return [
    `export AWS_ENDPOINT_URL=${quoted(twin.controlPlane.endpoint)} AWS_REGION=${quoted(twin.plan.region)} AWS_DEFAULT_REGION=${quoted(twin.plan.region)}`,
    `# the deploying identity of account ${b.caller.accountId} (${b.caller.principalArn})`,
    `export ${creds(b)}`,
    ...(a !== b ? [`# account ${a.caller.accountId}'s (aws apigateway …), as a prefix of one command:`, `# ${creds(a)}`] : []),
    '# AWS CLI v2 before 2.13 reads no AWS_ENDPOINT_URL: pass --endpoint-url "$AWS_ENDPOINT_URL"',
    "",
  ].join("\n");
}
