/**
 * `npm start`'s story in process: each README example's expectations, single-account mode, the failure
 * path and the command line. The story as a newcomer runs it (`npm start`, a child process) is
 * docs/twin.md's block, which tests/tooling/readme.test.ts runs and checks.
 */
import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { START_COMMAND, tellStory } from "../../twin/story";
import { parseCommandLine, stackArgs } from "../../tools/cli/args";

describe("npm start (the story in process)", function () {
  this.timeout(60_000);

  // The README's own examples, each with the scenarios that show its case; every expectation comes with its reason.
  const readmeExamples: [string, string[], RegExp[]][] = [
    [
      "sourceIpAllowList 203.0.113.0/24",
      ["--set", 'holidays-api:sourceIpAllowList=["203.0.113.0/24"]'],
      [
        /✔ caller role runs the bundled handler\n {4}expected: fails with AccessDeniedError — source 127\.0\.0\.1 is outside sourceIpAllowList/,
        /✔ caller role, inside the allow list, from 203\.0\.113\.1 \(in-process: loopback cannot originate it\)\n.*\n {4}path: .*→ 200 application\/json/,
        /✔ caller role, outside the allow list, from 127\.0\.0\.1\n.*\n {4}path: .*resource policy Deny \(DenyOutsideSourceIpAllowList\)/,
      ],
    ],
    [
      "principalOrgId",
      ["--set", "holidays-api:principalOrgId=o-a1b2c3d4e5"],
      [
        /✔ caller role runs the bundled handler\n {4}expected: returns the \d+ holidays of data\.json — cross-account, a listed invoker in o-a1b2c3d4e5/,
        /✔ signed GET as caller role, were its account outside o-a1b2c3d4e5, from 127\.0\.0\.1\n {4}expected: 403 AccessDeniedException: .*data\.json — cross-account and its account is in o-outsider0000, not o-a1b2c3d4e5/,
      ],
    ],
    [
      "account-id invokers",
      ["--set", 'holidays-api:invokers=["arn:aws:iam::222222222222:role/reporting", "333333333333"]'],
      [
        /✔ signed GET as extra invoker arn:aws:iam::222222222222:role\/reporting, with an invoke grant, from 127\.0\.0\.1\n {4}expected: 200/,
        /✔ signed GET as role in invoker account 333333333333, with an invoke grant, from 127\.0\.0\.1\n {4}expected: 200 .* — cross-account, in listed invoker account 333333333333/,
        /✔ signed GET as role in invoker account 333333333333, without an invoke grant, from 127\.0\.0\.1\n {4}expected: 403 .* — in listed invoker account 333333333333, but its identity policy does not allow/,
      ],
    ],
    [
      "exclusive=false (the account-A admin gets in)",
      ["--set", "holidays-api:exclusive=false"],
      [
        /✔ signed GET as administrator of account A, from 127\.0\.0\.1\n {4}expected: 200 .* — same account as the API \(not an invoker\): its identity policy suffices/,
      ],
    ],
  ];
  for (const [what, args, patterns] of readmeExamples) {
    it(`exits 0 with truthful expectations for the README example: ${what}`, async () => {
      let out = "";
      const code = await tellStory(args, (t) => (out += `${t}\n`));
      assert.equal(code, 0, out);
      for (const p of patterns) assert.match(out, p);
    });
  }

  it("exits 0 in single-account mode (no accountB): the caller is in account A and still needs its identity policy", async () => {
    let out = "";
    const code = await tellStory([], (t) => (out += `${t}\n`), { overrides: { "holidays-api:accountB": undefined } });
    assert.equal(code, 0, out);
    assert.match(out, /Account A \(single-account mode/);
    assert.match(
      out,
      /✔ caller role runs the bundled handler\n {4}expected: returns the \d+ holidays of data\.json — same account as the API \(a listed invoker\): its identity policy suffices/,
    );
  });

  it("exits 1, naming the broken link, when the program stops granting the caller its invoke permission", async () => {
    let out = "";
    const noGrant: pulumi.ResourceTransform = ({ type, props }) =>
      type === "aws:iam/rolePolicy:RolePolicy" && String(props.policy).includes("execute-api:Invoke")
        ? { props: { ...props, policy: String(props.policy).replace("execute-api:Invoke", "execute-api:ManageConnections") }, opts: {} }
        : undefined;
    const code = await tellStory([], (t) => (out += `${t}\n`), { transforms: [noGrant] });
    assert.equal(code, 1, out);
    assert.match(out, /✘ 1 of \d+ outcomes differ from what AWS would do:/);
    assert.match(
      out,
      /- caller role runs the bundled handler\n {6}expected: returns the \d+ holidays of data\.json \(cross-account, a listed invoker, with an identity grant\)\n {6}actual: {3}fails with AccessDeniedError\n {6}broken link: authorization — resource policy AllowViaAccount \(AllowInvokers\) \+ identity Neither: cross-account: no identity policy allows/,
    );
  });

  it("parses --stack and --set, and rejects unknown arguments with a clear message", () => {
    const parse = (...a: string[]) => stackArgs(parseCommandLine(START_COMMAND, a).values);
    assert.deepEqual(parse("--stack", "prod", "--set", "holidays-api:exclusive=false"), {
      stack: "prod",
      overrides: [["holidays-api:exclusive", "false"]],
    });
    assert.deepEqual(parse("--set", "holidays-api:accountB="), { stack: "dev", overrides: [["holidays-api:accountB", undefined]] });
    assert.throws(() => parse("--bogus"), /^UsageError: unknown option --bogus\. Run `npm start -- --help` for usage\.$/);
    assert.throws(() => parse("--stak", "dev"), /unknown option --stak \(did you mean --stack\?\)/);
    assert.throws(() => parse("--set", "novalue"), /--set "novalue": expected NAMESPACE:KEY=VALUE/);
  });
});
