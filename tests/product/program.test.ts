/**
 * The real index.ts under the product tests' own Pulumi mocks (helpers/mocks: setMocks is called before
 * the program is imported afresh), asserting by resource type and input.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { bundleCaller } from "../../lambda/bundle";
import { type Declared as RecordedResource, type Run as ProgramRun, byType, one, runIndex as runProgram } from "./helpers/mocks";
import { readStackConfig } from "../../tools/cli/stackConfig";
import type { PolicyDocument } from "../../lib/policy";

const dev = readStackConfig("dev");
const policyOf = (r: RecordedResource): PolicyDocument => JSON.parse(String(r.inputs.policy)) as PolicyDocument;
/** The resource of this type and logical name. */
const named = (run: ProgramRun, type: string, name: string): RecordedResource => {
  const found = byType(run, type).find((r) => r.name === name);
  assert.ok(found, `no ${type} named ${name}`);
  return found;
};

/** One run of the dev stack, read by every test that needs that stack unchanged; tests that vary it run their own. */
let devRun: Promise<ProgramRun> | undefined;
const devStack = (): Promise<ProgramRun> => (devRun ??= runProgram(dev));

const ACCOUNT_A_TYPES = /^aws:(s3|apigateway)\//;

describe("program under mocks (dev stack)", function () {
  let run: ProgramRun;
  before(async () => {
    run = await devStack();
  });

  it("gives every AWS resource an explicit provider", () => {
    const aws = run.resources.filter((r) => r.type.startsWith("aws:"));
    assert.ok(aws.length > 20);
    for (const r of aws)
      assert.ok(r.provider === "accountA" || r.provider === "accountB", `${r.type} ${r.name} has provider ${r.provider}`);
  });

  it("pins each provider to its account with allowedAccountIds", () => {
    const pinned = byType(run, "pulumi:providers:aws").map((p) => [p.name, p.accountId, p.inputs.region, p.inputs.profile]);
    assert.deepEqual(pinned.sort(), [
      ["accountA", "111111111111", "ap-northeast-1", "account-a"],
      ["accountB", "222222222222", "ap-northeast-1", "account-b"],
    ]);
  });

  it("puts API and S3 resources in account A, the Lambda and its role in account B", () => {
    for (const r of run.resources.filter((x) => ACCOUNT_A_TYPES.test(x.type))) assert.equal(r.provider, "accountA", `${r.type} ${r.name}`);
    assert.equal(one(run, "aws:lambda/function:Function").provider, "accountB");
    const callerRole = byType(run, "aws:iam/role:Role").find((r) => r.name === "caller-role");
    assert.equal(callerRole?.provider, "accountB");
    assert.equal(one(run, "aws:cloudwatch/logGroup:LogGroup").provider, "accountB");
  });

  it("allows the caller role's mocked ARN, and nothing else, through account B's principal and ArnEquals aws:PrincipalArn (hashicorp/terraform-provider-aws#29392)", () => {
    const doc = policyOf(one(run, "aws:apigateway/restApiPolicy:RestApiPolicy"));
    const allow = doc.Statement.filter((s) => s.Effect === "Allow");
    assert.equal(allow.length, 1);
    assert.deepEqual(allow[0].Principal, { AWS: ["arn:aws:iam::222222222222:root"] });
    assert.deepEqual(allow[0].Condition, { ArnEquals: { "aws:PrincipalArn": [run.outputs.callerRoleArn] } });
    assert.match(String(run.outputs.callerRoleArn), /^arn:aws:iam::222222222222:role\/caller-role-/);
    for (const s of doc.Statement) if (s.Principal === "*") assert.equal(s.Effect, "Deny", "a wildcard principal may only ever deny");
  });

  it("scopes the policy and the caller's permission to exactly the two GET routes", () => {
    const execution = String(run.outputs.executionArn);
    const routes = [`${execution}/dev/GET/api/v1/*/data.json`, `${execution}/dev/GET/api/v1/data.json`];
    assert.equal(run.outputs.methodArn, `${execution}/dev/GET/api/v1/data.json`);
    assert.deepEqual([...(run.outputs.methodArns as string[])].sort(), routes);
    const allow = policyOf(one(run, "aws:apigateway/restApiPolicy:RestApiPolicy")).Statement[0];
    assert.deepEqual(allow.Resource, routes);
    assert.deepEqual(allow.Action, ["execute-api:Invoke"]);
    const invoke = byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "caller-invoke");
    assert.ok(invoke);
    assert.equal(invoke.provider, "accountB");
    assert.deepEqual(policyOf(invoke).Statement, [
      { Sid: "InvokeHolidaysApi", Effect: "Allow", Action: ["execute-api:Invoke"], Resource: routes },
    ]);
  });

  it("authorizes both GET methods with AWS_IAM and builds the paths from resources (one {year} resource), not an OpenAPI body", () => {
    const methods = byType(run, "aws:apigateway/method:Method");
    assert.deepEqual(
      methods.map((m) => [m.name, m.inputs.httpMethod, m.inputs.authorization]),
      [
        ["holidays-get", "GET", "AWS_IAM"],
        ["holidays-year-get", "GET", "AWS_IAM"],
      ],
    );
    assert.deepEqual(named(run, "aws:apigateway/method:Method", "holidays-year-get").inputs.requestParameters, {
      "method.request.path.year": true,
      "method.request.header.If-None-Match": false,
    });
    assert.equal(one(run, "aws:apigateway/restApi:RestApi").inputs.body, undefined);
    assert.equal(one(run, "aws:apigateway/restApi:RestApi").inputs.policy, undefined);
    assert.deepEqual(
      byType(run, "aws:apigateway/resource:Resource").map((r) => r.state.path),
      ["/api", "/api/v1", "/api/v1/data.json", "/api/v1/{year}", "/api/v1/{year}/data.json"],
    );
  });

  it("integrates each route with S3 through a role that may read exactly the routes' keys, {year} mapped into the key", () => {
    const bucket = String(run.outputs.bucketName);
    const data = named(run, "aws:apigateway/integration:Integration", "holidays-get-s3");
    const year = named(run, "aws:apigateway/integration:Integration", "holidays-year-get-s3");
    assert.deepEqual([data.inputs.type, year.inputs.type], ["AWS", "AWS"]);
    assert.equal(data.inputs.uri, `arn:aws:apigateway:ap-northeast-1:s3:path/${bucket}/api/v1/data.json`);
    assert.equal(year.inputs.uri, `arn:aws:apigateway:ap-northeast-1:s3:path/${bucket}/api/v1/{year}/data.json`);
    assert.deepEqual(year.inputs.requestParameters, {
      "integration.request.path.year": "method.request.path.year",
      "integration.request.header.If-None-Match": "method.request.header.If-None-Match",
    });
    const read = byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "holidays-s3-read");
    assert.ok(read);
    assert.deepEqual(policyOf(read).Statement[0].Action, ["s3:GetObject"]);
    assert.deepEqual(policyOf(read).Statement[0].Resource, [
      `arn:aws:s3:::${bucket}/api/v1/*/data.json`,
      `arn:aws:s3:::${bucket}/api/v1/data.json`,
    ]);
    for (const prefix of ["holidays-get", "holidays-year-get"]) {
      const ok = named(run, "aws:apigateway/integrationResponse:IntegrationResponse", `${prefix}-200`);
      assert.deepEqual(ok.inputs.responseParameters, {
        "method.response.header.Content-Type": "integration.response.header.Content-Type",
        "method.response.header.ETag": "integration.response.header.ETag",
        "method.response.header.Last-Modified": "integration.response.header.Last-Modified",
      });
      const notModified = named(run, "aws:apigateway/integrationResponse:IntegrationResponse", `${prefix}-304`);
      assert.equal(notModified.inputs.selectionPattern, "304");
      assert.deepEqual(named(run, "aws:apigateway/methodResponse:MethodResponse", `${prefix}-304`).inputs.responseParameters, {
        "method.response.header.ETag": true,
        "method.response.header.Last-Modified": true,
      });
    }
    for (const r of byType(run, "aws:apigateway/integrationResponse:IntegrationResponse").filter(
      (x) => Number(x.inputs.statusCode) >= 400,
    )) {
      const body = JSON.stringify(r.inputs.responseTemplates);
      assert.ok(!body.includes(String(run.outputs.bucketName)), "error bodies never name the bucket");
    }
  });

  it("keeps the bucket private, encrypted, versioned and TLS-only", () => {
    const pab = one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
    assert.deepEqual(
      [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
      [true, true, true, true],
    );
    assert.deepEqual(one(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, {
      objectOwnership: "BucketOwnerEnforced",
    });
    assert.deepEqual(one(run, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, { status: "Enabled" });
    const sse = one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as {
      applyServerSideEncryptionByDefault: { sseAlgorithm: string };
    }[];
    assert.equal(sse[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
    const tls = policyOf(one(run, "aws:s3/bucketPolicy:BucketPolicy")).Statement[0];
    assert.deepEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": ["false"] } }]);
    assert.equal(one(run, "aws:s3/bucket:Bucket").inputs.acl, undefined);
  });

  it("uploads one object per dataset year (1970-2050), each holding only its year", () => {
    const objects = byType(run, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => o.inputs.key !== "api/v1/data.json");
    assert.deepEqual(
      objects.map((o) => o.inputs.key),
      Array.from({ length: 81 }, (_, i) => `api/v1/${1970 + i}/data.json`),
    );
    const y2019 = named(run, "aws:s3/bucketObjectv2:BucketObjectv2", "holidays-data-2019-json");
    const doc = JSON.parse(String(y2019.inputs.content)) as Record<string, string>;
    assert.equal(doc["2019-05-01"], "休日（祝日扱い）");
    assert.ok(Object.keys(doc).every((d) => d.startsWith("2019-")));
    assert.equal(y2019.inputs.contentType, "application/json; charset=utf-8");
  });

  it("uploads data.json as valid JSON holding the configured years", () => {
    const obj = named(run, "aws:s3/bucketObjectv2:BucketObjectv2", "holidays-data-json");
    assert.equal(obj.inputs.key, "api/v1/data.json");
    assert.equal(obj.inputs.contentType, "application/json; charset=utf-8");
    const data = JSON.parse(String(obj.inputs.content)) as Record<string, string>;
    assert.equal(data["2019-05-01"], "休日（祝日扱い）");
    assert.equal(data["2020-07-24"], "スポーツの日");
    assert.deepEqual([...new Set(Object.keys(data).map((d) => Number(d.slice(0, 4))))], run.outputs.holidayYears);
  });

  it("deploys the caller as the bundled handler on arm64 Node.js, with only the API URL and region in env", () => {
    const fn = one(run, "aws:lambda/function:Function").inputs;
    assert.deepEqual(fn.architectures, ["arm64"]);
    assert.match(String(fn.runtime), /^nodejs(20|22)\.x$/);
    assert.equal(fn.handler, "index.handler");
    assert.deepEqual(fn.environment, { variables: { API_URL: run.outputs.dataUrl, API_REGION: "ap-northeast-1" } });
    const log = one(run, "aws:cloudwatch/logGroup:LogGroup");
    assert.ok(Number(log.inputs.retentionInDays) > 0);
    const logs = byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "caller-logs");
    assert.deepEqual(policyOf(logs!).Statement[0].Resource, [`${String(log.state.arn)}:*`]);
  });

  it("exports what consumer projects read", () => {
    for (const key of ["dataUrl", "restApiId", "executionArn", "callerRoleArn", "callerFunctionName", "accountAId", "accountBId"]) {
      assert.ok(run.outputs[key], `missing output ${key}`);
    }
    assert.equal(run.outputs.accountAId, "111111111111");
    assert.equal(run.outputs.accountBId, "222222222222");
    assert.match(String(run.outputs.dataUrl), /^https:\/\/\w+\.execute-api\.ap-northeast-1\.amazonaws\.com\/dev\/api\/v1\/data\.json$/);
  });

  it("creates the stage on the deployment, whose triggers hash the policy", () => {
    const stage = one(run, "aws:apigateway/stage:Stage");
    assert.equal(stage.inputs.stageName, "dev");
    assert.match(String(stage.inputs.deployment), /^holidays-deployment-/);
    const deployment = one(run, "aws:apigateway/deployment:Deployment");
    assert.match(String((deployment.inputs.triggers as Record<string, string>).redeployment), /^[0-9a-f]{64}$/);
  });
  // API Gateway presents no aws:SourceAccount for an integration role (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479).
  it("lets API Gateway assume the integration's credentials role without SourceAccount/SourceArn conditions", () => {
    const integrations = byType(run, "aws:apigateway/integration:Integration");
    assert.equal(integrations.length, 2, "one per route");
    for (const integration of integrations) {
      const role = byType(run, "aws:iam/role:Role").find((r) => r.state.arn === integration.inputs.credentials);
      assert.ok(role, "the Integration's credentials name a declared role");
      assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement, [
        { Effect: "Allow", Principal: { Service: ["apigateway.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
      ]);
    }
  });

  it("states the Lambda's log levels next to the JSON log format, so previews show no diff (hashicorp/terraform-provider-aws#35301)", () => {
    assert.deepEqual(one(run, "aws:lambda/function:Function").inputs.loggingConfig, {
      logFormat: "JSON",
      applicationLogLevel: "INFO",
      systemLogLevel: "INFO",
      logGroup: one(run, "aws:cloudwatch/logGroup:LogGroup").state.name,
    });
  });

  it("expires noncurrent versions of the data object", () => {
    const rules = one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as {
      status: string;
      noncurrentVersionExpiration?: { noncurrentDays: number };
    }[];
    assert.ok(rules.some((r) => r.status === "Enabled" && Number(r.noncurrentVersionExpiration?.noncurrentDays) > 0));
  });

  it("makes the REST API dualstack, so IPv6 entries of sourceIpAllowList can match", () => {
    assert.deepEqual(one(run, "aws:apigateway/restApi:RestApi").inputs.endpointConfiguration, {
      types: "REGIONAL",
      ipAddressType: "dualstack",
    });
  });

  it("tags every resource with the project and the stack name, through each provider's default tags", () => {
    for (const p of byType(run, "pulumi:providers:aws")) {
      const tags = (JSON.parse(String(p.inputs.defaultTags)) as { tags: Record<string, string> }).tags;
      assert.deepEqual([tags.project, tags.stack], ["holidays-api", "dev"], p.name);
    }
  });
});

describe("program under mocks: deploy-path defects", function () {
  this.timeout(30_000);
  const triggersOf = (r: ProgramRun): string =>
    String((one(r, "aws:apigateway/deployment:Deployment").inputs.triggers as Record<string, string>).redeployment);
  const variant =
    (type: string, change: (p: Record<string, unknown>) => Record<string, unknown>): pulumi.ResourceTransform =>
    ({ type: t, props }) =>
      t === type ? { props: change(props as Record<string, unknown>), opts: {} } : undefined;

  it("writes every data object only after versioning, encryption, ownership and the public-access block exist", async () => {
    const configTypes = [
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ];
    const slow = await runProgram(dev, { slowTypes: Object.fromEntries(configTypes.map((t) => [t, 40])) });
    const objects = byType(slow, "aws:s3/bucketObjectv2:BucketObjectv2");
    assert.equal(objects.length, 1 + 81);
    for (const object of objects) {
      for (const type of configTypes) assert.ok(object.registeredAt > one(slow, type).createdAt, `${object.name} must wait for ${type}`);
    }
  });

  for (const [retention, forceDestroy] of [
    ["retain", false],
    ["destroy", true],
  ] as const) {
    it(`dataRetention=${retention}: the bucket is ${forceDestroy ? "force-destroyed with every version" : "not force-destroyed"}`, async () => {
      const r = await runProgram({ ...dev, "holidays-api:dataRetention": retention });
      assert.equal(one(r, "aws:s3/bucket:Bucket").inputs.forceDestroy, forceDestroy);
    });
  }

  // Each property below used to be outside the hand-picked fingerprint: a change updated the resource
  // but never redeployed the stage.
  const definitionChanges: [string, pulumi.ResourceTransform][] = [
    ["integration type", variant("aws:apigateway/integration:Integration", (p) => ({ ...p, type: "AWS_PROXY" }))],
    ["integrationHttpMethod", variant("aws:apigateway/integration:Integration", (p) => ({ ...p, integrationHttpMethod: "HEAD" }))],
    ["passthroughBehavior", variant("aws:apigateway/integration:Integration", (p) => ({ ...p, passthroughBehavior: "NEVER" }))],
    [
      "integration response parameters",
      variant("aws:apigateway/integrationResponse:IntegrationResponse", (p) => ({
        ...p,
        responseParameters: { ...(p.responseParameters as object), "method.response.header.Cache-Control": "'max-age=60'" },
      })),
    ],
    [
      "integration response templates",
      variant("aws:apigateway/integrationResponse:IntegrationResponse", (p) =>
        p.statusCode === "404" ? { ...p, responseTemplates: { "application/json": '{"message":"Gone"}' } } : p,
      ),
    ],
    [
      "a method response's parameters",
      variant("aws:apigateway/methodResponse:MethodResponse", (p) => ({
        ...p,
        responseParameters: { ...(p.responseParameters as object), "method.response.header.Cache-Control": true },
      })),
    ],
    [
      "method request parameters",
      variant("aws:apigateway/method:Method", (p) => ({ ...p, requestParameters: { "method.request.header.x-trace": false } })),
    ],
    [
      "the resource policy",
      variant("aws:apigateway/restApiPolicy:RestApiPolicy", (p) => ({
        ...p,
        policy: String(p.policy).replace("AllowInvokers", "AllowCallers"),
      })),
    ],
  ];
  it("derives the redeploy trigger from every API-definition resource: changing any one input changes it", async () => {
    const base = triggersOf(await devStack());
    // A second run of the same inputs.
    assert.equal(triggersOf(await runProgram(dev)), base, "unchanged inputs give the same trigger");
    for (const [what, transform] of definitionChanges) {
      assert.notEqual(triggersOf(await runProgram(dev, { transforms: [transform] })), base, `changing the ${what} must redeploy`);
    }
  });

  it("raises a bad config as a pulumi.RunError (the CLI prints the message alone, no stack trace)", async () => {
    await assert.rejects(runProgram({ ...dev, "holidays-api:sourceIpAllowList": '["0177.0.0.1/32"]' }), (err: Error) => {
      assert.ok(pulumi.RunError.isInstance(err), `expected a RunError, got ${err.constructor.name}`);
      assert.match(
        err.message,
        /holidays-api:sourceIpAllowList\[0\] = "0177\.0\.0\.1\/32": expected a list of CIDR blocks in standard notation/,
      );
      return true;
    });
  });
});

describe("program under mocks: variations", () => {
  const triggersOf = (run: ProgramRun): string =>
    String((one(run, "aws:apigateway/deployment:Deployment").inputs.triggers as Record<string, string>).redeployment);

  it("creates the deployment only after the policy, method and integration exist (hashicorp/terraform-provider-aws#20811), not merely from their text", async () => {
    // The mock takes 40 ms to create each of these; a deployment that did not wait for them would be
    // registered while they are still being created.
    const waitedFor = [
      "aws:apigateway/restApiPolicy:RestApiPolicy",
      "aws:apigateway/method:Method",
      "aws:apigateway/integration:Integration",
    ];
    const slow = await runProgram(dev, { slowTypes: Object.fromEntries(waitedFor.map((t) => [t, 40])) });
    const deployment = one(slow, "aws:apigateway/deployment:Deployment");
    for (const type of waitedFor) {
      for (const r of byType(slow, type))
        assert.ok(deployment.registeredAt > r.createdAt, `the deployment must wait for ${type} ${r.name}`);
    }
  });

  it("zips every file of the bundle into the caller's code: index.js and the credential chain beside it", async () => {
    // The mocks record an archive without its assets, so read them where the program hands them over.
    let assets: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> | undefined;
    await runProgram(dev, {
      transforms: [
        async ({ type, props }) => {
          if (type === "aws:lambda/function:Function") assets = await (props.code as pulumi.asset.AssetArchive).assets;
          return undefined;
        },
      ],
    });
    const { files } = bundleCaller();
    assert.deepEqual(Object.keys(assets ?? {}).sort(), ["credentialChain.js", "index.js"]);
    for (const [name, asset] of Object.entries(assets ?? {}))
      assert.equal(await (asset as pulumi.asset.StringAsset).text, files[name], name);
  });

  it("applies resource transforms registered through the public API (how tests build broken variants)", async () => {
    const variant = await runProgram(dev, {
      transforms: [
        ({ type, props }) =>
          type === "aws:apigateway/method:Method" ? { props: { ...props, authorization: "NONE" }, opts: {} } : undefined,
      ],
    });
    assert.equal(named(variant, "aws:apigateway/method:Method", "holidays-get").inputs.authorization, "NONE");
    assert.equal(
      named(await runProgram(dev), "aws:apigateway/method:Method", "holidays-get").inputs.authorization,
      "AWS_IAM",
      "a transform never leaks into the next run",
    );
  });

  it("changes the deployment triggers when the invoker set changes, and only then", async () => {
    const a = await devStack();
    const more = await runProgram({ ...dev, "holidays-api:invokers": JSON.stringify(["arn:aws:iam::222222222222:role/reporting"]) });
    assert.notEqual(triggersOf(a), triggersOf(more), "adding an invoker redeploys");
    const removed = await runProgram(dev);
    assert.equal(
      triggersOf(removed),
      triggersOf(a),
      "unchanged inputs give unchanged triggers; dropping the invoker redeploys back to the original policy",
    );
    const allow = policyOf(one(more, "aws:apigateway/restApiPolicy:RestApiPolicy")).Statement[0];
    assert.deepEqual(
      allow.Condition?.ArnEquals["aws:PrincipalArn"],
      [String(more.outputs.callerRoleArn), "arn:aws:iam::222222222222:role/reporting"].sort(),
    );
  });

  it("drops an option from the live policy and redeploys when it is removed from config", async () => {
    const withIp = await runProgram({ ...dev, "holidays-api:sourceIpAllowList": '["203.0.113.0/24"]' });
    const without = await runProgram(dev);
    const sids = (run: ProgramRun) => policyOf(one(run, "aws:apigateway/restApiPolicy:RestApiPolicy")).Statement.map((s) => s.Sid);
    assert.deepEqual(sids(withIp), ["AllowInvokers", "DenyUnlistedPrincipals", "DenyOutsideSourceIpAllowList"]);
    assert.deepEqual(sids(without), ["AllowInvokers", "DenyUnlistedPrincipals"]);
    assert.notEqual(triggersOf(withIp), triggersOf(without));
  });

  it("uses the region's partition in ARNs it builds (aws-cn)", async () => {
    const run = await runProgram({ ...dev, "aws:region": "cn-north-1" });
    for (const i of byType(run, "aws:apigateway/integration:Integration"))
      assert.match(String(i.inputs.uri), /^arn:aws-cn:apigateway:cn-north-1:s3:path\//);
    assert.ok((run.outputs.methodArns as string[]).every((a) => a.startsWith("arn:aws-cn:execute-api:cn-north-1:")));
  });

  it("puts everything on account A in single-account mode", async () => {
    const single = { ...dev };
    delete single["holidays-api:accountB"];
    const run = await runProgram(single);
    assert.deepEqual(
      byType(run, "pulumi:providers:aws").map((p) => p.name),
      ["accountA"],
    );
    for (const r of run.resources.filter((x) => x.type.startsWith("aws:"))) assert.equal(r.provider, "accountA", `${r.type} ${r.name}`);
    assert.equal(run.outputs.accountBId, "111111111111");
    assert.match(String(run.outputs.callerRoleArn), /^arn:aws:iam::111111111111:role\//);
  });

  const badConfigs: [string, Record<string, string>, RegExp][] = [
    [
      "a short account id",
      { "holidays-api:accountA": '{"accountId":"1234"}' },
      /holidays-api:accountA\.accountId = "1234": expected a 12-digit/,
    ],
    [
      "a role of the wrong account",
      { "holidays-api:accountB": '{"accountId":"222222222222","roleArn":"arn:aws:iam::111111111111:role/x"}' },
      /holidays-api:accountB\.roleArn = .*: expected a role in accountB\.accountId 222222222222/,
    ],
    ["a malformed ARN", { "holidays-api:invokers": '["arn:aws:iam::role"]' }, /holidays-api:invokers\[0\] = "arn:aws:iam::role"/],
    ["a malformed region", { "aws:region": "Tokyo-1" }, /aws:region = "Tokyo-1": expected an AWS region name/],
    ["empty years", { "holidays-api:years": "[]" }, /holidays-api:years = \[\]: expected a non-empty list/],
    ["out-of-range years", { "holidays-api:years": "[2051]" }, /holidays-api:years = \[2051\].*between 1970 and 2050/],
    // Keys nothing reads would be ignored in silence; the whole config map is checked.
    [
      "a misspelt key",
      { "holidays-api:exclusve": "false" },
      /holidays-api:exclusve: expected one of the keys .*Fix: did you mean holidays-api:exclusive\? Rename it/,
    ],
    [
      "a key in a misspelt namespace",
      { "holidaysapi:years": "[2025]" },
      /holidaysapi:years: .*Fix: did you mean holidays-api:years\? Rename it/,
    ],
    [
      "a literal dotted key (pulumi config set without --path)",
      { "holidays-api:accountA.accountId": "123456789012" },
      /holidays-api:accountA\.accountId: expected no dotted key: holidays-api:accountA is one object .*pulumi config set --path 'holidays-api:accountA\.accountId' VALUE/,
    ],
    [
      "an aws: key the explicit providers never read",
      { "aws:profile": "account-a" },
      /aws:profile: expected only aws:region in the aws namespace.*Fix: put credentials under holidays-api:accountA/,
    ],
  ];
  for (const [what, patch, message] of badConfigs) {
    it(`fails on ${what} with its message and declares no resource`, async () => {
      await assert.rejects(runProgram({ ...dev, ...patch }), (err: Error & { run?: ProgramRun }) => {
        assert.match(err.message, message);
        assert.ok(pulumi.RunError.isInstance(err), "a RunError: the CLI prints its message without the program's stack trace");
        assert.equal(err.run?.resources.length, 0, "no resource may be declared");
        return true;
      });
    });
  }
});
