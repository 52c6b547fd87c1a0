/**
 * The policy pack's rules: silent over what the real program declares, loud over bad resources, and
 * deciding at preview: run through @pulumi/policy's own unknown-checking proxy with every computed value
 * unknown (as in a first `pulumi preview`), the per-resource rules still decide.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import {
  RESOURCE_RULES,
  ResourceView,
  STACK_RULES,
  checkExecuteApiGrantsScoped,
  checkIamAuthorization,
  checkNoPublicBucket,
  checkEndpointPolicyNamesPrincipals,
  checkNoWildcardPrincipal,
  checkPrivateApiConditionsOnVpcSource,
  packPolicies,
} from "../../policy/rules";
import { type Run as ProgramRun, runIndex as runProgram } from "./helpers/mocks";
import { readStackConfig } from "../../tools/cli/stackConfig";

// @pulumi/policy's sentinel for an unknown string during preview (policy/proxy.js, unknownStringValue).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const UNKNOWN = (require("@pulumi/policy/proxy") as { unknownStringValue: string }).unknownStringValue;

const urnOf = (type: string, name: string) => `urn:pulumi:dev::holidays-api::${type}::${name}`;
const view = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  propertyDependencies?: Record<string, { urn: string }[]>,
): ResourceView => ({ type, name, urn: urnOf(type, name), props, propertyDependencies });
/** The program's resources as the pack sees them; property dependencies from the ids their inputs hold. */
const toViews = (run: ProgramRun): ResourceView[] =>
  run.resources.map((r) => {
    const deps: Record<string, { urn: string }[]> = {};
    for (const [k, v] of Object.entries(r.inputs)) {
      const target = run.resources.find((x) => x !== r && typeof v === "string" && x.id === v);
      if (target) deps[k] = [{ urn: urnOf(target.type, target.name) }];
    }
    return view(r.type, r.name, r.inputs, deps);
  });
const violationsOf = (check: (r: ResourceView, report: (m: string) => void) => void, r: ResourceView) => {
  const out: string[] = [];
  check(r, (m) => out.push(m));
  return out;
};
const stackViolations = (resources: ResourceView[]) => {
  const out: string[] = [];
  for (const rule of STACK_RULES) rule.check(resources, (m) => out.push(m));
  return out;
};

