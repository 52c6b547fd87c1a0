import { strict as assert } from "node:assert";
import { methodArn } from "../lib/arn";
import { apiGatewayTrustPolicy, apiResourcePolicy, invokeMethodPolicy, readObjectPolicy, renderPolicy, tlsOnlyBucketPolicy } from "../lib/policy";

const executionArn = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123";
const getArn = methodArn(executionArn, "dev", "GET", "/api/v1/data.json");
const caller = "arn:aws:iam::222222222222:role/caller";

describe("policy documents", () => {
  it("builds the method ARN", () => {
    assert.equal(getArn, "arn:aws:execute-api:ap-northeast-1:111111111111:abc123/dev/GET/api/v1/data.json");
  });

  it("allows exactly the invokers on exactly the GET method", () => {
    const doc = apiResourcePolicy({ executionArn, methodArn: getArn, invokers: [caller], exclusive: false });
    assert.deepEqual(doc.Statement, [{ Sid: "AllowInvokers", Effect: "Allow", Principal: { AWS: [caller] }, Action: ["execute-api:Invoke"], Resource: [getArn] }]);
  });

  it("adds a deny for unlisted principals when exclusive; account invokers cover their account", () => {
    const doc = apiResourcePolicy({ executionArn, methodArn: getArn, invokers: [caller, "arn:aws:iam::333333333333:root"], exclusive: true });
    const deny = doc.Statement.find((s) => s.Sid === "DenyUnlistedPrincipals");
    assert.deepEqual(deny, {
      Sid: "DenyUnlistedPrincipals", Effect: "Deny", Principal: "*", Action: ["execute-api:Invoke"], Resource: [`${executionArn}/*`],
      Condition: { ArnNotLike: { "aws:PrincipalArn": [caller, "arn:aws:iam::333333333333:*"] } },
    });
  });

  it("adds a source-IP deny and an organization condition when asked", () => {
    const doc = apiResourcePolicy({ executionArn, methodArn: getArn, invokers: [caller], sourceIpAllowList: ["2001:db8::/32", "203.0.113.0/24"], principalOrgId: "o-a1b2c3d4e5" });
    assert.deepEqual(doc.Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } });
    const ip = doc.Statement.find((s) => s.Sid === "DenyOutsideSourceIpAllowList");
    assert.deepEqual(ip?.Condition, { NotIpAddress: { "aws:SourceIp": ["2001:db8::/32", "203.0.113.0/24"] } });
    assert.equal(ip?.Effect, "Deny");
  });

  it("renders canonically: the same inputs in any order give identical text", () => {
    const a = renderPolicy(apiResourcePolicy({ executionArn, methodArn: getArn, invokers: [caller, "arn:aws:iam::222222222222:role/b"], sourceIpAllowList: ["10.0.0.0/8", "192.0.2.0/24"], exclusive: true }));
    const b = renderPolicy(apiResourcePolicy({ executionArn, methodArn: getArn, invokers: ["arn:aws:iam::222222222222:role/b", caller, caller], sourceIpAllowList: ["192.0.2.0/24", "10.0.0.0/8"], exclusive: true }));
    assert.equal(a, b);
    assert.equal(a, JSON.stringify(JSON.parse(a)));
  });

  it("refuses wildcard or empty invokers and wildcard method ARNs", () => {
    assert.throws(() => apiResourcePolicy({ executionArn, methodArn: getArn, invokers: [] }), /at least one invoker/);
    assert.throws(() => apiResourcePolicy({ executionArn, methodArn: getArn, invokers: ["*"] }), /wildcards are never allowed/);
    assert.throws(() => apiResourcePolicy({ executionArn, methodArn: getArn, invokers: ["arn:aws:iam::222222222222:role/*"] }), /wildcards/);
    assert.throws(() => invokeMethodPolicy(`${executionArn}/*`), /must not contain wildcards/);
  });

  it("scopes the caller's identity policy to the method ARN", () => {
    assert.deepEqual(invokeMethodPolicy(getArn).Statement, [{ Sid: "InvokeHolidaysApi", Effect: "Allow", Action: ["execute-api:Invoke"], Resource: [getArn] }]);
  });

  it("limits API Gateway's S3 role to this API and one object", () => {
    const trust = apiGatewayTrustPolicy(executionArn).Statement[0];
    assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": ["111111111111"] }, ArnLike: { "aws:SourceArn": [`${executionArn}/*`] } });
    assert.deepEqual(readObjectPolicy("arn:aws:s3:::b", "api/v1/data.json").Statement[0].Resource, ["arn:aws:s3:::b/api/v1/data.json"]);
  });

  it("denies non-TLS access to the bucket", () => {
    const st = tlsOnlyBucketPolicy("arn:aws:s3:::b").Statement[0];
    assert.equal(st.Effect, "Deny");
    assert.deepEqual(st.Condition, { Bool: { "aws:SecureTransport": ["false"] } });
  });
});
