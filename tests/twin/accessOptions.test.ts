/**
 * Access-control options end to end: each option's statements in the program's deployed policy
 * (under mocks) and its effect on real signed requests at the local gateway, which enforces exactly
 * that document. (The policy-document level is in policy.test.ts.)
 */
import { strict as assert } from "node:assert";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { createPipeline } from "../../twin/gateway/pipeline";
import { LocalIdentity, localIdentities } from "../../twin/identities";
import { Plan, buildPlan } from "../../twin/plan";
import { send, sign } from "../../tools/testkit/http";

async function withGateway<T>(
  planOrOverrides: Plan | Record<string, string | undefined>,
  fn: (gw: RunningGateway, plan: Plan) => Promise<T>,
  identities?: (plan: Plan, base: LocalIdentity[]) => LocalIdentity[],
): Promise<T> {
  const plan = "run" in planOrOverrides ? (planOrOverrides as Plan) : await buildPlan("dev", planOrOverrides);
  const gw = await startGateway(plan, identities ? { identities: (base) => identities(plan, base) } : {});
  try {
    return await fn(gw, plan);
  } finally {
    await gw.close();
  }
}

const call = async (gw: RunningGateway, who: LocalIdentity, localAddress = "127.0.0.1") => {
  const r = await send(gw.dataUrl, { headers: await sign(gw.dataUrl, who, { region: gw.region }), localAddress });
  return { status: r.status, type: r.headers["x-amzn-errortype"], message: (JSON.parse(r.body) as { Message?: string }).Message };
};
const byLabel = (gw: RunningGateway, part: string) => {
  const found = gw.identities.find((i) => i.label.includes(part));
  assert.ok(found, part);
  return found;
};

