/** The policy pack's rules: silent over what the real program declares, loud over bad resources. */
import { strict as assert } from "node:assert";
import { RULES, ResourceView, checkIamMethodsWhenPolicyNamesPrincipals, checkLambdaInvokeScoped, checkNoPublicBucket, checkNoWildcardPrincipal } from "../policy/rules";
import { ProgramRun, runProgram } from "../local/programUnderMocks";
import { readStackConfig } from "../local/stackConfig";

const view = (type: string, name: string, props: Record<string, unknown>): ResourceView => ({ type, name, urn: `urn:pulumi:dev::holidays-api::${type}::${name}`, props });
const toViews = (run: ProgramRun): ResourceView[] => run.resources.map((r) => view(r.type, r.name, r.state));
const violations = (check: (r: ResourceView[], report: (m: string, urn?: string) => void) => void, resources: ResourceView[]) => {
  const out: string[] = [];
  check(resources, (m) => out.push(m));
  return out;
};

describe("policy pack (policy/)", () => {
  const dev = readStackConfig("dev");
  const variants: [string, Record<string, string>][] = [
    ["dev stack", dev],
    ["every option set", { ...dev, "holidays-api:invokers": '["333333333333","arn:aws:iam::222222222222:role/reporting"]', "holidays-api:sourceIpAllowList": '["203.0.113.0/24","2001:db8::/32"]', "holidays-api:principalOrgId": "o-a1b2c3d4e5" }],
    ["exclusive off", { ...dev, "holidays-api:exclusive": "false" }],
  ];
  for (const [what, config] of variants) {
    it(`passes every rule over the resources the real program declares (${what})`, async () => {
      const resources = toViews(await runProgram(config));
      for (const rule of RULES) assert.deepEqual(violations(rule.check, resources), [], rule.name);
    });
  }

  it("fires on an Allow with a wildcard principal, not on a Deny with one", () => {
    const policy = (Effect: string, AWS: unknown) => view("aws:apigateway/restApiPolicy:RestApiPolicy", "p", { restApiId: "a", policy: JSON.stringify({ Statement: [{ Sid: "S", Effect, Principal: { AWS }, Action: "execute-api:Invoke", Resource: "*" }] }) });
    assert.match(violations(checkNoWildcardPrincipal, [policy("Allow", "*")])[0], /p: statement S allows principal \["\*"\]\. Name the exact role ARNs/);
    assert.equal(violations(checkNoWildcardPrincipal, [policy("Allow", ["arn:aws:iam::1:role/*"])]).length, 1);
    assert.deepEqual(violations(checkNoWildcardPrincipal, [policy("Deny", "*")]), []);
    const inline = view("aws:apigateway/restApi:RestApi", "api", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }] }) });
    assert.equal(violations(checkNoWildcardPrincipal, [inline]).length, 1);
  });

  it("fires on a method without AWS_IAM on an API whose policy names principals", () => {
    const policy = view("aws:apigateway/restApiPolicy:RestApiPolicy", "p", { restApiId: "api1", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::2:role/r"] }, Action: "execute-api:Invoke", Resource: "*" }] }) });
    const open = view("aws:apigateway/method:Method", "get", { restApi: "api1", httpMethod: "GET", authorization: "NONE" });
    const other = view("aws:apigateway/method:Method", "other-api", { restApi: "api2", httpMethod: "GET", authorization: "NONE" });
    const out = violations(checkIamMethodsWhenPolicyNamesPrincipals, [policy, open, other]);
    assert.equal(out.length, 1);
    assert.match(out[0], /get: GET uses authorization "NONE", but the API's resource policy \(p\) names AWS principals.*Set authorization: "AWS_IAM"/);
  });

  it("fires on a bucket without a complete public-access block, or with a public ACL", () => {
    const bucket = view("aws:s3/bucket:Bucket", "b", { bucket: "b-123" });
    assert.match(violations(checkNoPublicBucket, [bucket])[0], /b: no aws\.s3\.BucketPublicAccessBlock for this bucket/);
    const partial = view("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", { bucket: "b-123", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true });
    assert.deepEqual(violations(checkNoPublicBucket, [bucket, partial]), ["pab: public-access block is incomplete; set blockPublicPolicy to true."]);
    const pub = view("aws:s3/bucket:Bucket", "pub", { bucket: "pub", acl: "public-read" });
    assert.ok(violations(checkNoPublicBucket, [pub]).some((m) => /pub: acl "public-read" makes the bucket public/.test(m)));
  });

  it("fires on a Lambda role that may invoke execute-api on *", () => {
    const role = view("aws:iam/role:Role", "fn-role", { name: "fn-role-1", assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
    const grant = (Action: string, Resource: string) => view("aws:iam/rolePolicy:RolePolicy", "invoke", { role: "fn-role-1", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action, Resource }] }) });
    assert.match(violations(checkLambdaInvokeScoped, [role, grant("execute-api:Invoke", "*")])[0], /invoke: a Lambda role may invoke \["\*"\].*Grant execute-api:Invoke on the exact method ARN only/);
    assert.equal(violations(checkLambdaInvokeScoped, [role, grant("execute-api:*", "arn:aws:execute-api:ap-northeast-1:1:abc/dev/GET/x")]).length, 1);
    assert.equal(violations(checkLambdaInvokeScoped, [role, grant("*", "*")]).length, 1);
    assert.deepEqual(violations(checkLambdaInvokeScoped, [role, grant("execute-api:Invoke", "arn:aws:execute-api:ap-northeast-1:111111111111:abc/dev/GET/api/v1/data.json")]), []);
    const notLambda = view("aws:iam/role:Role", "ec2-role", { name: "ec2", assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
    assert.deepEqual(violations(checkLambdaInvokeScoped, [notLambda, view("aws:iam/rolePolicy:RolePolicy", "x", { role: "ec2", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) })]), []);
  });

  it("links resources through property dependencies when ids are unknown (a first preview)", () => {
    const bucket = view("aws:s3/bucket:Bucket", "b", {});
    const block = { ...view("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }), propertyDependencies: { bucket: [{ urn: bucket.urn }] } };
    assert.deepEqual(violations(checkNoPublicBucket, [bucket, block]), []);
  });
});
