import { strict as assert } from "node:assert";
import { CONFIG_KEYS, RawConfig, rawConfigFromFlat } from "../../lib/config";
import { configProblems as problemsOf, parseConfig as parse } from "../helpers/configProblems";

const base: RawConfig = {
  accountA: JSON.stringify({ accountId: "111111111111", profile: "a" }),
  accountB: JSON.stringify({ accountId: "222222222222", profile: "b" }),
};

describe("config: parseSettings", () => {
  it("applies the documented defaults", () => {
    const s = parse(base);
    assert.equal(s.region, "ap-northeast-1");
    assert.equal(s.partition, "aws");
    assert.equal(s.stageName, "dev");
    // Unset years = every dataset year (1970-2050), whatever today's date: no clock is read.
    assert.deepEqual(
      s.years,
      Array.from({ length: 81 }, (_, i) => 1970 + i),
    );
    assert.equal(s.holidayNames, "dataset");
    assert.equal(s.exclusive, true);
    assert.deepEqual(s.invokers, []);
    assert.deepEqual(s.sourceIpAllowList, []);
    assert.equal(s.accountB?.accountId, "222222222222");
  });

  it("reads the holiday naming", () => {
    assert.equal(parse({ ...base, holidayNames: "cabinetOffice" }).holidayNames, "cabinetOffice");
    assert.equal(parse({ ...base, holidayNames: "dataset" }).holidayNames, "dataset");
  });

  it("registers every key it reads in CONFIG_KEYS (what index.ts reads from Pulumi config)", () => {
    assert.ok(CONFIG_KEYS.includes("holidayNames"));
  });

  it("reads single-account mode when accountB is omitted", () => {
    assert.equal(parse({ accountA: base.accountA }).accountB, undefined);
  });

  it("keeps assume-role settings", () => {
    const s = parse({
      ...base,
      accountA: JSON.stringify({
        accountId: "111111111111",
        roleArn: "arn:aws:iam::111111111111:role/deployer",
        externalId: "x",
        sessionName: "ci",
      }),
    });
    assert.deepEqual(s.accountA, {
      accountId: "111111111111",
      roleArn: "arn:aws:iam::111111111111:role/deployer",
      externalId: "x",
      sessionName: "ci",
    });
  });

  it("sorts and de-duplicates years and normalizes invokers", () => {
    const s = parse({
      ...base,
      years: "[2027, 2019, 2019]",
      invokers: JSON.stringify(["333333333333", "arn:aws:iam::222222222222:role/x"]),
    });
    assert.deepEqual(s.years, [2019, 2027]);
    assert.deepEqual(s.invokers, ["arn:aws:iam::222222222222:role/x", "arn:aws:iam::333333333333:root"]);
  });

  const cases: [string, RawConfig, RegExp[]][] = [
    [
      "an account id that is not 12 digits",
      { ...base, accountA: JSON.stringify({ accountId: "12345" }) },
      [/holidays-api:accountA\.accountId = "12345"/, /12-digit/],
    ],
    [
      "an unquoted numeric account id",
      { ...base, accountB: '{"accountId": 22222222222}' },
      [/accountB\.accountId = 22222222222/, /quote it/],
    ],
    [
      "a malformed ARN",
      { ...base, accountA: JSON.stringify({ accountId: "111111111111", roleArn: "arn:aws:iam:role/x" }) },
      [/accountA\.roleArn = "arn:aws:iam:role\/x"/, /IAM role ARN/],
    ],
    [
      "a roleArn of the wrong account",
      { ...base, accountB: JSON.stringify({ accountId: "222222222222", roleArn: "arn:aws:iam::111111111111:role/deployer" }) },
      [/accountB\.roleArn/, /a role in accountB\.accountId 222222222222/],
    ],
    ["a malformed region", { ...base, region: "tokyo" }, [/aws:region = "tokyo"/, /AWS region name/]],
    ["empty years", { ...base, years: "[]" }, [/holidays-api:years = \[\]/, /non-empty list of years between 1970 and 2050/]],
    ["out-of-range years", { ...base, years: "[2025, 1969]" }, [/holidays-api:years = \[2025,1969\]/, /remove 1969/]],
    ["a missing accountA", { accountB: base.accountB }, [/holidays-api:accountA = \(not set\)/]],
    [
      "an unknown account field",
      { ...base, accountA: JSON.stringify({ accountId: "111111111111", roleARN: "x" }) },
      [/accountA\.roleARN/, /remove or rename/],
    ],
    ["a bad stage name", { ...base, stageName: "dev stage" }, [/holidays-api:stageName = "dev stage"/]],
    ["a wildcard invoker", { ...base, invokers: '["*"]' }, [/holidays-api:invokers\[0\] = "\*"/, /wildcards are not allowed/]],
    ["a bad CIDR", { ...base, sourceIpAllowList: '["203.0.113.7"]' }, [/sourceIpAllowList\[0\] = "203.0.113.7"/, /append a prefix length/]],
    ["a bad exclusive flag", { ...base, exclusive: "yes" }, [/holidays-api:exclusive = "yes"/, /true or false/]],
    [
      "an unknown holiday naming",
      { ...base, holidayNames: "cabinet" },
      [/holidays-api:holidayNames = "cabinet"/, /one of dataset, cabinetOffice/, /pulumi config set holidayNames cabinetOffice/],
    ],
    ["a bad organization id", { ...base, principalOrgId: "org-1" }, [/principalOrgId = "org-1"/, /o-a1b2c3d4e5/]],
  ];
  for (const [what, raw, patterns] of cases) {
    it(`rejects ${what} with the key, the value and the expected form`, () => {
      const message = problemsOf(raw);
      for (const p of patterns) assert.match(message, p);
      assert.match(message, /Fix: /);
    });
  }

  for (const form of ["010.0.0.1/32", "0177.0.0.1/32", "127.1/32", "167772161/32", "0x7f.0.0.1/8", "10.0.0.1/032"]) {
    it(`rejects the non-standard IPv4 form ${form} instead of reading it the octal/short way`, () => {
      const message = problemsOf({ ...base, sourceIpAllowList: JSON.stringify(["203.0.113.0/24", form]) });
      assert.match(
        message,
        new RegExp(
          `sourceIpAllowList\\[1\\] = ${JSON.stringify(form).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: expected a list of CIDR blocks in standard notation`,
        ),
      );
      assert.match(message, /Fix: write the address as four decimal octets/);
    });
  }

  it("accepts standard IPv4 and IPv6 CIDRs", () => {
    assert.deepEqual(
      parse({ ...base, sourceIpAllowList: '["203.0.113.0/24", "2001:db8::/32", "10.0.0.0/8", "0.0.0.0/0"]' }).sourceIpAllowList,
      ["0.0.0.0/0", "10.0.0.0/8", "2001:db8::/32", "203.0.113.0/24"],
    );
  });

  it("reads dataRetention (default retain) and rejects other values", () => {
    assert.equal(parse(base).dataRetention, "retain");
    assert.equal(parse({ ...base, dataRetention: "destroy" }).dataRetention, "destroy");
    const message = problemsOf({ ...base, dataRetention: "keep" });
    assert.match(message, /holidays-api:dataRetention = "keep": expected one of retain, destroy/);
  });

  it("reports every bad value at once", () => {
    const message = problemsOf({ region: "x", accountA: JSON.stringify({ accountId: "1" }), years: "[]" });
    assert.equal((message.match(/^ {2}- /gm) ?? []).length, 3);
  });
});

describe("config: rawConfigFromFlat", () => {
  it("reads aws:region and the project's keys, and nothing else", () => {
    const flat = {
      "aws:region": "us-west-2",
      "aws:profile": "x",
      "holidays-api:stageName": "prod",
      "holidays-api:accountA": '{"accountId":"111111111111"}',
      "holidays-api:notAKey": "1",
      "other:stageName": "wrong",
    };
    assert.deepEqual(rawConfigFromFlat(flat, "holidays-api"), {
      region: "us-west-2",
      stageName: "prod",
      accountA: '{"accountId":"111111111111"}',
    });
  });
});