describe("access-control options, end to end", function () {
  this.timeout(20_000);

  describe("sourceIpAllowList", () => {
    // One plan (one program run) for both tests: neither changes it.
    let allowList: Plan;
    before(async () => (allowList = await buildPlan("dev", { "holidays-api:sourceIpAllowList": '["127.0.0.1/32", "::1/128"]' })));

    it("deploys a NotIpAddress deny on aws:SourceIp", () => {
      const st = allowList.resourcePolicy.Statement.find((s) => s.Sid === "DenyOutsideSourceIpAllowList");
      assert.deepEqual(st?.Condition, { NotIpAddress: { "aws:SourceIp": ["127.0.0.1/32", "::1/128"] } });
      assert.equal(st?.Effect, "Deny");
    });

    it("lets the caller in from a listed address and denies it from another (127.0.0.2)", async () => {
      await withGateway(allowList, async (gw, plan) => {
        const caller = byLabel(gw, "caller role");
        assert.equal((await call(gw, caller, "127.0.0.1")).status, 200);
        const outside = await call(gw, caller, "127.0.0.2");
        assert.deepEqual([outside.status, outside.type], [403, "AccessDeniedException"]);
        assert.equal(
          outside.message,
          `User: ${caller.caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${plan.methodArn} with an explicit deny`,
        );
      });
    });
  });

  describe("sourceIpAllowList over IPv6 (the endpoint is dualstack)", () => {
    const overrides = { "holidays-api:sourceIpAllowList": '["203.0.113.0/24", "2001:db8::/32"]' };
    it("walks a signed request from an IPv6 source through SigV4, the policies and the integration", async () => {
      const plan = await buildPlan("dev", overrides);
      const identities = localIdentities(plan);
      const pipeline = createPipeline(plan, identities);
      const url = `https://api.example/${plan.stageName}/api/v1/data.json`;
      const ask = async (sourceIp: string) => {
        const headers = await sign(url, identities[0], { region: plan.region });
        return pipeline({ method: "GET", rawUrl: `/${plan.stageName}/api/v1/data.json`, headers, body: new Uint8Array(), sourceIp });
      };
      const inside = await ask("2001:db8::10");
      assert.deepEqual([inside.status, inside.contentType, inside.body], [200, "application/json; charset=utf-8", plan.dataDocument]);
      const outside = await ask("2001:db9::10");
      assert.deepEqual([outside.status, outside.errorType], [403, "AccessDeniedException"]);
      assert.match(outside.body, /with an explicit deny/);
    });
  });

  describe("exclusive", () => {
    it("is on by default: an account-A admin with Action * is denied explicitly", async () => {
      await withGateway({}, async (gw) => {
        const admin = byLabel(gw, "administrator");
        const r = await call(gw, admin);
        assert.equal(r.status, 403);
        assert.match(String(r.message), /with an explicit deny$/);
      });
    });

    it("when off, drops the deny from the live policy and the same-account admin gets in (identity policy alone suffices)", async () => {
      await withGateway({ "holidays-api:exclusive": "false" }, async (gw, plan) => {
        assert.equal(
          plan.resourcePolicy.Statement.some((s) => s.Sid === "DenyUnlistedPrincipals"),
          false,
        );
        assert.equal((await call(gw, byLabel(gw, "administrator"))).status, 200);
        const intruder = await call(gw, byLabel(gw, "intruder"));
        assert.equal(intruder.status, 403, "cross-account still needs the resource policy to allow");
        assert.doesNotMatch(String(intruder.message), /explicit deny/);
      });
    });

    it("lets an extra invoker (holidays-api:invokers) in, including under exclusive", async () => {
      const extra = "arn:aws:iam::222222222222:role/reporting";
      await withGateway({ "holidays-api:invokers": JSON.stringify([extra]) }, async (gw, plan) => {
        assert.deepEqual(plan.resourcePolicy.Statement[0].Condition?.ArnEquals["aws:PrincipalArn"], [plan.callerRoleArn, extra].sort());
        assert.equal((await call(gw, byLabel(gw, "reporting"))).status, 200);
        assert.equal((await call(gw, byLabel(gw, "intruder"))).status, 403);
      });
    });

    it("treats an account invoker as every principal of that account", async () => {
      await withGateway({ "holidays-api:invokers": '["222222222222"]' }, async (gw, plan) => {
        const deny = plan.resourcePolicy.Statement.find((s) => s.Sid === "DenyUnlistedPrincipals");
        assert.ok((deny?.Condition?.ArnNotLike["aws:PrincipalArn"] as string[]).includes("arn:aws:iam::222222222222:*"));
        assert.equal((await call(gw, byLabel(gw, "intruder"))).status, 200, "the whole of account B is now an invoker");
        assert.equal((await call(gw, byLabel(gw, "administrator"))).status, 403, "account A is still excluded");
      });
    });
  });

  describe("principalOrgId", () => {
    const overrides = { "holidays-api:principalOrgId": "o-a1b2c3d4e5" };
    it("adds an aws:PrincipalOrgID condition to the allow, enforced against each caller's organization", async () => {
      await withGateway(
        overrides,
        async (gw, plan) => {
          assert.deepEqual(plan.resourcePolicy.Statement[0].Condition?.StringEquals, { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] });
          assert.equal((await call(gw, byLabel(gw, "caller role"))).status, 200);
          const outsider = await call(gw, byLabel(gw, "outside the organization"));
          assert.equal(outsider.status, 403);
        },
        (_plan, base) => [
          { ...base[0], caller: { ...base[0].caller, orgId: "o-a1b2c3d4e5" } },
          {
            ...base[0],
            label: "caller role, but outside the organization",
            caller: { ...base[0].caller, orgId: "o-zzzzzzzzzz" },
            accessKeyId: "ASIAOUTSIDER00000001",
          },
        ],
      );
    });
  });

  describe("single-account mode", () => {
    const single = { "holidays-api:accountB": undefined };
    // One plan for the two tests of single-account mode with exclusive on (the default): neither changes it.
    let singlePlan: Plan;
    before(async () => (singlePlan = await buildPlan("dev", single)));
    it("puts the caller in account A; with exclusive, only the caller role gets in", async () => {
      await withGateway(singlePlan, async (gw, plan) => {
        assert.equal(plan.singleAccount, true);
        assert.match(plan.callerRoleArn, /^arn:aws:iam::111111111111:role\//);
        assert.equal((await call(gw, byLabel(gw, "caller role"))).status, 200);
        assert.equal((await call(gw, byLabel(gw, "intruder"))).status, 403);
      });
    });

    it("the account principal delegates: the caller role needs its identity policy even in the API's own account", async () => {
      await withGateway(
        singlePlan,
        async (gw, plan) => {
          assert.deepEqual(plan.resourcePolicy.Statement[0].Principal, { AWS: ["arn:aws:iam::111111111111:root"] });
          assert.ok(
            plan.callerIdentityPolicies.some((d) =>
              d.Statement.some((s) => ([] as string[]).concat(s.Action ?? []).includes("execute-api:Invoke")),
            ),
            "the program gives the caller its identity policy in single-account mode too",
          );
          const withoutGrant = byLabel(gw, "without its identity policy");
          const r = await call(gw, withoutGrant);
          assert.equal(
            r.status,
            403,
            "named by ArnEquals, same account, but no identity policy: denied (an account principal never allows by itself)",
          );
          assert.equal((await call(gw, byLabel(gw, "caller role"))).status, 200);
        },
        (_plan, base) => [
          ...base,
          { ...base[0], label: "caller role without its identity policy", identityPolicies: [], accessKeyId: "ASIANOGRANT000000001" },
        ],
      );
    });

    it("without exclusive, either policy allowing is enough: a same-account role with only an identity grant gets in", async () => {
      await withGateway({ ...single, "holidays-api:exclusive": "false" }, async (gw) => {
        const intruder = byLabel(gw, "intruder");
        assert.equal(intruder.expectAllowed, true);
        assert.equal((await call(gw, intruder)).status, 200);
        assert.equal((await call(gw, byLabel(gw, "caller role"))).status, 200);
      });
    });
  });
});
