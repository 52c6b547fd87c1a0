/**
 * CallerFunction alone under Pulumi mocks: the deployable bundle, the role's identity policy scoped to
 * the route method ARNs it is given (an Output here, as from a StackReference), and its outputs.
 */
import { strict as assert } from "node:assert";
import { Provider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { CallerFunction, type CallerFunctionArgs } from "../../../components/callerFunction";
import { type Run as ProgramRun, runMocked as runUnderMocks } from "../helpers/mocks";
import type { PolicyDocument } from "../../../lib/policy";

const METHOD_ARN = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/data.json";
const YEAR_METHOD_ARN = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/*/data.json";

function declare(extra: Partial<CallerFunctionArgs> = {}): () => Record<string, unknown> {
  return () => {
    const provider = new Provider("account-b", { region: "ap-northeast-1", allowedAccountIds: ["222222222222"] });
    const caller = new CallerFunction(
      "c",
      {
        apiUrl: pulumi.output("https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json"),
        apiRegion: "ap-northeast-1",
        methodArns: pulumi.output([METHOD_ARN, YEAR_METHOD_ARN]),
        ...extra,
      },
      { provider },
    );
    return {
      roleArn: caller.roleArn,
      invokePolicy: caller.invokePolicy,
      functionName: caller.functionName,
      children: { function: caller.function.arn, role: caller.role.arn, logGroup: caller.logGroup.arn },
    };
  };
}

describe("CallerFunction component (alone)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runUnderMocks(declare());
  });

  it("creates every child through the component's provider, i.e. as its child", () => {
    const children = run.resources.filter((r) => r.type.startsWith("aws:"));
    assert.deepEqual(
      new Set(children.map((r) => r.type)),
      new Set(["aws:iam/role:Role", "aws:cloudwatch/logGroup:LogGroup", "aws:iam/rolePolicy:RolePolicy", "aws:lambda/function:Function"]),
    );
    for (const r of children) assert.equal(r.provider, "account-b", `${r.type} ${r.name}`);
  });

  it("lets the role invoke exactly the given routes, and nothing else", () => {
    const doc = JSON.parse(String(run.outputs.invokePolicy)) as PolicyDocument;
    assert.deepEqual(
      doc.Statement.map((s) => [s.Effect, s.Action, s.Resource]),
      [["Allow", ["execute-api:Invoke"], [YEAR_METHOD_ARN, METHOD_ARN]]],
    );
  });

  it("applies its documented defaults: 14-day logs, nodejs22.x, 10 s timeout", () => {
    const fn = run.resources.find((r) => r.type === "aws:lambda/function:Function");
    assert.equal(fn?.inputs.runtime, "nodejs22.x");
    assert.equal(fn?.inputs.timeout, 10);
    assert.equal(run.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")?.inputs.retentionInDays, 14);
  });

  it("exports the role ARN in the provider's account", () => {
    assert.match(String(run.outputs.roleArn), /^arn:aws:iam::222222222222:role\/c-role-/);
  });

  it("exposes its children: the function, its role and its log group", () => {
    const children = run.outputs.children as Record<string, unknown>;
    const stateOf = (type: string) => run.resources.find((r) => r.type === type)?.state;
    assert.equal(children.function, stateOf("aws:lambda/function:Function")?.arn);
    assert.equal(children.role, stateOf("aws:iam/role:Role")?.arn);
    assert.equal(children.role, run.outputs.roleArn);
    assert.equal(children.logGroup, stateOf("aws:cloudwatch/logGroup:LogGroup")?.arn);
  });
});

describe("CallerFunction component: args a user can get wrong", () => {
  const cases: [string, Partial<CallerFunctionArgs>, string][] = [
    [
      "runtime",
      { runtime: "nodejs18.x" },
      'c: runtime = "nodejs18.x": expected one of nodejs20.x, nodejs22.x. Fix: pass runtime: "nodejs22.x"',
    ],
    [
      "timeoutSeconds",
      { timeoutSeconds: 901 },
      "c: timeoutSeconds = 901: expected a whole number of seconds from 1 to 900. Fix: pass timeoutSeconds: 10",
    ],
  ];
  for (const [key, extra, message] of cases) {
    it(`refuses a bad ${key} with a one-line ResourceError before declaring any child`, async () => {
      await assert.rejects(runUnderMocks(declare(extra)), (err: Error & { run?: ProgramRun }) => {
        const declared = err.run?.resources ?? [];
        assert.ok(pulumi.ResourceError.isInstance(err), `expected a ResourceError, got ${err.constructor.name}`);
        assert.equal(err.message, message);
        assert.deepEqual(
          declared.filter((r) => r.type.startsWith("aws:")).map((r) => r.type),
          [],
          "no child may be declared",
        );
        return true;
      });
    });
  }

  it("accepts nodejs20.x", async () => {
    const r = await runUnderMocks(declare({ runtime: "nodejs20.x" }));
    assert.equal(r.resources.find((x) => x.type === "aws:lambda/function:Function")?.inputs.runtime, "nodejs20.x");
  });
});
