/**
 * `npm run verify -- --local`: the checks against the offline twin (twin/endpoint.ts): the program's
 * plan under mocks, served by the loopback execute-api gateway (each stage from its deployment's
 * snapshot) and the loopback control plane (Lambda Invoke running the real bundle, API Gateway reads,
 * STS). The stack outputs are the plan's outputs; the deploying identities of both accounts are the twin's.
 */
import { startTwin, type LocalIdentity, type RunOptions, type TwinOptions } from "../twin";
import { parseDeployedOutputs } from "./outputs";
import type { VerifyTarget } from "./target";

/**
 * `runOptions.transforms` builds a broken twin from the same program (tests); nothing in the program
 * changes. `twin.update` models a `pulumi up` of the stack config followed by one with `twin.overrides`.
 */
export async function localTarget(
  stack: string,
  runOptions: Omit<RunOptions, "stack"> = {},
  twin: Pick<TwinOptions, "overrides" | "update"> = {},
): Promise<VerifyTarget> {
  const t = await startTwin(stack, { ...twin, runOptions });
  const outputs = parseDeployedOutputs(stack, t.plan.run.outputs);
  const credentialsOf = (who: LocalIdentity) => async () => ({
    accessKeyId: who.accessKeyId,
    secretAccessKey: who.secretAccessKey,
    sessionToken: who.sessionToken,
  });
  return {
    description: `stack ${stack} on the offline twin (gateway ${t.gateway.url}, control plane ${t.controlPlane.endpoint})`,
    outputs,
    exclusive: t.plan.settings.exclusive,
    accountA: credentialsOf(t.deployers[0]),
    accountB: credentialsOf(t.deployers[t.deployers.length - 1]),
    endpoint: t.controlPlane.endpoint,
    resolveUrl: t.resolveUrl,
    close: () => t.close(),
  };
}
