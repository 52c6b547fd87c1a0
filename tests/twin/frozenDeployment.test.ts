/**
 * Deployments freeze what they captured: a stage serves its deployment's snapshot, so a policy changed
 * without a new deployment is not live ("Deploy REST APIs in API Gateway": a deployment is a snapshot;
 * the stale stage of hashicorp/terraform-provider-aws#20811). Each twin models a `pulumi up` of the dev
 * stack followed by one that adds a source-IP allow list that loopback is outside of (203.0.113.0/24).
 * The expected answers are stated here from the two policies as written, not from the twin's code.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { holidaysForYears } from "../../lib/holidays";
import { loadTransform, type RunningTwin, startTwin } from "../../twin/endpoint";
import type { LocalIdentity } from "../../twin/identities";
import { send, sign } from "../../tools/testkit/http";

const POLICY_CHANGE: [string, string][] = [["holidays-api:sourceIpAllowList", '["203.0.113.0/24"]']];
const DROP_TRIGGER = path.join(__dirname, "../../twin/transforms/dropRedeployTrigger.ts");
/** The dev stack's years (Pulumi.dev.yaml), written out. */
const DEV_YEARS = [2019, 2020, 2025, 2026, 2027];

async function callAsCaller(twin: RunningTwin) {
  const gw = twin.gateway;
  const caller = gw.identities.find((i: LocalIdentity) => i.caller.principalArn === twin.plan.callerRoleArn);
  assert.ok(caller, "the twin has the caller role's identity");
  const r = await send(gw.dataUrl, { headers: await sign(gw.dataUrl, caller, { region: gw.region }) });
  return { status: r.status, type: r.headers["x-amzn-errortype"], body: JSON.parse(r.body) as unknown, caller };
}

describe("deployments freeze what they captured (a policy change without a redeploy)", function () {
  this.timeout(60_000);

  it("the trigger removed by a resource transform: the stage keeps serving the old policy's answer, and is marked stale", async () => {
    const twin = await startTwin("dev", {
      overrides: POLICY_CHANGE,
      update: true,
      runOptions: { transforms: [loadTransform(DROP_TRIGGER)] },
    });
    try {
      // The old policy (no source-IP statement) lets the caller in from 127.0.0.1: 200 and the holidays.
      const r = await callAsCaller(twin);
      assert.equal(r.status, 200, `expected the old answer, got ${r.status} ${String(r.type)}`);
      assert.deepEqual(r.body, holidaysForYears(DEV_YEARS));
      // The API's policy itself did change (GetRestApi shows it); only the stage serves the old snapshot.
      assert.ok(twin.plan.resourcePolicy.Statement.some((s) => s.Sid === "DenyOutsideSourceIpAllowList"));
      assert.deepEqual(
        twin.deployments.stages.map((s) => [s.stageName, s.stale, s.deployment.createdIn]),
        [["dev", true, "previous"]],
      );
    } finally {
      await twin.close();
    }
  });

  it("the normal program (trigger intact): the update replaces the deployment and the stage serves the new policy", async () => {
    const twin = await startTwin("dev", { overrides: POLICY_CHANGE, update: true });
    try {
      // The new policy denies every source outside 203.0.113.0/24: an explicit deny (IAM's wording).
      const r = await callAsCaller(twin);
      assert.deepEqual([r.status, r.type], [403, "AccessDeniedException"]);
      const methodArn = `arn:aws:execute-api:ap-northeast-1:111111111111:${String(twin.plan.run.outputs.restApiId)}/dev/GET/api/v1/data.json`;
      assert.deepEqual(r.body, {
        Message: `User: ${r.caller.caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${methodArn} with an explicit deny`,
      });
      assert.deepEqual(
        twin.deployments.stages.map((s) => [s.stageName, s.stale, s.deployment.createdIn]),
        [["dev", false, "current"]],
      );
    } finally {
      await twin.close();
    }
  });

  it("without a previous deployment the dropped trigger does not matter: a first `pulumi up` serves the policy it declares", async () => {
    const twin = await startTwin("dev", { overrides: POLICY_CHANGE, runOptions: { transforms: [loadTransform(DROP_TRIGGER)] } });
    try {
      const r = await callAsCaller(twin);
      assert.deepEqual([r.status, r.type], [403, "AccessDeniedException"]);
      assert.equal(twin.deployments.stages[0]?.stale, false);
    } finally {
      await twin.close();
    }
  });
});
