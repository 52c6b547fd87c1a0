/**
 * The choices that cross languages as plain strings (no union type survives the component schema):
 * CallerFunction `runtime` and HolidaysApi `dataRetention` accept exactly their documented values and
 * refuse anything else as a one-line pulumi.ResourceError, before any child is declared.
 */
import { strict as assert } from "node:assert";
import { Provider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { CallerFunction } from "../../../components/callerFunction";
import { HolidaysApi } from "../../../components/holidaysApi";
import { runMocked as runUnderMocks } from "../helpers/mocks";

const ROUTE = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/data.json";

const caller = (runtime: string | undefined) => () => {
  const provider = new Provider("account-b", { region: "ap-northeast-1", allowedAccountIds: ["222222222222"] });
  const c = new CallerFunction(
    "c",
    { apiUrl: "https://example.invalid/dev/api/v1/data.json", apiRegion: "ap-northeast-1", methodArns: [ROUTE], runtime },
    { provider },
  );
  return { functionName: c.functionName };
};
const api = (dataRetention: string | undefined) => () => {
  const provider = new Provider("account-a", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
  const h = new HolidaysApi(
    "h",
    {
      region: "ap-northeast-1",
      objects: [{ key: "api/v1/data.json", body: "{}\n" }],
      stageName: "test",
      invokerArns: ["arn:aws:iam::222222222222:role/r"],
      dataRetention,
    },
    { provider },
  );
  return { bucketName: h.bucketName };
};
/** The run's error: a ResourceError of one line, with no child of the component declared. */
async function refusal(program: () => Record<string, unknown>): Promise<string> {
  let caught: unknown;
  try {
    await runUnderMocks(program);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error && pulumi.ResourceError.isInstance(caught), `expected a ResourceError, got ${String(caught)}`);
  assert.doesNotMatch(caught.message, /\n/);
  const run = (caught as Error & { run?: { resources: { type: string }[] } }).run;
  assert.deepEqual(
    (run?.resources ?? []).filter((r) => !r.type.startsWith("pulumi:providers:") && !r.type.startsWith("holidays:")),
    [],
  );
  return caught.message;
}

describe("string choices of the components", () => {
  it("CallerFunction runtime: nodejs22.x by default, nodejs20.x or nodejs22.x when given", async () => {
    for (const [given, expected] of [
      [undefined, "nodejs22.x"],
      ["nodejs20.x", "nodejs20.x"],
      ["nodejs22.x", "nodejs22.x"],
    ] as const) {
      const run = await runUnderMocks(caller(given));
      assert.equal(run.resources.find((r) => r.type === "aws:lambda/function:Function")?.inputs.runtime, expected);
    }
  });

  it("CallerFunction refuses another runtime", async () => {
    assert.match(
      await refusal(caller("python3.12")),
      /^c: runtime = "python3\.12": expected one of nodejs20\.x, nodejs22\.x\. Fix: pass runtime: "nodejs22\.x"$/,
    );
  });

  it("HolidaysApi dataRetention: retain keeps the bucket on destroy, destroy force-destroys it", async () => {
    for (const [given, forceDestroy] of [
      [undefined, false],
      ["retain", false],
      ["destroy", true],
    ] as const) {
      const run = await runUnderMocks(api(given));
      assert.equal(run.resources.find((r) => r.type === "aws:s3/bucket:Bucket")?.inputs.forceDestroy, forceDestroy, String(given));
    }
  });

  it("HolidaysApi refuses another dataRetention", async () => {
    assert.match(
      await refusal(api("keep")),
      /^h: dataRetention = "keep": expected one of retain, destroy\. Fix: pass "retain" \(keep the data on destroy\) or "destroy"$/,
    );
  });
});
