/**
 * esc/holidays-dev.yaml: a stack that imports it instead of naming profiles passes the program's
 * validation, and each account's provider gets that account's short-lived credentials; no credential
 * appears in an output, a warning, another resource's inputs or an error message.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { runIndex as runProgram } from "./helpers/mocks";
import { readStackConfig } from "../../tools/cli/stackConfig";
import { ConfigError, parseSettings } from "../../lib/config";

const ENV_FILE = path.join(__dirname, "..", "..", "esc", "holidays-dev.yaml");
const STACK_FILE = path.join(__dirname, "..", "..", "esc", "Pulumi.dev.yaml");
const env = parse(fs.readFileSync(ENV_FILE, "utf8")) as {
  values: { aws: Record<string, { login: Record<string, { oidc: Record<string, unknown> }> }>; pulumiConfig: Record<string, unknown> };
};

/** What opening the environment gives each `fn::open::aws-login` (fake, recognisable values). */
const OPENED: Record<string, { accessKeyId: string; secretAccessKey: string; sessionToken: string }> = {
  accountA: { accessKeyId: "ASIAESCTESTAAAAAAAAA", secretAccessKey: "esc/secret/for+account/A", sessionToken: "esc-token-account-A" },
  accountB: { accessKeyId: "ASIAESCTESTBBBBBBBBB", secretAccessKey: "esc/secret/for+account/B", sessionToken: "esc-token-account-B" },
};
const SECRETS = Object.values(OPENED).flatMap((c) => [c.secretAccessKey, c.sessionToken]);

/** ESC's `${aws.accountA.login.accessKeyId}` interpolation, over the opened values only. */
function interpolate(value: unknown): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{aws\.(\w+)\.login\.(\w+)\}/g, (_m, account: string, field: string) => {
      const opened = OPENED[account] as Record<string, string> | undefined;
      assert.ok(opened?.[field], `the environment refers to ${account}.${field}, which aws-login does not return`);
      return opened[field];
    });
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  return value;
}

const ESC_DIR = path.join(__dirname, "..", "..", "esc");
const ACCOUNT_KEYS = ["holidays-api:accountA", "holidays-api:accountB"];

/** The stack's flat config as the engine hands it over: esc/Pulumi.dev.yaml's, plus the environment's pulumiConfig. */
function stackConfigWithEnvironment(): Record<string, string> {
  const own = readStackConfig("dev", ESC_DIR);
  const injected = interpolate(env.values.pulumiConfig) as Record<string, unknown>;
  const flat = Object.fromEntries(Object.entries(injected).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  for (const k of Object.keys(flat)) assert.ok(!(k in own), `${k} is set both in the stack file and the environment`);
  return { ...own, ...flat };
}

/** The value of an input the engine received as a secret (the secret signature of @pulumi/pulumi runtime/rpc.js). */
function secretValue(input: unknown): unknown {
  const sig = input as Record<string, unknown> | undefined;
  assert.equal(sig?.["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", `${JSON.stringify(input)} is not a secret`);
  return sig?.value;
}

describe("ESC environment esc/holidays-dev.yaml", () => {
  it("opens one aws-login by OIDC per account, each with a role of that account", () => {
    assert.deepEqual(Object.keys(env.values.aws).sort(), ["accountA", "accountB"]);
    for (const [account, id] of [
      ["accountA", "111111111111"],
      ["accountB", "222222222222"],
    ]) {
      const oidc = env.values.aws[account].login["fn::open::aws-login"].oidc;
      assert.match(String(oidc.roleArn), new RegExp(`^arn:aws:iam::${id}:role/`));
      assert.equal(typeof oidc.sessionName, "string");
      assert.equal(oidc.duration, "1h");
    }
  });

  it("is imported by esc/Pulumi.dev.yaml, which is Pulumi.dev.yaml without the profiles", () => {
    assert.deepEqual((parse(fs.readFileSync(STACK_FILE, "utf8")) as { environment: unknown }).environment, ["holidays-api/holidays-dev"]);
    const dev = readStackConfig("dev");
    for (const k of ACCOUNT_KEYS) assert.match(dev[k], /"profile"/);
    const withoutAccounts = Object.fromEntries(Object.entries(dev).filter(([k]) => !ACCOUNT_KEYS.includes(k)));
    assert.deepEqual({ ...readStackConfig("dev", ESC_DIR) }, withoutAccounts);
    assert.deepEqual(Object.keys(env.values.pulumiConfig).sort(), ACCOUNT_KEYS);
  });

  it("feeds holidays-api:accountA and accountB through pulumiConfig, and the providers get each account's credentials", async () => {
    const run = await runProgram(stackConfigWithEnvironment());
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:aws").sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      providers.map((p) => [
        p.name,
        secretValue(p.inputs.accessKey),
        secretValue(p.inputs.secretKey),
        secretValue(p.inputs.token),
        p.inputs.profile,
        p.inputs.allowedAccountIds,
      ]),
      [
        ["accountA", "ASIAESCTESTAAAAAAAAA", "esc/secret/for+account/A", "esc-token-account-A", undefined, '["111111111111"]'],
        ["accountB", "ASIAESCTESTBBBBBBBBB", "esc/secret/for+account/B", "esc-token-account-B", undefined, '["222222222222"]'],
      ],
    );
    assert.equal(run.outputs.accountAId, "111111111111");
    assert.equal(run.outputs.accountBId, "222222222222");
    const elsewhere = JSON.stringify([run.outputs, run.warnings, run.resources.filter((r) => !r.type.startsWith("pulumi:providers:"))]);
    for (const s of [...SECRETS, ...Object.values(OPENED).map((c) => c.accessKeyId)]) assert.ok(!elsewhere.includes(s), `${s} leaked`);
  });

  it("never shows a credential in an error, even a misplaced or misspelt one", () => {
    const problems = (accountA: Record<string, unknown>): string => {
      try {
        parseSettings({ accountA: JSON.stringify(accountA) }, { project: "holidays-api" });
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.message;
      }
      assert.fail("expected a ConfigError");
    };
    const a = OPENED.accountA;
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { accountId: "111111111111", accessKeyId: a.accessKeyId },
        /accountA\.secretAccessKey: expected set together with holidays-api:accountA\.accessKeyId|accountA\.secretAccessKey: expected set together/,
      ],
      [
        { accountId: "111111111111", secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken },
        /accountA\.accessKeyId: expected set together/,
      ],
      [
        { accountId: "111111111111", sessionToken: a.sessionToken },
        /accountA\.sessionToken: expected a token with accountA\.accessKeyId and accountA\.secretAccessKey/,
      ],
      [
        { accountId: "111111111111", profile: "account-a", accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
        /accountA\.profile = "account-a": expected either a profile or an access key/,
      ],
      [
        { accountId: "111111111111", accessKeyId: "not a key id", secretAccessKey: a.secretAccessKey },
        /accountA\.accessKeyId: expected an AWS access key id/,
      ],
      [{ accountId: "111111111111", secretKey: a.secretAccessKey }, /accountA\.secretKey: expected one of the fields .*secretAccessKey/],
      [
        { accountId: "111111111111", accessKeyId: a.accessKeyId, secretAccessKey: 42 },
        /accountA\.secretAccessKey: expected a non-empty string/,
      ],
    ];
    for (const [accountA, pattern] of cases) {
      const message = problems(accountA);
      assert.match(message, pattern);
      for (const s of [...SECRETS, a.accessKeyId, "not a key id", "42"]) assert.ok(!message.includes(s), `${message} shows ${s}`);
    }
  });
});
