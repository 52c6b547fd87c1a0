/**
 * HolidaysApi alone under Pulumi mocks (as awsx tests FargateService): given only an explicit provider
 * on the component, every child is created with it (so each is parented to the component), the
 * component's outputs are what it documents, and its children are exposed.
 */
import { strict as assert } from "node:assert";
import { Provider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { HolidaysApi, type HolidaysApiArgs } from "../../../components/holidaysApi";
import { type Run as ProgramRun, runMocked as runUnderMocks } from "../helpers/mocks";
import type { PolicyDocument } from "../../../lib/policy";

const CALLER = "arn:aws:iam::222222222222:role/caller";

function declare(extra: Partial<HolidaysApiArgs> = {}): () => Record<string, unknown> {
  return () => {
    const provider = new Provider("account-a", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
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
      children: {
        restApi: api.restApi.id,
        policy: api.policy.id,
        deployment: api.deployment.id,
        stage: api.stage.id,
        bucket: api.bucket.id,
        objects: api.objects.map((o) => o.id),
        integrationRole: api.integrationRole.arn,
      },
    };
  };
}

describe("HolidaysApi component (alone)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runUnderMocks(declare());
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
    const open = await runUnderMocks(declare({ exclusive: pulumi.output(false) }));
    assert.equal(denies(open), denies(run) - 1, "exclusive (the default) adds exactly one Deny");
  });

  it("exposes its children: the REST API, its policy, deployment and stage, the bucket and objects, the integration role", () => {
    const children = run.outputs.children as Record<string, unknown>;
    const idOf = (type: string) => run.resources.filter((r) => r.type === type).map((r) => r.id);
    assert.deepEqual(children.restApi, idOf("aws:apigateway/restApi:RestApi")[0]);
    assert.deepEqual(children.policy, idOf("aws:apigateway/restApiPolicy:RestApiPolicy")[0]);
    assert.deepEqual(children.deployment, idOf("aws:apigateway/deployment:Deployment")[0]);
    assert.deepEqual(children.stage, idOf("aws:apigateway/stage:Stage")[0]);
    assert.deepEqual(children.bucket, idOf("aws:s3/bucket:Bucket")[0]);
    assert.deepEqual(children.objects, idOf("aws:s3/bucketObjectv2:BucketObjectv2"));
    const integrationRole = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "h-s3-read");
    assert.equal(children.integrationRole, integrationRole?.state.arn);
    for (const i of run.resources.filter((r) => r.type === "aws:apigateway/integration:Integration"))
      assert.equal(i.inputs.credentials, children.integrationRole);
  });
});

describe("HolidaysApi component: args a user can get wrong", () => {
  const cases: [string, Partial<HolidaysApiArgs>, string][] = [
    ["dataRetention", { dataRetention: "keep" }, 'h: dataRetention = "keep": expected one of retain, destroy. Fix: pass "retain"'],
    [
      "stageName",
      { stageName: "dev stage" },
      `h: stageName = "dev stage": expected 1-128 letters, digits, '-' or '_'. Fix: pass stageName: "dev"`,
    ],
    [
      "region",
      { region: "Tokyo" },
      'h: region = "Tokyo": expected an AWS region name such as ap-northeast-1. Fix: pass region: "ap-northeast-1"',
    ],
  ];
  for (const [key, extra, message] of cases) {
    it(`refuses a bad ${key} with a one-line ResourceError before declaring any child`, async () => {
      await assert.rejects(runUnderMocks(declare(extra)), (err: Error & { run?: ProgramRun }) => {
        const declared = err.run?.resources ?? [];
        assert.ok(pulumi.ResourceError.isInstance(err), `expected a ResourceError, got ${err.constructor.name}`);
        assert.ok(err.message.startsWith(message), err.message);
        assert.ok(!err.message.includes("\n"), "one line");
        assert.deepEqual(
          declared.filter((r) => r.type.startsWith("aws:")).map((r) => r.type),
          [],
          "no child may be declared",
        );
        return true;
      });
    });
  }

  it("accepts dataRetention given as the documented strings", async () => {
    for (const dataRetention of ["retain", "destroy"]) {
      const r = await runUnderMocks(declare({ dataRetention }));
      const bucket = r.resources.find((x) => x.type === "aws:s3/bucket:Bucket");
      assert.equal(bucket?.inputs.forceDestroy, dataRetention === "destroy");
    }
  });
});
