/**
 * CallerFunction alone under Pulumi mocks: the deployable bundle, the role's identity policy scoped to
 * the route method ARNs it is given (an Output here, as from a StackReference), and its outputs.
 */
import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CallerFunction } from "../../../components/callerFunction";
import { type ProgramRun, runProgram } from "../../../twin/program";
import type { PolicyDocument } from "../../../lib/policy";

const METHOD_ARN = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/data.json";
const YEAR_METHOD_ARN = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/*/data.json";

describe("CallerFunction component (alone)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram(
      {},
      {
        program: () => {
          const provider = new aws.Provider("account-b", { region: "ap-northeast-1", allowedAccountIds: ["222222222222"] });
          const caller = new CallerFunction(
            "c",
            {
              apiUrl: pulumi.output("https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json"),
              apiRegion: "ap-northeast-1",
              methodArns: pulumi.output([METHOD_ARN, YEAR_METHOD_ARN]),
            },
            { provider },
          );
          return { roleArn: caller.roleArn, invokePolicy: caller.invokePolicy, functionName: caller.functionName };
        },
      },
    );
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
});
