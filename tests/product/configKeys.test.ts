/** Every key of the stack's config is one the program reads; typos and wrong namespaces get a suggestion. */
import { strict as assert } from "node:assert";
import { CONFIG_KEYS, ConfigError, configKey, parseSettings } from "../../lib/config";
import { unknownKeyProblems } from "../../lib/configKeys";
import { closest, editDistance } from "../../lib/suggest";

const PROJECT = "holidays-api";
const KNOWN = CONFIG_KEYS.map((k) => configKey(k, PROJECT));
const problems = (all: Record<string, string>) => unknownKeyProblems(all, KNOWN, PROJECT);

describe("config: unknown keys", () => {
  it("accepts every documented key and the engine's pulumi: settings", () => {
    const all = Object.fromEntries([...KNOWN, "pulumi:disable-default-providers", "pulumi:template"].map((k) => [k, "x"]));
    assert.deepEqual(problems(all), []);
    assert.deepEqual(
      KNOWN.filter((k) => k.startsWith("aws:")),
      ["aws:region"],
      "aws:region is the only aws: key read",
    );
  });

  it("refuses a misspelt key and names the key it resembles", () => {
    assert.deepEqual(
      problems({ "holidays-api:exclusve": "false" }).map((p) => [p.key, p.fix]),
      [["holidays-api:exclusve", "did you mean holidays-api:exclusive? Rename it"]],
    );
    assert.equal(problems({ "holidays-api:stagename": "dev" })[0].fix, "did you mean holidays-api:stageName? Rename it");
    assert.equal(problems({ "aws:regoin": "ap-northeast-1" })[0].fix, "did you mean aws:region? Rename it");
  });

  it("refuses a wrong namespace and names the right key", () => {
    assert.equal(problems({ "holidaysapi:years": "[2025]" })[0].fix, "did you mean holidays-api:years? Rename it");
    assert.equal(problems({ "holidays_api:invokers": "[]" })[0].fix, "did you mean holidays-api:invokers? Rename it");
    // The same name under a namespace that resembles nothing: still the one key it can mean.
    assert.equal(problems({ "myproj:exclusive": "true" })[0].fix, "did you mean holidays-api:exclusive? Rename it");
  });

  it("refuses a literal dotted key and shows the --path command that sets the field", () => {
    const [p] = problems({ "holidays-api:accountA.accountId": "123456789012" });
    assert.equal(p.expected, "no dotted key: holidays-api:accountA is one object (or list) holding its fields");
    assert.match(p.fix, /^set the field inside it with `pulumi config set --path 'holidays-api:accountA\.accountId' VALUE`/);
    assert.match(problems({ "holidays-api:years[0]": "2025" })[0].expected, /holidays-api:years is one object \(or list\)/);
  });

  it("refuses aws: keys that the explicit providers never read, and keys nobody reads", () => {
    const [profile] = problems({ "aws:profile": "account-a" });
    assert.match(profile.expected, /^only aws:region in the aws namespace: default providers are disabled/);
    assert.match(profile.fix, /^put credentials under holidays-api:accountA \/ holidays-api:accountB/);
    const [other] = problems({ "random:seed": "1" });
    assert.match(other.expected, /nothing here reads the random: keys/);
    assert.equal(other.fix, "remove it (`pulumi config rm 'random:seed'`)");
  });

  it("never shows the value of an unknown key (it may be a decrypted secret), and lists all of them in one error", () => {
    const all = {
      "holidays-api:accountA": JSON.stringify({ accountId: "111111111111", profile: "a" }),
      "holidays-api:exclusve": "s3cr3t",
      "holidaysapi:years": "[2025]",
    };
    assert.throws(
      () => parseSettings({ accountA: all["holidays-api:accountA"] }, { project: PROJECT, allConfig: all }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError);
        assert.doesNotMatch(err.message, /s3cr3t/);
        assert.deepEqual(
          err.problems.map((p) => p.key),
          ["holidays-api:exclusve", "holidaysapi:years"],
        );
        assert.match(
          err.message,
          /^ {2}- holidays-api:exclusve: expected one of the keys aws:region, holidays-api:accountA, .*\. Fix: did you mean holidays-api:exclusive\? Rename it$/m,
        );
        return true;
      },
    );
  });

  it("suggests only near names", () => {
    assert.equal(editDistance("exclusve", "exclusive"), 1);
    assert.equal(closest("foo", ["years", "invokers"]), undefined);
    assert.equal(closest("--stak", ["--stack", "--set"]), "--stack");
  });
});
