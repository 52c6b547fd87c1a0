/**
 * examples/consumer under the product's Pulumi mocks, with its StackReference to the holidays stack
 * mocked. The round trip through the local gateway is the twin's: tests/twin/consumerRoundTrip.test.ts.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { type Run as ProgramRun, ROOT, one, runIndex as runProgram } from "./helpers/mocks";
import type { PolicyDocument } from "../../lib/policy";

const CONSUMER_DIR = path.join(ROOT, "examples", "consumer");
const HOLIDAYS_STACK = "acme/holidays-api/dev";
const consumerConfig = {
  "holidays-consumer:holidaysStack": HOLIDAYS_STACK,
  "holidays-consumer:accountId": "333333333333",
  "holidays-consumer:profile": "account-c",
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
    run = await runProgram(consumerConfig, { dir: CONSUMER_DIR, stack: "dev", stackOutputs: { [HOLIDAYS_STACK]: holidaysOutputs } });
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
      runProgram(consumerConfig, { dir: CONSUMER_DIR, stack: "dev", stackOutputs: { [HOLIDAYS_STACK]: incomplete } }),
      /Required output 'methodArn' does not exist on stack 'acme\/holidays-api\/dev'/,
    );
  });
});
