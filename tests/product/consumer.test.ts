/**
 * examples/consumer under Pulumi mocks, with its StackReference to the holidays stack mocked, and the
 * round trip: our outputs → the consumer's caller → its callerRoleArn → our invokerStacks → the
 * resource policy the local gateway enforces.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { startGateway } from "../../twin/gateway/server";
import { buildPlan } from "../../twin/plan";
import { ProgramRun, RecordedResource, runProgram } from "../../twin/program";
import { PROJECT_ROOT, readStackConfig } from "../../tools/cli/stackConfig";
import type { PolicyDocument } from "../../lib/policy";
import { send, sign } from "../../tools/testkit/http";

const CONSUMER_DIR = path.join(PROJECT_ROOT, "examples", "consumer");
const HOLIDAYS_STACK = "acme/holidays-api/dev";
const CONSUMER_STACK = "acme/holidays-consumer/dev";
const consumerConfig = {
  "holidays-consumer:holidaysStack": HOLIDAYS_STACK,
  "holidays-consumer:accountId": "333333333333",
  "holidays-consumer:profile": "account-c",
};
const one = (run: ProgramRun, type: string): RecordedResource => {
  const found = run.resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
  return found[0];
};

describe("examples/consumer under mocks (StackReference mocked)", function () {
  this.timeout(60_000);
  // What the holidays stack exports, written out here rather than computed, as a deployed stack would show them.
  const holidaysOutputs = {
    region: "ap-northeast-1",
    dataUrl: "https://abc123defg.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json",
    methodArn: "arn:aws:execute-api:ap-northeast-1:111111111111:abc123defg/dev/GET/api/v1/data.json",
  };
  let run: ProgramRun;
  before(async () => {
    run = await runProgram(consumerConfig, { programDir: CONSUMER_DIR, stack: "dev", stackOutputs: { [HOLIDAYS_STACK]: holidaysOutputs } });
  });

  it("reads the holidays stack through one StackReference, by its configured name", () => {
    assert.equal(one(run, "pulumi:pulumi:StackReference").inputs.name, HOLIDAYS_STACK);
  });

  it("puts its provider in the API's region (read from the stack) and pins its own account", () => {
    const p = one(run, "pulumi:providers:aws");
    assert.deepEqual([p.inputs.region, p.accountId, p.inputs.profile], ["ap-northeast-1", "333333333333", "account-c"]);
  });

  it("deploys CallerFunction with the stack's dataUrl and region, and grants exactly its methodArn", () => {
    const fn = one(run, "aws:lambda/function:Function");
    assert.equal(fn.provider, "consumer");
    assert.deepEqual((fn.inputs.environment as { variables: Record<string, string> }).variables, {
      API_URL: holidaysOutputs.dataUrl,
      API_REGION: "ap-northeast-1",
    });
    const invoke = run.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "consumer-invoke");
    const doc = JSON.parse(String(invoke?.inputs.policy)) as PolicyDocument;
    assert.deepEqual(
      doc.Statement.map((s) => [s.Effect, s.Action, s.Resource]),
      [["Allow", ["execute-api:Invoke"], [holidaysOutputs.methodArn]]],
    );
  });

  it("exports callerRoleArn, the output holidays-api's invokerStacks reads by default", () => {
    assert.match(String(run.outputs.callerRoleArn), /^arn:aws:iam::333333333333:role\/consumer-role-/);
    assert.ok(String(run.outputs.callerFunctionName).length > 0);
  });

  it("fails with Pulumi's message naming the output when the holidays stack does not export it", async () => {
    const { methodArn: _dropped, ...incomplete } = holidaysOutputs;
    await assert.rejects(
      runProgram(consumerConfig, { programDir: CONSUMER_DIR, stack: "dev", stackOutputs: { [HOLIDAYS_STACK]: incomplete } }),
      /Required output 'methodArn' does not exist on stack 'acme\/holidays-api\/dev'/,
    );
  });

  it("round trip: our outputs → the consumer → invokerStacks → the consumer's caller gets the holidays at the local gateway", async () => {
    // 1. holidays-api deployed first: its real outputs (under mocks).
    const ours = await runProgram(readStackConfig("dev"));
    // 2. the consumer, reading them.
    const consumer = await runProgram(consumerConfig, {
      programDir: CONSUMER_DIR,
      stack: "dev",
      stackOutputs: { [HOLIDAYS_STACK]: ours.outputs },
    });
    const consumerRole = String(consumer.outputs.callerRoleArn);
    const consumerInvokePolicy = JSON.parse(
      String(consumer.resources.find((r) => r.name === "consumer-invoke")?.inputs.policy),
    ) as PolicyDocument;
    // 3. holidays-api again, with the consumer's stack in invokerStacks.
    const plan = await buildPlan(
      "dev",
      { "holidays-api:invokerStacks": JSON.stringify([CONSUMER_STACK]) },
      { stackOutputs: { [CONSUMER_STACK]: consumer.outputs } },
    );
    assert.ok(JSON.stringify(plan.resourcePolicy).includes(consumerRole));
    assert.equal(plan.methodArn, ours.outputs.methodArn, "the consumer was granted the method the API still serves");
    const gw = await startGateway(plan, {
      identities: (base) => [
        ...base,
        {
          ...base[0],
          label: "the consumer's caller role (from invokerStacks)",
          caller: {
            principalArn: consumerRole,
            userArn: `arn:aws:sts::333333333333:assumed-role/${consumerRole.split("/").pop()}/s`,
            accountId: "333333333333",
          },
          identityPolicies: [consumerInvokePolicy],
          accessKeyId: "ASIACONSUMER00000001",
        },
      ],
    });
    try {
      const who = gw.identities[gw.identities.length - 1];
      const r = await send(gw.dataUrl, { headers: await sign(gw.dataUrl, who, { region: gw.region }) });
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), JSON.parse(plan.dataDocument));
    } finally {
      await gw.close();
    }
  });
});
