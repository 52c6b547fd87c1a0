/** `--set` changes the offline config as `pulumi config set [--path]` and `pulumi config rm` change a stack's. */
import { strict as assert } from "node:assert";
import { applyOverrides, parsePropertyPath } from "../../tools/cli/configOverrides";
import { UsageError } from "../../tools/cli/args";

const base = {
  "aws:region": "ap-northeast-1",
  "holidays-api:accountA": JSON.stringify({ accountId: "111111111111", profile: "account-a" }),
  "holidays-api:accountB": JSON.stringify({ accountId: "222222222222", profile: "account-b" }),
  "holidays-api:years": "[2025,2026]",
};
const apply = (...o: [string, string | undefined][]) => ({ ...applyOverrides(base, o) });

describe("--set: config overrides", () => {
  it("sets a whole key as text, and an empty value removes it (single-account mode)", () => {
    assert.equal(apply(["holidays-api:exclusive", "false"])["holidays-api:exclusive"], "false");
    const single = apply(["holidays-api:accountB", undefined]);
    assert.equal("holidays-api:accountB" in single, false);
    assert.equal(single["holidays-api:accountA"], base["holidays-api:accountA"]);
  });

  it("sets one field by path, storing true/false as booleans and integers without a leading zero as numbers (Pulumi's adjustObjectValue)", () => {
    assert.deepEqual(JSON.parse(apply(["holidays-api:accountA.profile", "me"])["holidays-api:accountA"]), {
      accountId: "111111111111",
      profile: "me",
    });
    assert.deepEqual(
      JSON.parse(apply(["holidays-api:accountA.accountId", "012345678901"])["holidays-api:accountA"]).accountId,
      "012345678901",
    );
    assert.equal(JSON.parse(apply(["holidays-api:accountA.accountId", "123456789012"])["holidays-api:accountA"]).accountId, 123456789012);
    assert.equal(JSON.parse(apply(["holidays-api:x.flag", "true"])["holidays-api:x"]).flag, true);
    assert.deepEqual(JSON.parse(apply(["holidays-api:years[2]", "2027"])["holidays-api:years"]), [2025, 2026, 2027], "[len] appends");
    assert.deepEqual(JSON.parse(apply(["holidays-api:years[0]", undefined])["holidays-api:years"]), [2026]);
    assert.deepEqual(JSON.parse(apply(["holidays-api:accountA.profile", undefined])["holidays-api:accountA"]), {
      accountId: "111111111111",
    });
    assert.deepEqual(JSON.parse(apply(["holidays-api:new[0].a", "x"])["holidays-api:new"]), [{ a: "x" }]);
  });

  it("applies overrides in order", () => {
    const out = apply(["holidays-api:accountB", undefined], ["holidays-api:accountB.accountId", "333333333333"]);
    assert.deepEqual(JSON.parse(out["holidays-api:accountB"]), { accountId: 333333333333 });
  });

  it("parses Pulumi's property-path grammar", () => {
    assert.deepEqual(parsePropertyPath('a.b[0]["c.d"].e'), ["a", "b", 0, "c.d", "e"]);
    for (const bad of ["a..b", ".a", "a[x]", 'a["b', "[0]", "a."]) assert.throws(() => parsePropertyPath(bad), Error, bad);
  });

  it("refuses malformed keys and impossible paths with a usage error naming the --set argument", () => {
    const cases: [[string, string | undefined], RegExp][] = [
      [["exclusive", "false"], /^--set exclusive=false: expected NAMESPACE:KEY=VALUE/],
      [["holidays-api:years[9]", "2030"], /^--set holidays-api:years\[9\]=2030: index \[9\] is out of range \(the list has 2 items\)/],
      [["aws:region.x", "1"], /^--set aws:region\.x=1: aws:region is "ap-northeast-1", not an object or list/],
      [["holidays-api:accountA[0]", "1"], /\[0\] indexes a list, but this is an object/],
      [["holidays-api:a..b", "1"], /empty name in path/],
    ];
    for (const [o, message] of cases)
      assert.throws(
        () => apply(o),
        (err: Error) => err instanceof UsageError && message.test(err.message),
        String(o),
      );
  });

  it("is prototype-free: a __proto__ path sets an own field", () => {
    const out = JSON.parse(apply(["holidays-api:accountA.__proto__", "x"])["holidays-api:accountA"]) as Record<string, unknown>;
    assert.equal(Object.prototype.hasOwnProperty.call(out, "__proto__"), true);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
