import { retentionChoice } from "../../lib/retention";
import { strict as assert } from "node:assert";
import { methodArn } from "../../lib/arn";
import {
  apiGatewayTrustPolicy,
  apiResourcePolicy,
  invokeMethodPolicy,
  readObjectPolicy,
  renderPolicy,
  tlsOnlyBucketPolicy,
} from "../../lib/policy";

const executionArn = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123";
const getArn = methodArn(executionArn, "dev", "GET", "/api/v1/data.json");
const yearArn = methodArn(executionArn, "dev", "GET", "/api/v1/*/data.json");
const routes = [getArn, yearArn];
const caller = "arn:aws:iam::222222222222:role/caller";

describe("policy documents", () => {
  it("builds the method ARN", () => {
    assert.equal(getArn, "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/data.json");
  });

  it("allows exactly the invokers on exactly the two GET routes, each through its account principal and an ArnEquals aws:PrincipalArn condition", () => {
    const doc = apiResourcePolicy({ executionArn, methodArns: routes, invokers: [caller], exclusive: false });
    assert.deepEqual(doc.Statement, [
      {
        Sid: "AllowInvokers",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::222222222222:root"] },
        Action: ["execute-api:Invoke"],
        Resource: [yearArn, getArn],
        Condition: { ArnEquals: { "aws:PrincipalArn": [caller] } },
      },
    ]);
  });

  it("never names a role or user as a principal (API Gateway validates principals, and AWS rewrites a role principal to its unique id)", () => {
    const doc = apiResourcePolicy({
      executionArn,
      methodArns: routes,
      invokers: [caller, "arn:aws:iam::333333333333:user/u", "arn:aws:iam::444444444444:root"],
      exclusive: true,
      principalOrgId: "o-a1b2c3d4e5",
    });
    for (const s of doc.Statement) {
      const principals = s.Principal === "*" ? ["*"] : ([] as string[]).concat(s.Principal?.AWS ?? []);
      for (const p of principals) assert.ok(p === "*" ? s.Effect === "Deny" : /^arn:aws:iam::\d{12}:root$/.test(p), `${s.Sid}: ${p}`);
    }
    const byId = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    assert.deepEqual(byId.AllowInvokers.Principal, { AWS: ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] });
    assert.deepEqual(byId.AllowInvokers.Condition, {
      ArnEquals: { "aws:PrincipalArn": [caller, "arn:aws:iam::333333333333:user/u"] },
      StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] },
    });
    assert.deepEqual(byId.AllowInvokerAccounts, {
      Sid: "AllowInvokerAccounts",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::444444444444:root"] },
      Action: ["execute-api:Invoke"],
      Resource: [yearArn, getArn],
      Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } },
    });
  });

  it("keeps account invokers in a statement of their own, without the ArnEquals condition", () => {
    const doc = apiResourcePolicy({ executionArn, methodArns: routes, invokers: ["arn:aws:iam::444444444444:root"], exclusive: false });
    assert.deepEqual(
      doc.Statement.map((s) => [s.Sid, s.Condition]),
      [["AllowInvokerAccounts", undefined]],
    );
  });

  it("lists the routes' method ARNs sorted and de-duplicated", () => {
    const doc = apiResourcePolicy({ executionArn, methodArns: [getArn, yearArn, getArn], invokers: [caller], exclusive: false });
    assert.deepEqual(doc.Statement[0].Resource, [
      "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/*/data.json",
      "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/data.json",
    ]);
  });

  it("adds a deny for unlisted principals when exclusive; account invokers cover their account", () => {
    const doc = apiResourcePolicy({
      executionArn,
      methodArns: routes,
      invokers: [caller, "arn:aws:iam::333333333333:root"],
      exclusive: true,
    });
    const deny = doc.Statement.find((s) => s.Sid === "DenyUnlistedPrincipals");
    assert.deepEqual(deny, {
      Sid: "DenyUnlistedPrincipals",
      Effect: "Deny",
      Principal: "*",
      Action: ["execute-api:Invoke"],
      Resource: [`${executionArn}/*`],
      Condition: { ArnNotLike: { "aws:PrincipalArn": [caller, "arn:aws:iam::333333333333:*"] } },
    });
  });

  it("adds a source-IP deny and an organization condition when asked", () => {
    const doc = apiResourcePolicy({
      executionArn,
      methodArns: routes,
      invokers: [caller],
      sourceIpAllowList: ["2001:db8::/32", "203.0.113.0/24"],
      principalOrgId: "o-a1b2c3d4e5",
    });
    assert.deepEqual(doc.Statement[0].Condition?.StringEquals, { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] });
    const ip = doc.Statement.find((s) => s.Sid === "DenyOutsideSourceIpAllowList");
    assert.deepEqual(ip?.Condition, { NotIpAddress: { "aws:SourceIp": ["2001:db8::/32", "203.0.113.0/24"] } });
    assert.equal(ip?.Effect, "Deny");
  });

  it("renders canonically: the same inputs in any order give identical text", () => {
    const a = renderPolicy(
      apiResourcePolicy({
        executionArn,
        methodArns: routes,
        invokers: [caller, "arn:aws:iam::222222222222:role/b"],
        sourceIpAllowList: ["10.0.0.0/8", "192.0.2.0/24"],
        exclusive: true,
      }),
    );
    const b = renderPolicy(
      apiResourcePolicy({
        executionArn,
        methodArns: routes,
        invokers: ["arn:aws:iam::222222222222:role/b", caller, caller],
        sourceIpAllowList: ["192.0.2.0/24", "10.0.0.0/8"],
        exclusive: true,
      }),
    );
    assert.equal(a, b);
    assert.equal(a, JSON.stringify(JSON.parse(a)));
  });

  it("refuses wildcard or empty invokers and wildcard method ARNs", () => {
    assert.throws(() => apiResourcePolicy({ executionArn, methodArns: routes, invokers: [] }), /at least one invoker/);
    assert.throws(() => apiResourcePolicy({ executionArn, methodArns: routes, invokers: ["*"] }), /wildcards are never allowed/);
    assert.throws(
      () => apiResourcePolicy({ executionArn, methodArns: routes, invokers: ["arn:aws:iam::222222222222:role/*"] }),
      /wildcards/,
    );
    for (const broad of [
      `${executionArn}/*`,
      `${executionArn}/dev/*/api/v1/data.json`,
      `${executionArn}/*/GET/api/v1/data.json`,
      `${executionArn}/dev/GET/*`,
      `${executionArn}/dev/GET/api/v1/2*/data.json`,
      `${executionArn}/dev/POST/api/v1/data.json`,
      "arn:aws:execute-api:ap-northeast-1:111111111111:*/dev/GET/api/v1/data.json",
      "arn:aws:execute-api:*:111111111111:abc123/dev/GET/api/v1/data.json",
      "arn:aws:s3:::b/api/v1/data.json",
      `${executionArn}/dev/GET/api//data.json`,
    ]) {
      assert.throws(() => invokeMethodPolicy([getArn, broad]), /must name one GET route/, broad);
      assert.throws(() => apiResourcePolicy({ executionArn, methodArns: [broad], invokers: [caller] }), /must name one GET route/, broad);
    }
    assert.throws(() => invokeMethodPolicy([]), /at least one method ARN/);
  });

  it("scopes the caller's identity policy to exactly the GET routes", () => {
    assert.deepEqual(invokeMethodPolicy([getArn, yearArn]).Statement, [
      { Sid: "InvokeHolidaysApi", Effect: "Allow", Action: ["execute-api:Invoke"], Resource: [yearArn, getArn] },
    ]);
  });

  // API Gateway presents no aws:SourceAccount for an integration role (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479).
  it("lets API Gateway assume the S3 role with no SourceAccount/SourceArn condition, and the role read the routes' keys", () => {
    assert.deepEqual(apiGatewayTrustPolicy().Statement, [
      { Effect: "Allow", Principal: { Service: ["apigateway.amazonaws.com"] }, Action: ["sts:AssumeRole"] },
    ]);
    assert.deepEqual(readObjectPolicy("arn:aws:s3:::b", ["api/v1/data.json", "api/v1/*/data.json"]).Statement[0], {
      Sid: "ReadHolidaysObject",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::b/api/v1/*/data.json", "arn:aws:s3:::b/api/v1/data.json"],
    });
  });

  it("denies non-TLS access to the bucket", () => {
    const st = tlsOnlyBucketPolicy("arn:aws:s3:::b").Statement[0];
    assert.equal(st.Effect, "Deny");
    assert.deepEqual(st.Condition, { Bool: { "aws:SecureTransport": ["false"] } });
  });
});

describe("retentionChoice (what pulumi destroy does with the data)", () => {
  it("retain keeps the bucket and its configuration, and never force-deletes versions", () => {
    assert.deepEqual(retentionChoice("retain"), { retainOnDelete: true, forceDestroy: false });
  });
  it("destroy removes the bucket with every object version, so a dev stack destroys cleanly", () => {
    assert.deepEqual(retentionChoice("destroy"), { retainOnDelete: false, forceDestroy: true });
  });
});
