/**
 * `npm run verify -- --local`: the real checks (AWS SDK v3 clients, the SigV4 client) against the
 * offline twin — passing on the dev stack, failing and naming the link on twins broken with resource
 * transforms (never a switch in the program) — plus the CLI contract and the policy comparison.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { APIGatewayClient, GetRestApiCommand } from "@aws-sdk/client-api-gateway";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { PROJECT_ROOT } from "../../tools/cli/stackConfig";
import { verify } from "../../verify/cli";
import { localTarget } from "../../verify/local";
import { normalizedPolicy, parsePolicyText, policyDifferences } from "../../verify/policyCompare";

async function run(args: string[], transforms?: pulumi.ResourceTransform[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await verify(args, (t) => lines.push(t), transforms ? { target: (a) => localTarget(a.stack, { transforms }) } : {});
  return { code, out: lines.join("\n") };
}

/** The lines of one outcome: its mark and title, then its detail, link and fix. */
function outcome(out: string, titleStart: string): string {
  const blocks = out.split(/\n(?=[✔✘–] )/);
  const found = blocks.find((b) => b.slice(2).startsWith(titleStart));
  assert.ok(found, `no outcome "${titleStart}" in:\n${out}`);
  return found;
}

const retrust =
  (service: string): pulumi.ResourceTransform =>
  (args) =>
    args.type === "aws:iam/role:Role" && args.name === "caller-role"
      ? {
          props: {
            ...args.props,
            assumeRolePolicy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Principal: { Service: [service] }, Action: ["sts:AssumeRole"] }],
            }),
          },
          opts: args.opts,
        }
      : undefined;

