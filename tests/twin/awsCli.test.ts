/**
 * The twin as an AWS endpoint, through the real AWS CLI v2 binary (Debian's `awscli`; `.ci/run`
 * installs it): only environment variables and a temporary AWS_CONFIG_FILE (no ~/.aws), profiles
 * holding the contract's credentials. Each step is also refused to an identity that may not take it.
 * Expectations are stated from the contract and AWS's documented shapes, not from the twin's code.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type RunningTwin, startTwin, twinContractLine } from "../../twin/endpoint";
import { AwsCliDriver, type AwsCliRun, findAwsCliV2 } from "../helpers/awsCli";

interface Creds {
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}
interface Contract {
  region: string;
  controlPlaneUrl: string;
  outputs: Record<string, unknown>;
  allowed: Creds[];
  denied: Creds[];
  deployers: (Creds & { accountId: string })[];
}

describe("the AWS CLI v2 against the twin (aws lambda invoke, apigateway, sts)", function () {
  this.timeout(120_000);
  const cli = findAwsCliV2();
  let twin: RunningTwin;
  let contract: Contract;
  let home = "";
  let configFile = "";
  let out = "";
  let driver: AwsCliDriver | undefined;

  before(async function () {
    if (!cli) {
      console.log("    (skipped: no AWS CLI v2 here; `apt-get install -y awscli` — .ci/run installs it)");
      this.skip();
    }
    twin = await startTwin("dev");
    // A frozen (installer) build has no interpreter to share: each command then runs the binary.
    if (cli.python) driver = new AwsCliDriver(cli.python);
    contract = JSON.parse(twinContractLine(twin)) as Contract;
    home = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-awscli-"));
    configFile = path.join(home, "aws-config");
    out = path.join(home, "out.json");
    const intruder = contract.denied.find((c) => c.arn.endsWith(":role/holidays-local-intruder"));
    assert.ok(intruder, "the contract lists the intruder role among the denied identities");
    const profile = (name: string, c: Pick<Creds, "accessKeyId" | "secretAccessKey" | "sessionToken">) =>
      `[profile ${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\naws_session_token = ${c.sessionToken}\n`;
    const [a, b] = [contract.deployers[0], contract.deployers[contract.deployers.length - 1]];
    fs.writeFileSync(
      configFile,
      [
        `[default]\nregion = ${contract.region}\noutput = json\n`,
        profile("deployer-a", a),
        profile("deployer-b", b),
        profile("intruder", intruder),
        profile("stranger", { accessKeyId: "ASIASTRANGER0000000", secretAccessKey: "x".repeat(40), sessionToken: "y" }),
        profile("wrong-secret", {
          ...b,
          secretAccessKey: `${b.secretAccessKey.slice(0, -1)}${b.secretAccessKey.endsWith("A") ? "B" : "A"}`,
        }),
      ].join("\n"),
    );
  });

  after(async () => {
    driver?.close();
    await twin?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  /**
   * Runs `aws …` as a profile, with nothing but environment variables pointing it at the twin: through
   * the CLI's entry point in the driver's interpreter, or with `binary`, as the /usr/bin/aws process.
   */
  function aws(profile: string, args: string[], binary = false): Promise<AwsCliRun> {
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "no-credentials"),
      AWS_PROFILE: profile,
      AWS_ENDPOINT_URL: contract.controlPlaneUrl,
      AWS_REGION: contract.region,
      AWS_PAGER: "",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const argv = [...args, ...(cli!.readsEndpointEnv ? [] : ["--endpoint-url", contract.controlPlaneUrl])];
    if (!binary && driver) return driver.run(argv, env);
    return new Promise((resolve) =>
      execFile(cli!.bin, argv, { env, encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
  }

  /** The CLI's line for a service error: `An error occurred (<code>) when calling the <Operation> operation: <message>`. */
  const refused = (r: { code: number; stderr: string }, code: string, operation: string, message?: RegExp) => {
    assert.notEqual(r.code, 0, r.stderr);
    const m = new RegExp(`An error occurred \\(${code}\\) when calling the ${operation} operation: (.*)`).exec(r.stderr);
    assert.ok(m, r.stderr);
    if (message) assert.match(m[1], message);
  };

  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const o = () =>
    contract.outputs as {
      callerFunctionName: string;
      restApiId: string;
      accountAId: string;
      accountBId: string;
      stageName: string;
      holidayYears: number[];
    };

  it("aws lambda invoke (the /usr/bin/aws process) runs the caller function: out.json holds the configured years' holidays", async () => {
    const r = await aws("deployer-b", ["lambda", "invoke", "--function-name", o().callerFunctionName, out], true);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { StatusCode: number }).StatusCode, 200);
    const holidays = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, string>;
    assert.equal(holidays["2019-01-01"], "元日");
    const years = new Set(Object.keys(holidays).map((d) => Number(d.slice(0, 4))));
    assert.deepEqual([...years].sort(), [...o().holidayYears].sort());
  });

  it("a caller without lambda:InvokeFunction gets AccessDeniedException (IAM's not-authorized message)", async () => {
    const invoke = ["lambda", "invoke", "--function-name", o().callerFunctionName, out];
    const [intruder, stranger] = await Promise.all([aws("intruder", invoke), aws("stranger", invoke)]);
    const fn = `arn:aws:lambda:${contract.region}:${o().accountBId}:function:${o().callerFunctionName}`;
    const who = `arn:aws:sts::${o().accountBId}:assumed-role/holidays-local-intruder/[\\w+=,.@-]+`;
    refused(
      intruder,
      "AccessDeniedException",
      "Invoke",
      new RegExp(`^User: ${who} is not authorized to perform: lambda:InvokeFunction on resource: ${escape(fn)}`),
    );
    refused(stranger, "UnrecognizedClientException", "Invoke");
  });

  it("aws apigateway get-rest-api carries the resource policy; get-stage, get-deployments, get-resources read the stage", async () => {
    const id = o().restApiId;
    const [apiRun, stageRun, deploymentsRun, resourcesRun] = await Promise.all([
      aws("deployer-a", ["apigateway", "get-rest-api", "--rest-api-id", id]),
      aws("deployer-a", ["apigateway", "get-stage", "--rest-api-id", id, "--stage-name", o().stageName]),
      aws("deployer-a", ["apigateway", "get-deployments", "--rest-api-id", id]),
      aws("deployer-a", ["apigateway", "get-resources", "--rest-api-id", id]),
    ]);
    const api = JSON.parse(apiRun.stdout) as { id: string; policy: string; endpointConfiguration: { types: string[] } };
    assert.equal(api.id, id);
    // The policy is JSON text (GetRestApi's `policy`): the one the program rendered (output resourcePolicy).
    assert.deepEqual(JSON.parse(api.policy), JSON.parse(String(contract.outputs.resourcePolicy)));
    assert.deepEqual(api.endpointConfiguration.types, ["REGIONAL"]);
    const stage = JSON.parse(stageRun.stdout) as { stageName: string; deploymentId: string };
    assert.equal(stage.stageName, o().stageName);
    const deployments = JSON.parse(deploymentsRun.stdout) as { items: { id: string }[] };
    assert.deepEqual(
      deployments.items.map((d) => d.id),
      [stage.deploymentId],
    );
    const resources = JSON.parse(resourcesRun.stdout) as { items: { path: string; resourceMethods?: Record<string, unknown> }[] };
    assert.ok(resources.items.some((r) => r.path === "/api/v1/data.json" && r.resourceMethods && "GET" in r.resourceMethods));
  });

  it("each apigateway read is refused to the intruder (AccessDeniedException) and is NotFound for account B's deployer", async () => {
    const id = o().restApiId;
    const reads = [
      ["GetRestApi", ["get-rest-api", "--rest-api-id", id]],
      ["GetStage", ["get-stage", "--rest-api-id", id, "--stage-name", o().stageName]],
      ["GetDeployments", ["get-deployments", "--rest-api-id", id]],
      ["GetResources", ["get-resources", "--rest-api-id", id]],
    ] as const;
    const [answers, other] = await Promise.all([
      Promise.all(reads.map(([, args]) => aws("intruder", ["apigateway", ...args]))),
      aws("deployer-b", ["apigateway", "get-rest-api", "--rest-api-id", id]),
    ]);
    reads.forEach(([op], i) =>
      refused(answers[i], "AccessDeniedException", op, /is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:/),
    );
    // An administrator of account B: the API is account A's, so for it there is no such API.
    refused(other, "NotFoundException", "GetRestApi", /^Invalid REST API identifier specified/);
  });

  it("aws apigateway test-invoke-method GET /api/v1/data.json answers 200 with the document; refused to the intruder", async () => {
    const resources = JSON.parse((await aws("deployer-a", ["apigateway", "get-resources", "--rest-api-id", o().restApiId])).stdout) as {
      items: { id: string; path: string }[];
    };
    const resource = resources.items.find((r) => r.path === "/api/v1/data.json");
    assert.ok(resource);
    const args = [
      ...["apigateway", "test-invoke-method", "--rest-api-id", o().restApiId, "--resource-id", resource.id],
      ...["--http-method", "GET", "--path-with-query-string", "/api/v1/data.json"],
    ];
    const [r, intruder] = await Promise.all([aws("deployer-a", args), aws("intruder", args)]);
    assert.equal(r.code, 0, r.stderr);
    const answer = JSON.parse(r.stdout) as { status: number; body: string };
    assert.equal(answer.status, 200);
    assert.equal((JSON.parse(answer.body) as Record<string, string>)["2019-01-01"], "元日");
    refused(intruder, "AccessDeniedException", "TestInvokeMethod", /apigateway:POST/);
  });

  it("aws sts get-caller-identity answers every local identity; an unknown key and a wrong secret are refused", async () => {
    const everyone = [...contract.allowed, ...contract.denied, ...contract.deployers];
    for (const [i, c] of everyone.entries()) {
      fs.appendFileSync(
        configFile,
        `\n[profile id${i}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\naws_session_token = ${c.sessionToken}\n`,
      );
    }
    const [answers, stranger, wrongSecret] = await Promise.all([
      Promise.all(everyone.map((_c, i) => aws(`id${i}`, ["sts", "get-caller-identity"]))),
      aws("stranger", ["sts", "get-caller-identity"]),
      aws("wrong-secret", ["sts", "get-caller-identity"]),
    ]);
    everyone.forEach((c, i) => {
      assert.equal(answers[i].code, 0, answers[i].stderr);
      const who = JSON.parse(answers[i].stdout) as { Account: string; Arn: string; UserId: string };
      const [, , , , account, resource] = c.arn.split(":");
      assert.equal(who.Account, account);
      // A role's caller is its session: arn:aws:sts::<account>:assumed-role/<role name>/<session> (STS API Reference, GetCallerIdentity).
      if (resource.startsWith("role/")) {
        assert.match(who.Arn, new RegExp(`^arn:aws:sts::${account}:assumed-role/${resource.split("/").pop()}/[\\w+=,.@-]+$`));
        assert.match(who.UserId, /^AROA[A-Z0-9]+:[\w+=,.@-]+$/);
      } else assert.equal(who.Arn, c.arn);
    });
    refused(stranger, "InvalidClientTokenId", "GetCallerIdentity", /^The security token included in the request is invalid/);
    refused(wrongSecret, "SignatureDoesNotMatch", "GetCallerIdentity");
  });

  it("anything else gets AWS's unknown-operation error: UnknownOperationException (REST-JSON), InvalidAction (query)", async () => {
    const [functions, authorizers, sessionToken, stranger] = await Promise.all([
      aws("deployer-b", ["lambda", "list-functions"]),
      aws("deployer-a", ["apigateway", "get-authorizers", "--rest-api-id", o().restApiId]),
      aws("deployer-b", ["sts", "get-session-token"]),
      aws("stranger", ["lambda", "list-functions"]),
    ]);
    refused(functions, "UnknownOperationException", "ListFunctions");
    refused(authorizers, "UnknownOperationException", "GetAuthorizers");
    refused(sessionToken, "InvalidAction", "GetSessionToken");
    // And the unauthorized are refused before any of that.
    refused(stranger, "UnrecognizedClientException", "ListFunctions");
  });
});
