/**
 * The round trip of examples/consumer through the offline twin: our outputs → the consumer's caller →
 * its callerRoleArn → our invokerStacks → the resource policy the local gateway enforces.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { startGateway } from "../../twin/gateway/server";
import { buildPlan } from "../../twin/plan";
import { runProgram } from "../../twin/program";
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

describe("examples/consumer through the offline twin", function () {
  this.timeout(60_000);
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