describe("npm run verify -- --local (the offline twin)", function () {
  this.timeout(90_000);

  it("passes on the dev stack: every outcome ✔, exit 0", async () => {
    const { code, out } = await run(["--local"]);
    assert.equal(code, 0, out);
    // Stated outcomes, each with its reason:
    // AWS_IAM method, unsigned → 403 MissingAuthenticationTokenException (API Gateway gateway responses).
    assert.match(outcome(out, "unsigned GET"), /^✔[\s\S]*→ 403 MissingAuthenticationTokenException: Missing Authentication Token$/);
    // Pulumi.dev.yaml serves 2019, 2020, 2025-2027: the dataset has 94 holidays in those years (the start story shows the same count).
    assert.match(
      outcome(out, "caller Lambda"),
      /^✔ caller Lambda caller-fn-\w+ in account B returns the holidays of 2019, 2020, 2025, 2026, 2027\n {4}→ 94 holidays, equal to the dataset$/,
    );
    assert.match(outcome(out, "TestInvokeMethod"), /^✔[\s\S]*→ 200, 94 holidays$/);
    // exclusive: true in Pulumi.dev.yaml → the account-A deployer is denied explicitly.
    assert.match(
      outcome(out, "GET signed as the deploying identity"),
      /^✔[\s\S]*403 AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role\/holidays-local-deployer\/local-session is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:ap-northeast-1:111111111111:\w+\/dev\/GET\/api\/v1\/data\.json with an explicit deny$/,
    );
    assert.match(outcome(out, "the API's live resource policy"), /^✔/);
    assert.match(outcome(out, "stage dev serves the latest deployment"), /^✔/);
    assert.match(out, /All 7 outcomes as expected/);
  });

  it("fails and names the link when Lambda cannot assume the caller's role (its trust names another service)", async () => {
    const { code, out } = await run(["--local"], [retrust("ec2.amazonaws.com")]);
    assert.equal(code, 1, out);
    const lambda = outcome(out, "caller Lambda");
    assert.match(lambda, /^✘/);
    assert.match(lambda, /→ 400 InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda\./);
    assert.match(lambda, /broken link: Lambda, account B: the service cannot assume the caller's execution role/);
    assert.match(lambda, /fix: the role's trust policy must allow lambda\.amazonaws\.com to sts:AssumeRole: run `pulumi up`/);
    // The other links are intact, and only this one is reported.
    assert.match(outcome(out, "unsigned GET"), /^✔/);
    assert.match(outcome(out, "TestInvokeMethod"), /^✔/);
    assert.match(out, /✘ 1 of 7 outcomes not as expected/);
  });

  it("fails and names the resource policy when it names another role than the caller", async () => {
    const swapCaller: pulumi.ResourceTransform = (args) =>
      args.type === "aws:apigateway/restApiPolicy:RestApiPolicy"
        ? {
            props: { ...args.props, policy: String(args.props.policy).replace(/role\/caller-role-\w+/g, "role/someone-else") },
            opts: args.opts,
          }
        : undefined;
    const { code, out } = await run(["--local"], [swapCaller]);
    assert.equal(code, 1, out);
    const lambda = outcome(out, "caller Lambda");
    assert.match(lambda, /^✘[\s\S]*function error \(Unhandled\) AccessDeniedError: .*is not authorized to perform: execute-api:Invoke/);
    assert.match(lambda, /broken link: API resource policy, account A/);
  });

  it("fails and names the integration when the object the integration reads is not in the bucket", async () => {
    const moveObject: pulumi.ResourceTransform = (args) =>
      args.type === "aws:s3/bucketObjectv2:BucketObjectv2"
        ? { props: { ...args.props, key: "api/v1/elsewhere.json" }, opts: args.opts }
        : undefined;
    const { code, out } = await run(["--local"], [moveObject]);
    assert.equal(code, 1, out);
    const t = outcome(out, "TestInvokeMethod");
    // The declared 4xx integration response maps S3's 404 to {"message":"Not Found"} (lib/api RESPONSES).
    assert.match(t, /^✘[\s\S]*→ 404: \{"message":"Not Found"\}/);
    assert.match(t, /broken link: integration → S3, account A: the object is not in the bucket/);
  });

  it("fails and names the integration when API Gateway cannot assume the S3-read role (aws:SourceAccount back in its trust)", async () => {
    // API Gateway presents no aws:SourceAccount when it assumes an integration role
    // (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479), so this trust
    // policy denies the AssumeRole, and TestInvokeMethod answers API Gateway's configuration error.
    const withSourceAccount: pulumi.ResourceTransform = (args) => {
      if (args.type !== "aws:iam/role:Role" || !String(args.props.assumeRolePolicy).includes("apigateway.amazonaws.com")) return undefined;
      const trust = JSON.parse(String(args.props.assumeRolePolicy)) as { Statement: { Condition?: unknown }[] };
      for (const st of trust.Statement) st.Condition = { StringEquals: { "aws:SourceAccount": ["111111111111"] } };
      return { props: { ...args.props, assumeRolePolicy: JSON.stringify(trust) }, opts: args.opts };
    };
    const { code, out } = await run(["--local"], [withSourceAccount]);
    assert.equal(code, 1, out);
    const t = outcome(out, "TestInvokeMethod");
    assert.match(t, /^✘[\s\S]*500/);
    assert.match(t, /broken link: integration, account A: API Gateway cannot assume the S3-read role or read the object/);
  });

  describe("a policy changed without a redeploy (an update of the dev stack adding a source-IP allow list)", () => {
    // Loopback stays inside the list, so every other outcome holds; only the stage's snapshot differs.
    const set = ["--set", 'holidays-api:sourceIpAllowList=["127.0.0.1/32", "::1/128"]'];
    const DROP = path.join(PROJECT_ROOT, "twin", "transforms", "dropRedeployTrigger.ts");

    // The Deployment's trigger removed by a transform: the stage flagged stale with its fix, exit 1, is
    // docs/verify.md's block (`npm run verify -- --local --update --transform …`), which
    // tests/tooling/readme.test.ts runs and checks line by line against its sample output.

    it("the normal program: the update replaced the deployment, every outcome ✔ (exit 0)", async () => {
      const r = await run(["--local", "--update", ...set]);
      assert.equal(r.code, 0, r.out);
      assert.match(
        outcome(r.out, "stage dev serves the latest deployment"),
        /^✔ .*\n {4}→ deployment \w+ \(of 1\), with the rendered policy/,
      );
    });

    it("--update and --transform need --local (exit 2)", async () => {
      for (const args of [
        ["--stack", "dev", "--update"],
        ["--stack", "dev", "--transform", DROP],
      ]) {
        const r = await run(args);
        assert.equal(r.code, 2, r.out);
        assert.match(r.out, /applies to the offline twin only \(--local\): pass --local too/);
      }
    });
  });

  it("the twin's control plane refuses what AWS refuses: unsigned, another account's API, an identity without lambda:InvokeFunction", async () => {
    const target = await localTarget("dev");
    try {
      const unsigned = await fetch(`${target.endpoint}/restapis/${target.outputs.restApiId}`);
      assert.deepEqual([unsigned.status, unsigned.headers.get("x-amzn-errortype")], [403, "MissingAuthenticationTokenException"]);
      // Account B's deployer cannot see account A's API: it does not exist for that account.
      const agw = new APIGatewayClient({
        region: target.outputs.region,
        credentials: target.accountB,
        endpoint: target.endpoint,
        maxAttempts: 1,
      });
      await assert.rejects(agw.send(new GetRestApiCommand({ restApiId: target.outputs.restApiId })), { name: "NotFoundException" });
      // Account A's deployer may not invoke account B's function (no resource-based policy on it).
      const lambda = new LambdaClient({
        region: target.outputs.region,
        credentials: target.accountA,
        endpoint: target.endpoint,
        maxAttempts: 1,
      });
      await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: target.outputs.callerFunctionName })), (err: Error) => {
        assert.equal(err.name, "AccessDeniedException");
        assert.match(
          err.message,
          /is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:ap-northeast-1:222222222222:function:/,
        );
        return true;
      });
      agw.destroy();
      lambda.destroy();
    } finally {
      await target.close();
    }
  });
});

