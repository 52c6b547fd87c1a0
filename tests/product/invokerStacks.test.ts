/**
 * `invokerStacks`: config parsing, output classification, and the program under mocks with mocked
 * StackReferences (the mocks receive each as a `pulumi:pulumi:StackReference` read whose state
 * `outputs` is what it reads).
 */
import { strict as assert } from "node:assert";
import type { RawConfig } from "../../lib/config";
import { configProblems, parseConfig } from "../helpers/configProblems";
import { DEFAULT_INVOKER_OUTPUT, classifyInvokerOutput } from "../../lib/invokerStacks";
import type { PolicyDocument } from "../../lib/policy";
import { type Run as ProgramRun, type StackOutputs, runIndex as runProgram } from "./helpers/mocks";
import { readStackConfig } from "../../tools/cli/stackConfig";

const base: RawConfig = { accountA: JSON.stringify({ accountId: "111111111111", profile: "a" }) };
const withStacks = (invokerStacks: unknown): RawConfig => ({ ...base, invokerStacks: JSON.stringify(invokerStacks) });
const parse = (invokerStacks: unknown) => parseConfig(withStacks(invokerStacks));
const problemsOf = (invokerStacks: unknown) => configProblems(withStacks(invokerStacks));

describe("config: invokerStacks", () => {
  it("defaults to no stacks", () => {
    assert.deepEqual(parseConfig(base).invokerStacks, []);
  });

  it("reads a bare name (output callerRoleArn) and a mapping with an output, sorted and de-duplicated", () => {
    const s = parse(["acme/reporting/prod", { stack: "acme/holidays-consumer/dev", output: "roleArn" }, "acme/reporting/prod"]);
    assert.deepEqual(s.invokerStacks, [
      { stack: "acme/holidays-consumer/dev", output: "roleArn" },
      { stack: "acme/reporting/prod", output: "callerRoleArn" },
    ]);
    assert.equal(DEFAULT_INVOKER_OUTPUT, "callerRoleArn");
  });

  it("accepts a DIY backend's organization/project/stack and names with '.', '_' and '-'", () => {
    assert.deepEqual(parse(["organization/my_proj.v2/dev-1"]).invokerStacks, [
      { stack: "organization/my_proj.v2/dev-1", output: "callerRoleArn" },
    ]);
  });

  const cases: [string, unknown, RegExp[]][] = [
    ["a value that is not a list", "acme/x/dev", [/holidays-api:invokerStacks = "acme\/x\/dev"/, /write invokerStacks as a YAML list/]],
    ["a bare stack name (not fully qualified)", ["dev"], [/holidays-api:invokerStacks\[0\] = "dev"/, /<organization>\/<project>\/<stack>/]],
    ["a two-part name", ["consumer/dev"], [/invokerStacks\[0\] = "consumer\/dev"/, /fully qualified/]],
    [
      "a name with a space",
      ["acme/holidays consumer/dev"],
      [/invokerStacks\[0\] = "acme\/holidays consumer\/dev"/, /only letters, digits/],
    ],
    ["four parts", ["a/b/c/d"], [/invokerStacks\[0\] = "a\/b\/c\/d"/]],
    ["a number", [42], [/invokerStacks\[0\] = 42/]],
    ["a mapping without stack", [{ output: "x" }], [/invokerStacks\[0\]\.stack = \(not set\)/]],
    ["an unknown field", [{ stack: "acme/c/dev", ouput: "x" }], [/invokerStacks\[0\]\.ouput = "x"/, /only the fields stack and output/]],
    [
      "an output name with a slash",
      [{ stack: "acme/c/dev", output: "a/b" }],
      [/invokerStacks\[0\]\.output = "a\/b"/, /name of a stack output/],
    ],
    ["an empty output name", [{ stack: "acme/c/dev", output: "" }], [/invokerStacks\[0\]\.output = ""/]],
  ];
  for (const [what, value, patterns] of cases) {
    it(`rejects ${what} with the key, the value and the fix`, () => {
      const message = problemsOf(value);
      for (const p of patterns) assert.match(message, p);
    });
  }
});

describe("invokerStacks: classifying a referenced stack's output", () => {
  const entry = { stack: "acme/holidays-consumer/dev", output: "callerRoleArn" };
  it("takes a role, user or account-root ARN of the partition", () => {
    for (const arn of [
      "arn:aws:iam::333333333333:role/caller",
      "arn:aws:iam::333333333333:role/path/x",
      "arn:aws:iam::333333333333:user/ci",
      "arn:aws:iam::333333333333:root",
    ]) {
      assert.deepEqual(classifyInvokerOutput(entry, arn, "aws"), { kind: "principal", arn });
    }
  });
  it("calls an absent output missing, naming the stack, the output and the deploy order", () => {
    for (const value of [undefined, null]) {
      const r = classifyInvokerOutput(entry, value, "aws");
      assert.equal(r.kind, "missing");
      assert.match(
        r.kind === "missing" ? r.message : "",
        /stack output callerRoleArn of acme\/holidays-consumer\/dev .* does not exist yet.*deploy acme\/holidays-consumer\/dev.*then run `pulumi up` here again/,
      );
    }
  });
  const invalid: [string, unknown][] = [
    ["a bare account id (too broad to take from another stack)", "333333333333"],
    ["a wildcard", "arn:aws:iam::333333333333:role/*"],
    ["another partition", "arn:aws-cn:iam::333333333333:role/caller"],
    ["a non-IAM ARN", "arn:aws:lambda:ap-northeast-1:333333333333:function:f"],
    ["an object", { arn: "arn:aws:iam::333333333333:role/caller" }],
    ["an empty string", ""],
  ];
  for (const [what, value] of invalid) {
    it(`refuses ${what}`, () => {
      const r = classifyInvokerOutput(entry, value, "aws");
      assert.equal(r.kind, "invalid");
      assert.match(
        r.kind === "invalid" ? r.message : "",
        /stack output callerRoleArn of acme\/holidays-consumer\/dev .*: expected an IAM role, user or account-root ARN in partition aws.*Fix:/,
      );
    });
  }
});

