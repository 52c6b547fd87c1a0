/**
 * The control plane under hostile input (the generator `npm run fuzz` uses, seeded and bounded here):
 * every unauthorized or malformed request is refused in AWS's error shape with a code AWS documents
 * for it, never 2xx or 5xx, and nothing throws. A legitimate request through the same harness still
 * gets 200, so the refusals are the twin's, not the harness's.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { type RunningTwin, startTwin } from "../../twin/endpoint";
import {
  type ControlPlaneTarget,
  KINDS,
  buildControlPlaneRequest,
  controlPlaneCaseArb,
  errorCodeOf,
  expectedCodes,
  legitimateRequest,
} from "../../tools/testkit/controlPlaneHostile";
import { send } from "../../tools/testkit/http";

describe("the control plane under hostile input", function () {
  this.timeout(120_000);
  let twin: RunningTwin;
  let target: ControlPlaneTarget;

  before(async () => {
    twin = await startTwin("dev");
    const intruder = twin.gateway.identities.find((i) => i.caller.principalArn.endsWith(":role/holidays-local-intruder"));
    assert.ok(intruder);
    const [a, b] = [twin.deployers[0], twin.deployers[twin.deployers.length - 1]];
    target = {
      endpoint: twin.controlPlane.endpoint,
      region: twin.plan.region,
      functionName: String(twin.plan.run.outputs.callerFunctionName),
      restApiId: String(twin.plan.run.outputs.restApiId),
      stageName: String(twin.plan.run.outputs.stageName),
      deployerA: a,
      deployerB: b,
      intruder,
    };
  });
  after(async () => twin?.close());

  const exchange = async (b: Awaited<ReturnType<typeof buildControlPlaneRequest>>) =>
    send(`${target.endpoint}${b.path}`, {
      method: b.method,
      headers: { ...b.headers, "content-length": String(Buffer.byteLength(b.body)) },
      body: b.body,
    });

  it("the harness's own signing is accepted: GetCallerIdentity, GetRestApi, GetStage as the identity that may call them are 200", async () => {
    for (const op of ["getCallerIdentity", "getRestApi", "getStage"] as const) {
      const r = await exchange(await legitimateRequest(target, op));
      assert.equal(r.status, 200, `${op}: ${r.status} ${r.body.slice(0, 200)}`);
    }
  });

  it("600 seeded hostile requests (every kind): each refused with a documented code in AWS's shape, 0 internal errors", async () => {
    const cases = fc.sample(controlPlaneCaseArb(), { seed: 23, numRuns: 600 });
    const kinds = new Set<string>();
    const bad: string[] = [];
    for (const c of cases) {
      kinds.add(c.kind);
      const r = await exchange(await buildControlPlaneRequest(target, c));
      const code = errorCodeOf(r);
      if (r.status < 400 || r.status >= 500 || code === undefined || !expectedCodes(c).includes(code))
        bad.push(`${JSON.stringify(c)} → ${r.status} ${code ?? "(not AWS's shape)"} ${r.body.slice(0, 120)}`);
    }
    assert.deepEqual(bad, []);
    assert.deepEqual([...kinds].sort(), [...KINDS].sort());
    assert.equal(twin.controlPlane.stats().internalErrors, 0);
  });

  it("reads both error shapes: REST-JSON (x-amzn-errortype + message) and the query protocol's XML", () => {
    assert.equal(
      errorCodeOf({ status: 403, headers: { "x-amzn-errortype": "AccessDeniedException" }, body: '{"message":"User: x"}' }),
      "AccessDeniedException",
    );
    assert.equal(
      errorCodeOf({
        status: 400,
        headers: {},
        body: "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>m</Message></Error></ErrorResponse>",
      }),
      "InvalidAction",
    );
    assert.equal(errorCodeOf({ status: 400, headers: {}, body: '{"message":"no type header"}' }), undefined);
  });
});
