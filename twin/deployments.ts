/**
 * A stage serves its deployment's snapshot ("Deploy REST APIs in API Gateway"), modelled from program runs: an
 * unchanged Deployment keeps what it captured in the previous run; a changed one is replaced and captures now.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../lib/canonicalJson";
import type { ProgramRun, RecordedResource } from "./program";
import { TYPE } from "./resourceTypes";

/** The resources a deployment snapshots: the policy and the API's paths, methods, integrations and responses. */
export const DEFINITION_TYPES: ReadonlySet<string> = new Set([
  TYPE.restApiPolicy,
  TYPE.resource,
  TYPE.method,
  TYPE.integration,
  TYPE.methodResponse,
  TYPE.integrationResponse,
]);
const DEPLOYMENT = TYPE.deployment;
const STAGE = TYPE.stage;

export interface DeploymentRecord {
  /** What GetDeployments answers: a new id per created deployment (a replacement is a new deployment). */
  id: string;
  /** The Deployment as the program declares it now. */
  resource: RecordedResource;
  restApiId: string;
  description?: string;
  /** Which run created it: `previous` when the update left it alone. */
  createdIn: "previous" | "current";
  /** Ordering of creation across both runs (previous run first). */
  createdOrder: number;
  /** The definition resources it captured. */
  snapshot: RecordedResource[];
}

export interface StageRecord {
  stageName: string;
  restApiId: string;
  deploymentId: string;
  deployment: DeploymentRecord;
  /** The deployment's snapshot differs from the definition the program declares now. */
  stale: boolean;
}

export interface DeploymentState {
  deployments: DeploymentRecord[];
  stages: StageRecord[];
  /** `current`'s resources with each API's definition replaced by the snapshot its stage serves. */
  served: RecordedResource[];
}

const keyOf = (r: RecordedResource) => `${r.type}::${r.name}`;
const apiOf = (r: RecordedResource) => String(r.inputs.restApi ?? r.inputs.restApiId ?? "");
const sameInputs = (a: RecordedResource, b: RecordedResource) => canonicalJson(a.inputs) === canonicalJson(b.inputs);

/** A definition compared as what a deployment would capture: each resource's type, name and inputs. */
export function definitionText(resources: readonly RecordedResource[]): string {
  return canonicalJson([...resources].sort((a, b) => keyOf(a).localeCompare(keyOf(b))).map((r) => ({ key: keyOf(r), inputs: r.inputs })));
}

export function deploymentState(current: ProgramRun, previous?: ProgramRun): DeploymentState {
  const before = new Map((previous?.resources ?? []).map((r) => [keyOf(r), r]));
  const definitionOf = (run: readonly RecordedResource[], apiId: string) =>
    run.filter((r) => DEFINITION_TYPES.has(r.type) && apiOf(r) === apiId);
  const offset = (previous?.resources.length ?? 0) + 1;

  const deployments: DeploymentRecord[] = current.resources
    .filter((r) => r.type === DEPLOYMENT)
    .map((d) => {
      const restApiId = apiOf(d);
      const old = before.get(keyOf(d));
      // Unchanged inputs: no diff, Pulumi leaves it. A snapshot holds what was created before the deployment
      // (the mocks record creation order: hence the program's dependsOn), plus what an update left unchanged.
      const kept = old !== undefined && previous !== undefined && sameInputs(old, d);
      const snapshot = kept
        ? definitionOf(previous.resources, restApiId).filter((r) => r.createdAt < old.createdAt)
        : definitionOf(current.resources, restApiId).filter((r) => {
            const was = before.get(keyOf(r));
            return (was !== undefined && sameInputs(was, r)) || r.createdAt < d.createdAt;
          });
      const createdIn = kept ? "previous" : "current";
      const createdOrder = kept ? old.createdAt : offset + d.createdAt;
      // A replaced deployment is a new one with a new id; the mocks' id is by name, so the run is hashed in.
      const epoch = createdIn === "current" && previous !== undefined ? 1 : 0;
      const id = createHash("sha256")
        .update(`${d.id}\u0000${epoch}\u0000${canonicalJson(d.inputs)}`)
        .digest("hex")
        .slice(0, 6);
      return {
        id,
        resource: d,
        restApiId,
        description: typeof d.inputs.description === "string" ? d.inputs.description : undefined,
        createdIn,
        createdOrder,
        snapshot,
      };
    });

  const stages: StageRecord[] = [];
  for (const s of current.resources.filter((r) => r.type === STAGE)) {
    const deployment = deployments.find((d) => d.resource.id === String(s.inputs.deployment));
    if (!deployment) continue;
    const now = definitionOf(current.resources, deployment.restApiId);
    stages.push({
      stageName: String(s.inputs.stageName),
      restApiId: deployment.restApiId,
      deploymentId: deployment.id,
      deployment,
      stale: definitionText(deployment.snapshot) !== definitionText(now),
    });
  }

  const servedApis = new Map(stages.map((s) => [s.restApiId, s.deployment.snapshot]));
  const served = [
    ...current.resources.filter((r) => !(DEFINITION_TYPES.has(r.type) && servedApis.has(apiOf(r)))),
    ...[...servedApis.values()].flat(),
  ];
  return { deployments, stages, served };
}