describe("npm run verify: CLI", function () {
  this.timeout(60_000);
  // `npm run verify -- --local` as a user runs it: docs/verify.md's block, run and checked by tests/tooling/readme.test.ts.
  it("answers --help with exit 0 and refuses unknown flags and a missing --stack with exit 2", async () => {
    assert.equal((await run(["--help"])).code, 0);
    const unknown = await run(["--stak", "dev"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.out.split("\n")[0], /stak/);
    const noStack = await run([]);
    assert.equal(noStack.code, 2);
    assert.match(noStack.out, /--stack NAME is required to verify a real deployment \(or pass --local/);
  });

  it("without the Pulumi CLI, says in one line how to get it (exit 1, no stack trace)", () => {
    const r = spawnSync(
      process.execPath,
      ["-r", path.join(PROJECT_ROOT, "tools", "tsHook.cjs"), path.join(PROJECT_ROOT, "verify", "cli.ts"), "--stack", "dev"],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 50_000,
        env: {
          PATH: path.dirname(process.execPath),
          HOME: process.env.HOME ?? "/tmp",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
      },
    );
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /^Could not read stack dev through the Pulumi CLI \(Automation API LocalWorkspace\): the Pulumi CLI was not found\. Fix: install the Pulumi CLI 3\.x/,
    );
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
  });
});

describe("verify: comparing the live resource policy with the rendered one", () => {
  const rendered = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowInvokers",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::222222222222:role/a", "arn:aws:iam::222222222222:role/b"] },
        Action: ["execute-api:Invoke"],
        Resource: ["arn:m"],
      },
    ],
  };
  it("treats a single value and a one-element list, and list order, as equal (IAM does)", () => {
    const live = {
      Statement: [
        {
          Resource: "arn:m",
          Action: "execute-api:Invoke",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::222222222222:role/b", "arn:aws:iam::222222222222:role/a"] },
          Sid: "AllowInvokers",
        },
      ],
      Version: "2012-10-17",
    };
    assert.deepEqual(policyDifferences(live, rendered), []);
    assert.equal(normalizedPolicy(live), normalizedPolicy(rendered));
  });
  it("names the statement that differs, and statements missing on either side", () => {
    const live = {
      Version: "2012-10-17",
      Statement: [
        { ...rendered.Statement[0], Principal: { AWS: ["AROAEXAMPLEUNIQUEID"] } },
        { Sid: "Extra", Effect: "Deny", Principal: "*", Action: "*", Resource: "*" },
      ],
    };
    const diffs = policyDifferences(live, rendered);
    assert.equal(diffs.length, 2);
    assert.match(diffs[0], /^statement AllowInvokers differs: the live API has .*AROAEXAMPLEUNIQUEID/);
    assert.match(diffs[1], /^statement Extra is on the live API but not in the program$/);
  });
  it("reads the policy text plain or with escaped quotes", () => {
    const text = JSON.stringify(rendered);
    assert.deepEqual(parsePolicyText(text), rendered);
    assert.deepEqual(parsePolicyText(text.replace(/"/g, '\\"')), rendered);
  });
});