describe("program under mocks: invokerStacks read through StackReference", function () {
  this.timeout(60_000);
  const CONSUMER = "acme/holidays-consumer/dev";
  const REPORTING = "acme/reporting/prod";
  const CONSUMER_ROLE = "arn:aws:iam::333333333333:role/consumer-role-1a2b3c4";
  const REPORTING_ROLE = "arn:aws:iam::444444444444:role/reporting";
  const withStacks = (stacks: unknown) => ({ ...readStackConfig("dev"), "holidays-api:invokerStacks": JSON.stringify(stacks) });
  const policyOf = (run: ProgramRun) => JSON.parse(String(run.outputs.resourcePolicy)) as PolicyDocument;
  const principals = (doc: PolicyDocument) =>
    doc.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => JSON.stringify(s.Principal) + JSON.stringify(s.Condition ?? {}));
  const mentions = (doc: PolicyDocument, arn: string) => principals(doc).some((text) => text.includes(arn));

  it("joins each referenced stack's role ARN to the policy like the caller's, reading the configured output", async () => {
    const outputs: StackOutputs = {
      [CONSUMER]: { callerRoleArn: CONSUMER_ROLE },
      [REPORTING]: { roleArn: REPORTING_ROLE, callerRoleArn: "arn:aws:iam::444444444444:role/not-this" },
    };
    const run = await runProgram(withStacks([CONSUMER, { stack: REPORTING, output: "roleArn" }]), { stackOutputs: outputs });
    const doc = policyOf(run);
    assert.ok(mentions(doc, CONSUMER_ROLE), "the consumer's role is allowed");
    assert.ok(mentions(doc, REPORTING_ROLE), "the reporting stack's roleArn output is allowed");
    assert.ok(!mentions(doc, "role/not-this"), "the output not configured is not read");
    assert.ok(mentions(doc, String(run.outputs.callerRoleArn)), "the caller role is still allowed");
    const refs = run.resources
      .filter((r) => r.type === "pulumi:pulumi:StackReference")
      .map((r) => r.inputs.name)
      .sort();
    assert.deepEqual(refs, [CONSUMER, REPORTING]);
    assert.deepEqual(run.warnings, []);
    // Under exclusive, the deny's exception list names them too: they are invokers, not merely allowed.
    assert.ok(
      JSON.stringify(doc.Statement.find((s) => s.Effect === "Deny" && JSON.stringify(s).includes("PrincipalArn"))).includes(CONSUMER_ROLE),
    );
  });

  it("tolerates a consumer output that is not there yet: a warning naming the fix, and the rest deploys", async () => {
    const run = await runProgram(withStacks([CONSUMER]), { stackOutputs: { [CONSUMER]: {} } });
    assert.equal(run.warnings.length, 1);
    assert.match(
      run.warnings[0],
      /stack output callerRoleArn of acme\/holidays-consumer\/dev .* does not exist yet.*deploy acme\/holidays-consumer\/dev.*pulumi up/,
    );
    assert.ok(run.resources.some((r) => r.type === "aws:apigateway/restApiPolicy:RestApiPolicy"));
    assert.ok(mentions(policyOf(run), String(run.outputs.callerRoleArn)));
    assert.ok(!mentions(policyOf(run), "333333333333"));
  });

  const failures: [string, StackOutputs, RegExp][] = [
    [
      "an output that is not a principal ARN",
      { [CONSUMER]: { callerRoleArn: "consumer-role" } },
      /stack output callerRoleArn of acme\/holidays-consumer\/dev \(holidays-api:invokerStacks\) = "consumer-role": expected an IAM role/,
    ],
    ["a referenced stack that does not exist", {}, /acme\/holidays-consumer\/dev/],
  ];
  for (const [what, outputs, message] of failures) {
    it(`fails on ${what} with a clear message before declaring anything in either account`, async () => {
      await assert.rejects(runProgram(withStacks([CONSUMER]), { stackOutputs: outputs }), (err: Error & { run?: ProgramRun }) => {
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /error serializing property/);
        const declared = (err.run?.resources ?? []).filter((r) => r.type.startsWith("aws:") || r.type.startsWith("pulumi:providers:"));
        assert.deepEqual(
          declared.map((r) => r.type),
          [],
        );
        return true;
      });
    });
  }
});