describe("policy pack (policy/)", function () {
  this.timeout(30_000);
  const dev = readStackConfig("dev");
  const variants: [string, Record<string, string>][] = [
    ["dev stack", dev],
    [
      "every option set",
      {
        ...dev,
        "holidays-api:invokers": '["333333333333","arn:aws:iam::222222222222:role/reporting"]',
        "holidays-api:sourceIpAllowList": '["203.0.113.0/24","2001:db8::/32"]',
        "holidays-api:principalOrgId": "o-a1b2c3d4e5",
      },
    ],
    ["exclusive off", { ...dev, "holidays-api:exclusive": "false" }],
    ["endpointType private", { ...dev, "holidays-api:endpointType": "private" }],
    [
      "endpointType private with callerVpc",
      { ...dev, "holidays-api:endpointType": "private", "holidays-api:callerVpc": '{"subnetIds":["subnet-0123456789abcdef0"]}' },
    ],
  ];
  for (const [what, config] of variants) {
    it(`passes every rule over the resources the real program declares (${what})`, async () => {
      const resources = toViews(await runProgram(config));
      for (const rule of RESOURCE_RULES)
        for (const r of resources) assert.deepEqual(violationsOf(rule.check, r), [], `${rule.name} on ${r.name}`);
      assert.deepEqual(stackViolations(resources), []);
    });
  }

  it("registers every rule as mandatory, per resource except the one that links two resources", () => {
    const policies = packPolicies();
    assert.deepEqual(
      policies.map((p) => [p.name, p.enforcementLevel, "validateResource" in p ? "resource" : "stack"]),
      [
        ["apigateway-no-wildcard-principal", "mandatory", "resource"],
        ["vpc-endpoint-policy-names-principals", "mandatory", "resource"],
        ["apigateway-iam-authorization", "mandatory", "resource"],
        ["s3-no-public-bucket", "mandatory", "resource"],
        ["execute-api-grants-scoped", "mandatory", "resource"],
        ["s3-bucket-has-public-access-block", "mandatory", "stack"],
        ["apigateway-private-api-conditions-on-vpc-source", "mandatory", "stack"],
      ],
    );
  });

  it("fires on a PRIVATE API whose resource policy does not condition on aws:SourceVpce or aws:SourceVpc", () => {
    const api = (types: unknown, policy?: unknown) =>
      view("aws:apigateway/restApi:RestApi", "api", { endpointConfiguration: { types }, ...(policy === undefined ? {} : { policy }) });
    const attached = (policy: unknown) =>
      view(
        "aws:apigateway/restApiPolicy:RestApiPolicy",
        "p",
        { restApiId: "a", policy: JSON.stringify(policy) },
        {
          restApiId: [{ urn: urnOf("aws:apigateway/restApi:RestApi", "api") }],
        },
      );
    const allow = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "execute-api:Invoke", Resource: "*" };
    const deny = (operator: string, key: string) => ({
      Effect: "Deny",
      Principal: "*",
      Action: "execute-api:Invoke",
      Resource: "*",
      Condition: { [operator]: { [key]: "vpce-0123456789abcdef0" } },
    });
    const check = (resources: ResourceView[]) => {
      const out: string[] = [];
      checkPrivateApiConditionsOnVpcSource(resources, (m) => out.push(m));
      return out;
    };
    assert.match(
      check([api("PRIVATE")])[0],
      /^api: a PRIVATE REST API whose resource policy does not condition on aws:SourceVpce or aws:SourceVpc/,
    );
    assert.equal(check([api("PRIVATE"), attached({ Statement: [allow] })]).length, 1, "an Allow with no condition");
    assert.equal(check([api("PRIVATE"), attached({ Statement: [allow, deny("StringNotEquals", "aws:SourceIp")] })]).length, 1);
    assert.equal(
      check([api("PRIVATE"), attached({ Statement: [allow, deny("StringEquals", "aws:SourceVpce")] })]).length,
      1,
      "a Deny of the listed endpoint itself",
    );
    // A policy on another API does not count.
    const elsewhere = view("aws:apigateway/restApiPolicy:RestApiPolicy", "q", {
      restApiId: "b",
      policy: JSON.stringify({ Statement: [allow, deny("StringNotEquals", "aws:SourceVpce")] }),
    });
    assert.equal(check([api("PRIVATE"), elsewhere]).length, 1);
    assert.deepEqual(check([api("PRIVATE"), attached({ Statement: [allow, deny("StringNotEquals", "aws:SourceVpce")] })]), []);
    assert.deepEqual(check([api(["PRIVATE"]), attached({ Statement: [allow, deny("StringNotEquals", "aws:sourcevpc")] })]), []);
    assert.deepEqual(
      check([
        api("PRIVATE", JSON.stringify({ Statement: [{ ...allow, Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } } }] })),
      ]),
      [],
    );
    assert.deepEqual(check([api("REGIONAL"), attached({ Statement: [allow] })]), [], "a REGIONAL API is not concerned");
  });

  it("fires on a VPC endpoint policy that allows a wildcard principal, not on one naming a role or on no policy", () => {
    const statement = (AWS: unknown) => ({
      Sid: "S",
      Effect: "Allow",
      Principal: AWS === "*" ? "*" : { AWS },
      Action: "execute-api:Invoke",
      Resource: "*",
    });
    const endpointPolicy = (AWS: unknown) =>
      view("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "e", {
        vpcEndpointId: "vpce-1",
        policy: JSON.stringify({ Statement: [statement(AWS)] }),
      });
    assert.match(
      violationsOf(checkEndpointPolicyNamesPrincipals, endpointPolicy("*"))[0],
      /^e: endpoint policy statement S allows principal \["\*"\]/,
    );
    assert.equal(violationsOf(checkEndpointPolicyNamesPrincipals, endpointPolicy(["arn:aws:iam::222222222222:role/*"])).length, 1);
    assert.deepEqual(violationsOf(checkEndpointPolicyNamesPrincipals, endpointPolicy(["arn:aws:iam::222222222222:role/caller"])), []);
    const inline = view("aws:ec2/vpcEndpoint:VpcEndpoint", "v", { policy: JSON.stringify({ Statement: [statement("*")] }) });
    assert.equal(violationsOf(checkEndpointPolicyNamesPrincipals, inline).length, 1);
    assert.deepEqual(violationsOf(checkEndpointPolicyNamesPrincipals, view("aws:ec2/vpcEndpoint:VpcEndpoint", "v", {})), []);
  });

  it("fires on the real private program once the SourceVpce Deny is taken out", async () => {
    const run = await runProgram({ ...dev, "holidays-api:endpointType": "private" });
    const resources = toViews(run).map((r) =>
      r.type === "aws:apigateway/restApiPolicy:RestApiPolicy"
        ? { ...r, props: { ...r.props, policy: String(r.props.policy).replace(/"aws:SourceVpce"/g, '"aws:SourceAccount"') } }
        : r,
    );
    assert.equal(stackViolations(resources).length, 1);
  });

  it("fires on an Allow with a wildcard principal, not on a Deny with one", () => {
    const policy = (Effect: string, AWS: unknown) =>
      view("aws:apigateway/restApiPolicy:RestApiPolicy", "p", {
        restApiId: "a",
        policy: JSON.stringify({ Statement: [{ Sid: "S", Effect, Principal: { AWS }, Action: "execute-api:Invoke", Resource: "*" }] }),
      });
    assert.match(
      violationsOf(checkNoWildcardPrincipal, policy("Allow", "*"))[0],
      /p: statement S allows principal \["\*"\]\. Name the exact role ARNs/,
    );
    assert.equal(violationsOf(checkNoWildcardPrincipal, policy("Allow", ["arn:aws:iam::1:role/*"])).length, 1);
    assert.deepEqual(violationsOf(checkNoWildcardPrincipal, policy("Deny", "*")), []);
    const inline = view("aws:apigateway/restApi:RestApi", "api", {
      policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }] }),
    });
    assert.equal(violationsOf(checkNoWildcardPrincipal, inline).length, 1);
  });

  it("fires on a method without AWS_IAM", () => {
    assert.match(
      violationsOf(
        checkIamAuthorization,
        view("aws:apigateway/method:Method", "get", { restApi: "api1", httpMethod: "GET", authorization: "NONE" }),
      )[0],
      /get: GET uses authorization "NONE".*Set authorization: "AWS_IAM"/,
    );
    assert.deepEqual(
      violationsOf(
        checkIamAuthorization,
        view("aws:apigateway/method:Method", "get", { restApi: "api1", httpMethod: "GET", authorization: "AWS_IAM" }),
      ),
      [],
    );
  });

  it("fires on an incomplete public-access block, a public ACL, and a bucket without a block", () => {
    const partial = view("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
      bucket: "b-123",
      blockPublicAcls: true,
      blockPublicPolicy: false,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    assert.deepEqual(violationsOf(checkNoPublicBucket, partial), [
      "pab: public-access block is incomplete; set blockPublicPolicy to true.",
    ]);
    assert.match(
      violationsOf(checkNoPublicBucket, view("aws:s3/bucket:Bucket", "pub", { acl: "public-read" }))[0],
      /pub: acl "public-read" makes the bucket public/,
    );
    assert.match(stackViolations([view("aws:s3/bucket:Bucket", "b", {})])[0], /b: no aws\.s3\.BucketPublicAccessBlock for this bucket/);
  });

  it("fires on a role policy that may invoke execute-api on *", () => {
    const grant = (Action: string, Resource: string) =>
      view("aws:iam/rolePolicy:RolePolicy", "invoke", {
        role: "fn-role-1",
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action, Resource }] }),
      });
    assert.match(
      violationsOf(checkExecuteApiGrantsScoped, grant("execute-api:Invoke", "*"))[0],
      /invoke: may invoke \["\*"\].*Grant execute-api:Invoke on the exact method ARN only/,
    );
    assert.equal(
      violationsOf(checkExecuteApiGrantsScoped, grant("execute-api:*", "arn:aws:execute-api:ap-northeast-1:1:abc/dev/GET/x")).length,
      1,
    );
    assert.equal(violationsOf(checkExecuteApiGrantsScoped, grant("*", "*")).length, 1);
    assert.deepEqual(
      violationsOf(
        checkExecuteApiGrantsScoped,
        grant("execute-api:Invoke", "arn:aws:execute-api:ap-northeast-1:111111111111:abc/dev/GET/api/v1/data.json"),
      ),
      [],
    );
    assert.deepEqual(violationsOf(checkExecuteApiGrantsScoped, grant("s3:GetObject", "*")), [], "not an execute-api grant");
    const inline = view("aws:iam/role:Role", "r", {
      inlinePolicies: [
        { name: "x", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: "*" }] }) },
      ],
    });
    assert.equal(violationsOf(checkExecuteApiGrantsScoped, inline).length, 1);
  });

  describe("at preview, with every computed value unknown (@pulumi/policy's unknown-checking proxy)", () => {
    const preview = (type: string, name: string, props: Record<string, unknown>): ResourceView =>
      view(type, name, unknownCheckingProxy(props) as Record<string, unknown>);
    const decide = (check: (r: ResourceView, report: (m: string) => void) => void, r: ResourceView) => violationsOf(check, r);

    it("decides AWS_IAM from the method's own literal, with its API and resource ids unknown", () => {
      const props = (authorization: string) => ({ restApi: UNKNOWN, resourceId: UNKNOWN, httpMethod: "GET", authorization });
      assert.equal(decide(checkIamAuthorization, preview("aws:apigateway/method:Method", "get", props("NONE"))).length, 1);
      assert.deepEqual(decide(checkIamAuthorization, preview("aws:apigateway/method:Method", "get", props("AWS_IAM"))), []);
    });

    it("decides the public-access flags and the ACL with the bucket's name and ARN unknown", () => {
      const pab = (flag: boolean) =>
        preview("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", {
          bucket: UNKNOWN,
          blockPublicAcls: true,
          blockPublicPolicy: flag,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        });
      assert.equal(decide(checkNoPublicBucket, pab(false)).length, 1);
      assert.deepEqual(decide(checkNoPublicBucket, pab(true)), []);
      assert.equal(
        decide(checkNoPublicBucket, preview("aws:s3/bucket:Bucket", "b", { forceDestroy: false, acl: "public-read" })).length,
        1,
      );
      assert.deepEqual(decide(checkNoPublicBucket, preview("aws:s3/bucket:Bucket", "b", { forceDestroy: false })), []);
    });

    it("decides a role's inline grants and leaves its unknown name alone", () => {
      const role = (Resource: string) =>
        preview("aws:iam/role:Role", "r", {
          name: UNKNOWN,
          assumeRolePolicy: '{"Statement":[]}',
          inlinePolicies: [
            { name: "x", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource }] }) },
          ],
        });
      assert.equal(decide(checkExecuteApiGrantsScoped, role("*")).length, 1);
      assert.deepEqual(
        decide(checkExecuteApiGrantsScoped, role("arn:aws:execute-api:ap-northeast-1:111111111111:abc/dev/GET/api/v1/data.json")),
        [],
      );
    });

    it("links every bucket to its public-access block through property dependencies, all properties unknown", () => {
      const bucket = view("aws:s3/bucket:Bucket", "b", unknownCheckingProxy({ bucket: UNKNOWN, arn: UNKNOWN }) as Record<string, unknown>);
      const block = view(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "pab",
        unknownCheckingProxy({ bucket: UNKNOWN }) as Record<string, unknown>,
        { bucket: [{ urn: bucket.urn }] },
      );
      assert.deepEqual(stackViolations([bucket, block]), []);
      assert.equal(stackViolations([bucket]).length, 1);
    });

    it("a policy text computed from unknown ARNs is the one thing it cannot read at preview: it raises UnknownValueError (an advisory), and decides at up, before the resource is created", () => {
      assert.throws(
        () =>
          decide(
            checkNoWildcardPrincipal,
            preview("aws:apigateway/restApiPolicy:RestApiPolicy", "p", { restApiId: UNKNOWN, policy: UNKNOWN }),
          ),
        UnknownValueError,
      );
      assert.equal(
        decide(
          checkNoWildcardPrincipal,
          preview("aws:apigateway/restApiPolicy:RestApiPolicy", "p", {
            restApiId: UNKNOWN,
            policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*" }] }),
          }),
        ).length,
        1,
      );
    });
  });

  it("is publishable on its own: imports only its own files and the packages its package.json declares, and has a tsconfig", () => {
    const dir = path.join(__dirname, "..", "..", "policy");
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    assert.ok(fs.existsSync(path.join(dir, "tsconfig.json")));
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      for (const [, spec] of text.matchAll(/from "([^"]+)"/g)) {
        if (spec.startsWith(".")) assert.ok(!spec.startsWith(".."), `${file} imports ${spec} from outside policy/`);
        else
          assert.ok(
            Object.keys(pkg.dependencies ?? {}).some((d) => spec === d || spec.startsWith(`${d}/`)),
            `${file} imports ${spec}, which policy/package.json does not declare`,
          );
      }
    }
  });
});
