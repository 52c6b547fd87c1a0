/**
 * `npm run verify -- --local`: the checks against the offline twin. The twin is the program's plan
 * under mocks, served by the loopback execute-api gateway (twin/gateway) and the loopback control
 * plane (twin/controlPlane: Lambda Invoke running the real bundle, API Gateway GetRestApi, GetStage,
 * GetDeployments, GetResources, TestInvokeMethod). The stack outputs are the plan's outputs; the
 * deploying identities of both accounts are minted like the gateway's other local identities.
 */
import { partitionOf } from "../lib/arn";
import { writeCallerBundle } from "../lambda/bundle";
import { startControlPlane, startGateway, LocalIdentity, mint, buildPlan, type RunOptions, endpointReachedBy } from "../twin";
import { parseDeployedOutputs } from "./outputs";
import type { VerifyTarget } from "./target";

const ADMIN = { Version: "2012-10-17" as const, Statement: [{ Effect: "Allow" as const, Action: ["*"], Resource: ["*"] }] };

/** `runOptions.transforms` builds a broken twin from the same program (tests); nothing in the program changes. */
export async function localTarget(
  stack: string,
  runOptions: Omit<RunOptions, "stack"> = {},
  overrides: [string, string | undefined][] = [],
): Promise<VerifyTarget> {
  const plan = await buildPlan(stack, overrides, runOptions);
  const settings = plan.settings;
  const outputs = parseDeployedOutputs(stack, plan.run.outputs);
  const deployer = (accountId: string) =>
    mint(
      {
        label: `deploying identity of account ${accountId}`,
        principalArn: `arn:${partitionOf(plan.region)}:iam::${accountId}:role/holidays-local-deployer`,
        accountId,
        identityPolicies: [ADMIN],
        holdsInvokeGrant: true,
      },
      {
        allowed: !settings.exclusive,
        explicitDeny: false,
        reason: "as stated by npm run verify: a deployer is refused exactly when exclusive",
      },
    );
  const deployers: LocalIdentity[] = [deployer(plan.accountA), ...(plan.accountB !== plan.accountA ? [deployer(plan.accountB)] : [])];
  const gw = await startGateway(plan, { identities: (base) => [...base, ...deployers] });
  // The twin's "DNS": the API's execute-api host is served by the local gateway.
  const apiOrigin = `https://${outputs.restApiId}.execute-api.${outputs.region}.amazonaws.com`;
  const gatewayOrigin = new URL(gw.url).origin;
  const resolveTo = (origin: string) => (url: string) =>
    url.startsWith(`${apiOrigin}/`) ? `${origin}${url.slice(apiOrigin.length)}` : url;
  // From here (outside any VPC) the name reaches the main listener; from the caller Lambda, what its
  // declared vpcConfig reaches: the endpoint's listener with private DNS (twin/network.ts), else the main one.
  const resolveUrl = resolveTo(gatewayOrigin);
  const fn = plan.declared.network.functions.find((f) => f.roleArn === plan.callerRoleArn);
  const reached = fn && endpointReachedBy(plan.declared.network, fn, plan.region);
  const listener = reached && gw.endpoints.find((e) => e.id === reached.id);
  const lambdaResolveUrl = resolveTo(listener ? new URL(listener.url).origin : gatewayOrigin);
  const cp = await startControlPlane(plan, {
    identities: gw.identities,
    bundlePath: writeCallerBundle().path,
    resolveUrl: lambdaResolveUrl,
  });
  const credentialsOf = (who: LocalIdentity) => async () => ({
    accessKeyId: who.accessKeyId,
    secretAccessKey: who.secretAccessKey,
    sessionToken: who.sessionToken,
  });
  return {
    description: `stack ${stack} on the offline twin (gateway ${gw.url}, control plane ${cp.endpoint})`,
    outputs,
    exclusive: settings.exclusive,
    accountA: credentialsOf(deployers[0]),
    accountB: credentialsOf(deployers[deployers.length - 1]),
    endpoint: cp.endpoint,
    resolveUrl,
    close: async () => {
      await cp.close();
      await gw.close();
    },
  };
}
