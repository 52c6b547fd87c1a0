/**
 * HolidaysApi alone under Pulumi mocks (as awsx tests FargateService): given only an explicit provider
 * on the component, every child is created with it (so each is parented to the component), and the
 * component's outputs are what it documents.
 */
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HolidaysApi } from "../../../components/holidaysApi";
import { type ProgramRun, runProgram } from "../../../twin/program";
import type { PolicyDocument } from "../../../lib/policy";

const CALLER = "arn:aws:iam::222222222222:role/caller";

function declare(extra: Partial<ConstructorParameters<typeof HolidaysApi>[1]> = {}): () => Record<string, unknown> {
  return () => {
    const provider = new aws.Provider("account-a", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
    const api = new HolidaysApi(
      "h",
      {
        region: "ap-northeast-1",
        objects: [
          { key: "api/v1/data.json", body: '{"2026-01-01":"元日"}\n' },
          { key: "api/v1/2026/data.json", year: 2026, body: '{"2026-01-01":"元日"}\n' },
        ],
        stageName: "test",
        invokerArns: [CALLER],
        ...extra,
      },
      { provider },
    );
    return {
      dataUrl: api.dataUrl,
      methodArn: api.methodArn,
      resourcePolicy: api.resourcePolicy,
      bucketName: api.bucketName,
      executionArn: api.executionArn,
    };
  };
}

describe("HolidaysApi component (alone)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({}, { program: declare() });
  });

  it("creates every child through the component's provider, i.e. as its child", () => {
    const children = run.resources.filter((r) => r.type.startsWith("aws:"));
    assert.ok(children.length >= 20, `expected the API's resources, got ${children.length}`);
    for (const r of children) assert.equal(r.provider, "account-a", `${r.type} ${r.name} did not inherit the component's provider`);
  });

  it("names each child after the component", () => {
    for (const r of run.resources.filter((x) => x.type.startsWith("aws:"))) assert.match(r.name, /^h-/, `${r.type} ${r.name}`);
  });

  it("exports the data URL, the method ARN on the stage, and the policy it applies", () => {
    assert.match(String(run.outputs.dataUrl), /^https:\/\/\w+\.execute-api\.ap-northeast-1\.amazonaws\.com\/test\/api\/v1\/data\.json$/);
    assert.equal(run.outputs.methodArn, `${String(run.outputs.executionArn)}/test/GET/api/v1/data.json`);
    const applied = run.resources.find((r) => r.type === "aws:apigateway/restApiPolicy:RestApiPolicy");
    assert.equal(applied?.inputs.policy, run.outputs.resourcePolicy);
    const doc = JSON.parse(String(run.outputs.resourcePolicy)) as PolicyDocument;
    assert.ok(JSON.stringify(doc).includes(CALLER), "the invoker appears in the policy");
  });

  it("takes Outputs for the access options (exclusive: Output<false> drops the deny of unlisted principals)", async () => {
    const denies = (r: ProgramRun) =>
      (JSON.parse(String(r.outputs.resourcePolicy)) as PolicyDocument).Statement.filter((s) => s.Effect === "Deny").length;
    const open = await runProgram({}, { program: declare({ exclusive: pulumi.output(false) }) });
    assert.equal(denies(open), denies(run) - 1, "exclusive (the default) adds exactly one Deny");
  });
});
