import { strict as assert } from "node:assert";
import {
  AccessRequest,
  Caller,
  NetworkOrigin,
  UnsupportedPolicyError,
  accessDeniedMessage,
  authorize,
  authorizeServiceAssumeRole,
  evaluatePolicy,
  identityRequest,
  networkContext,
} from "../../lib/iam/evaluate";
import { parseStandardCidr } from "../../lib/iam/cidr";
import { apiGatewayTrustPolicy, readObjectPolicy, tlsOnlyBucketPolicy } from "../../lib/policy";
import { conditionsHold } from "../../lib/iam/conditions";
import { MAX_COMPILED_PATTERNS, arnLike, wildcardMatch } from "../../lib/iam/match";
import type { PolicyDocument, PolicyStatement } from "../../lib/policy";

const API = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123";
const METHOD = `${API}/dev/GET/api/v1/data.json`;
const sameAccountCaller: Caller = {
  principalArn: "arn:aws:iam::111111111111:role/app",
  userArn: "arn:aws:sts::111111111111:assumed-role/app/s",
  accountId: "111111111111",
};
const crossAccountCaller: Caller = {
  principalArn: "arn:aws:iam::222222222222:role/app",
  userArn: "arn:aws:sts::222222222222:assumed-role/app/s",
  accountId: "222222222222",
};
const ORIGIN: NetworkOrigin = { sourceIp: "192.0.2.10" };
const req = (caller: Caller, origin: Partial<NetworkOrigin> = {}): AccessRequest =>
  identityRequest(caller, "execute-api:Invoke", METHOD, { ...ORIGIN, ...origin });
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

type Verdict = "allow" | "neither" | "deny";
const identityPolicy = (v: Verdict) =>
  v === "neither" ? [] : [doc({ Effect: v === "allow" ? "Allow" : "Deny", Action: ["execute-api:Invoke"], Resource: [METHOD] })];
const resourcePolicy = (v: Verdict, caller: Caller) =>
  v === "neither"
    ? doc({
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::333333333333:role/someone-else"] },
        Action: ["execute-api:Invoke"],
        Resource: [METHOD],
      })
    : doc({
        Effect: v === "allow" ? "Allow" : "Deny",
        Principal: { AWS: [caller.principalArn] },
        Action: ["execute-api:Invoke"],
        Resource: [METHOD],
      });

// AWS docs, "How API Gateway resource policies affect authorization workflow", policy evaluation
// outcome tables for IAM authentication: rows are the identity policy, columns the resource policy.
const TABLES: Record<"same account" | "cross-account", Record<Verdict, Record<Verdict, "Allow" | "Implicit Deny" | "Explicit Deny">>> = {
  "same account": {
    allow: { allow: "Allow", neither: "Allow", deny: "Explicit Deny" },
    neither: { allow: "Allow", neither: "Implicit Deny", deny: "Explicit Deny" },
    deny: { allow: "Explicit Deny", neither: "Explicit Deny", deny: "Explicit Deny" },
  },
  "cross-account": {
    allow: { allow: "Allow", neither: "Implicit Deny", deny: "Explicit Deny" },
    neither: { allow: "Implicit Deny", neither: "Implicit Deny", deny: "Explicit Deny" },
    deny: { allow: "Explicit Deny", neither: "Explicit Deny", deny: "Explicit Deny" },
  },
};

describe("IAM evaluation for AWS_IAM methods", () => {
  for (const [table, rows] of Object.entries(TABLES)) {
    const caller = table === "same account" ? sameAccountCaller : crossAccountCaller;
    for (const [identity, cols] of Object.entries(rows) as [Verdict, Record<Verdict, string>][]) {
      for (const [resource, expected] of Object.entries(cols) as [Verdict, string][]) {
        it(`${table}: identity ${identity} × resource ${resource} → ${expected}`, () => {
          const d = authorize({
            request: req(caller),
            identityPolicies: identityPolicy(identity),
            resourcePolicy: resourcePolicy(resource, caller),
            resourceAccountId: "111111111111",
          });
          const got = d.allowed ? "Allow" : d.explicitDeny ? "Explicit Deny" : "Implicit Deny";
          assert.equal(got, expected);
        });
      }
    }
  }

  describe("principals", () => {
    const allowFor = (AWS: string | string[]) =>
      doc({ Effect: "Allow", Principal: { AWS }, Action: "execute-api:Invoke", Resource: METHOD });
    const cases: [string, PolicyDocument, "Allow" | "AllowViaAccount" | "Neither"][] = [
      ["role ARN", allowFor(crossAccountCaller.principalArn), "Allow"],
      ["other role ARN", allowFor("arn:aws:iam::222222222222:role/other"), "Neither"],
      ["account id", allowFor("222222222222"), "AllowViaAccount"],
      ["account root ARN", allowFor("arn:aws:iam::222222222222:root"), "AllowViaAccount"],
      ["other account root", allowFor("arn:aws:iam::333333333333:root"), "Neither"],
      ["session ARN", allowFor(crossAccountCaller.userArn), "Allow"],
      ["AWS *", allowFor("*"), "Allow"],
      ["Principal *", doc({ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: METHOD }), "Allow"],
    ];
    for (const [what, policy, verdict] of cases) {
      it(`${what} → ${verdict}`, () => {
        assert.equal(evaluatePolicy(policy, req(crossAccountCaller), "resource"), verdict);
      });
    }

    // "AWS JSON policy elements: Principal": an account principal delegates to the account; an identity
    // of that account still needs an identity policy that allows — in the same account too.
    const viaAccount = (acct: string) =>
      doc({ Effect: "Allow", Principal: { AWS: [`arn:aws:iam::${acct}:root`] }, Action: ["execute-api:Invoke"], Resource: [METHOD] });
    for (const [table, caller] of [
      ["same account", sameAccountCaller],
      ["cross-account", crossAccountCaller],
    ] as const) {
      it(`${table}: an account principal never allows by itself; with an identity grant it does`, () => {
        const alone = authorize({
          request: req(caller),
          identityPolicies: [],
          resourcePolicy: viaAccount(caller.accountId),
          resourceAccountId: "111111111111",
        });
        assert.deepEqual([alone.allowed, alone.explicitDeny, alone.resource], [false, false, "AllowViaAccount"]);
        const withGrant = authorize({
          request: req(caller),
          identityPolicies: identityPolicy("allow"),
          resourcePolicy: viaAccount(caller.accountId),
          resourceAccountId: "111111111111",
        });
        assert.equal(withGrant.allowed, true);
      });
    }

    it("ANDs the account principal with an ArnEquals aws:PrincipalArn condition (the program's policy shape)", () => {
      const shaped = doc({
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::222222222222:root"] },
        Action: ["execute-api:Invoke"],
        Resource: [METHOD],
        Condition: { ArnEquals: { "aws:PrincipalArn": [crossAccountCaller.principalArn] } },
      });
      assert.equal(evaluatePolicy(shaped, req(crossAccountCaller), "resource"), "AllowViaAccount");
      const sibling: Caller = {
        ...crossAccountCaller,
        principalArn: "arn:aws:iam::222222222222:role/sibling",
        userArn: "arn:aws:sts::222222222222:assumed-role/sibling/s",
      };
      assert.equal(evaluatePolicy(shaped, req(sibling), "resource"), "Neither");
    });

    it("refuses principal types it does not model", () => {
      assert.throws(
        () =>
          evaluatePolicy(
            doc({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" } as never, Action: "*", Resource: "*" }),
            req(crossAccountCaller),
            "resource",
          ),
        /Principal type Federated is not supported/,
      );
    });
  });

  describe("trust policies: sts:AssumeRole by a service principal", () => {
    const role = "arn:aws:iam::111111111111:role/holidays-s3-read";
    const withConditions = doc({
      Effect: "Allow",
      Principal: { Service: ["apigateway.amazonaws.com"] },
      Action: ["sts:AssumeRole"],
      Condition: { StringEquals: { "aws:SourceAccount": ["111111111111"] }, ArnLike: { "aws:SourceArn": [`${API}/*`] } },
    });
    it("allows apigateway.amazonaws.com under the program's trust policy, with no source keys in the context", () => {
      const d = authorizeServiceAssumeRole({
        trustPolicy: apiGatewayTrustPolicy(),
        roleArn: role,
        service: "apigateway.amazonaws.com",
        context: {},
      });
      assert.deepEqual([d.allowed, d.resource], [true, "Allow"]);
    });
    // API Gateway presents no aws:SourceAccount for an integration role (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws#479).
    it("denies it when the trust policy requires aws:SourceAccount and the service does not present it", () => {
      const d = authorizeServiceAssumeRole({
        trustPolicy: withConditions,
        roleArn: role,
        service: "apigateway.amazonaws.com",
        context: {},
      });
      assert.deepEqual([d.allowed, d.explicitDeny], [false, false]);
    });
    it("denies another service, and never lets an account principal stand for a service", () => {
      assert.equal(
        authorizeServiceAssumeRole({ trustPolicy: apiGatewayTrustPolicy(), roleArn: role, service: "lambda.amazonaws.com" }).allowed,
        false,
      );
      const accountTrust = doc({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111111111111:root"] }, Action: ["sts:AssumeRole"] });
      assert.equal(
        authorizeServiceAssumeRole({ trustPolicy: accountTrust, roleArn: role, service: "apigateway.amazonaws.com" }).allowed,
        false,
      );
    });
    it("refuses a Resource element in a trust policy", () => {
      assert.throws(
        () =>
          authorizeServiceAssumeRole({
            trustPolicy: doc({
              Effect: "Allow",
              Principal: { Service: ["apigateway.amazonaws.com"] },
              Action: ["sts:AssumeRole"],
              Resource: ["*"],
            }),
            roleArn: role,
            service: "apigateway.amazonaws.com",
          }),
        UnsupportedPolicyError,
      );
    });
  });

  describe("s3:GetObject by a role session: identity policy and bucket policy", () => {
    const bucketArn = "arn:aws:s3:::holidays-data-1";
    const session: Caller = {
      principalArn: "arn:aws:iam::111111111111:role/s3-read",
      userArn: "arn:aws:sts::111111111111:assumed-role/s3-read/s",
      accountId: "111111111111",
    };
    const get = (key: string, secure = true): AccessRequest => ({
      requester: { kind: "identity", caller: session },
      action: "s3:GetObject",
      resource: `${bucketArn}/${key}`,
      context: { "aws:SecureTransport": String(secure) },
    });
    const decide = (
      r: AccessRequest,
      identity = [readObjectPolicy(bucketArn, ["api/v1/data.json"])],
      bucket = tlsOnlyBucketPolicy(bucketArn),
    ) => authorize({ request: r, identityPolicies: identity, resourcePolicy: bucket, resourceAccountId: "111111111111" });
    it("allows exactly the one object over TLS", () => {
      assert.equal(decide(get("api/v1/data.json")).allowed, true);
      assert.equal(decide(get("api/v1/other.json")).allowed, false);
      assert.deepEqual(
        [decide(get("api/v1/data.json", false)).allowed, decide(get("api/v1/data.json", false)).explicitDeny],
        [false, true],
      );
    });
    it("denies when the identity policy lacks s3:GetObject, and when the bucket policy denies", () => {
      assert.equal(decide(get("api/v1/data.json"), []).allowed, false);
      const denyAll = doc({ Effect: "Deny", Principal: "*", Action: ["s3:GetObject"], Resource: [`${bucketArn}/*`] });
      assert.deepEqual(
        [decide(get("api/v1/data.json"), undefined, denyAll).allowed, decide(get("api/v1/data.json"), undefined, denyAll).explicitDeny],
        [false, true],
      );
    });
  });

  describe("actions and resources", () => {
    const id = (s: Partial<PolicyStatement>) =>
      evaluatePolicy(doc({ Effect: "Allow", Action: "execute-api:Invoke", Resource: METHOD, ...s }), req(sameAccountCaller), "identity");
    it("matches Action wildcards case-insensitively", () => {
      assert.equal(id({ Action: "execute-api:*" }), "Allow");
      assert.equal(id({ Action: "EXECUTE-API:invoke" }), "Allow");
      assert.equal(id({ Action: "*" }), "Allow");
      assert.equal(id({ Action: "execute-api:ManageConnections" }), "Neither");
      assert.equal(id({ Action: "execute-api:Inv?ke" }), "Allow");
    });
    it("supports NotAction", () => {
      assert.equal(id({ Action: undefined, NotAction: "s3:*" }), "Allow");
      assert.equal(id({ Action: undefined, NotAction: "execute-api:*" }), "Neither");
    });
    it("matches Resource wildcards and the execute-api:/ short form", () => {
      assert.equal(id({ Resource: `${API}/*` }), "Allow");
      assert.equal(id({ Resource: `${API}/*/GET/*` }), "Allow");
      assert.equal(id({ Resource: `${API}/*/POST/*` }), "Neither");
      assert.equal(id({ Resource: "execute-api:/dev/GET/api/v1/data.json" }), "Allow");
      assert.equal(id({ Resource: "execute-api:/*" }), "Allow");
      assert.equal(id({ Resource: "execute-api:/prod/*" }), "Neither");
      assert.equal(id({ Resource: "arn:aws:execute-api:*:*:*" }), "Allow");
    });
    it("lets Deny beat Allow within one policy", () => {
      const p = doc({ Effect: "Allow", Action: "*", Resource: "*" }, { Effect: "Deny", Action: "execute-api:Invoke", Resource: METHOD });
      assert.equal(evaluatePolicy(p, req(sameAccountCaller), "identity"), "Deny");
    });
    it("refuses elements it does not support instead of guessing", () => {
      assert.throws(
        () =>
          evaluatePolicy(
            {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "x" }, Action: "*", Resource: "*" } as unknown as PolicyStatement],
            },
            req(sameAccountCaller),
            "resource",
          ),
        UnsupportedPolicyError,
      );
      assert.throws(
        () => conditionsHold({ DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }, {}),
        /DateGreaterThan is not supported/,
      );
    });
  });

  describe("condition operators", () => {
    const ctx = {
      "aws:SourceIp": "203.0.113.9",
      "aws:PrincipalArn": "arn:aws:iam::222222222222:role/app",
      "aws:PrincipalAccount": "222222222222",
      "aws:PrincipalOrgID": "o-abcdefghij",
      "aws:SecureTransport": "true",
    };
    const cases: [string, Record<string, Record<string, string | string[]>>, boolean][] = [
      ["IpAddress in range", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, true],
      ["IpAddress out of range", { IpAddress: { "aws:SourceIp": ["198.51.100.0/24", "2001:db8::/32"] } }, false],
      ["NotIpAddress in range", { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, false],
      ["NotIpAddress out of range", { NotIpAddress: { "aws:SourceIp": "198.51.100.0/24" } }, true],
      ["StringEquals org", { StringEquals: { "aws:PrincipalOrgID": "o-abcdefghij" } }, true],
      ["StringEquals is case-sensitive", { StringEquals: { "aws:PrincipalOrgID": "O-ABCDEFGHIJ" } }, false],
      ["StringNotEquals account", { StringNotEquals: { "aws:PrincipalAccount": ["111111111111"] } }, true],
      ["StringNotEquals same", { StringNotEquals: { "aws:PrincipalAccount": "222222222222" } }, false],
      ["StringLike", { StringLike: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/a*" } }, true],
      ["StringNotLike", { StringNotLike: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/a*" } }, false],
      ["ArnEquals", { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/app" } }, true],
      ["ArnNotEquals", { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::222222222222:role/app" } }, false],
      ["ArnLike per component", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/app" } }, true],
      ["ArnNotLike", { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::222222222222:*"] } }, false],
      ["ArnNotLike other", { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::333333333333:*"] } }, true],
      ["Bool", { Bool: { "aws:SecureTransport": "true" } }, true],
      ["Bool false", { Bool: { "aws:SecureTransport": "false" } }, false],
      ["keys are case-insensitive", { StringEquals: { "AWS:PRINCIPALACCOUNT": "222222222222" } }, true],
      [
        "operators AND together",
        { StringEquals: { "aws:PrincipalAccount": "222222222222" }, IpAddress: { "aws:SourceIp": "198.51.100.0/24" } },
        false,
      ],
      ["missing key fails a positive operator", { StringEquals: { "aws:SourceVpc": "vpc-1" } }, false],
      ["missing key passes a negated operator", { StringNotEquals: { "aws:SourceVpc": "vpc-1" } }, true],
      ["missing key passes IfExists", { StringEqualsIfExists: { "aws:SourceVpc": "vpc-1" } }, true],
    ];
    for (const [what, block, expected] of cases) {
      it(`${what} → ${expected}`, () => assert.equal(conditionsHold(block, ctx), expected));
    }
    it("refuses non-standard IPv4 text in a policy instead of reading it the octal/short way", () => {
      for (const v of ["010.0.0.1/32", "0177.0.0.1/32", "127.1/32", "167772161/32", "0x7f.0.0.1/8", "10.0.0.1/032"]) {
        assert.throws(
          () => conditionsHold({ IpAddress: { "aws:SourceIp": v } }, { "aws:SourceIp": "127.0.0.1" }),
          /not standard CIDR text/,
          v,
        );
      }
      assert.equal(
        conditionsHold({ IpAddress: { "aws:SourceIp": "203.0.113.9" } }, { "aws:SourceIp": "203.0.113.9" }),
        true,
        "a bare address means /32",
      );
      assert.equal(parseStandardCidr("fe80::1%eth0/64"), undefined);
      assert.equal(parseStandardCidr("::ffff:01.2.3.4/128"), undefined);
      assert.equal(parseStandardCidr("2001:db8::/32")?.prefix, 32);
    });
    it("matches IPv6 and IPv4-mapped addresses", () => {
      assert.equal(conditionsHold({ IpAddress: { "aws:SourceIp": "2001:db8::/32" } }, { "aws:SourceIp": "2001:db8::1" }), true);
      assert.equal(conditionsHold({ IpAddress: { "aws:SourceIp": "127.0.0.0/8" } }, { "aws:SourceIp": "::ffff:127.0.0.2" }), true);
    });
  });

  it("matches wildcards and ARNs", () => {
    assert.ok(wildcardMatch("a*c", "abbbc"));
    assert.ok(!wildcardMatch("a?c", "abbc"));
    assert.ok(wildcardMatch("a.c", "a.c") && !wildcardMatch("a.c", "abc"), "regex characters are literal");
    assert.ok(arnLike("arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/x/y"));
    assert.ok(!arnLike("arn:aws:iam::*:role/*", "arn:aws:sts::123456789012:assumed-role/x"));
  });

  it("matches the same wildcard pattern the same way on every call, case flag kept apart", () => {
    // Compiled once and reused: a stateful RegExp (g/y) would alternate true/false on equal input.
    for (let i = 0; i < 3; i++) assert.ok(wildcardMatch("execute-api:*", "execute-api:Invoke"));
    assert.ok(wildcardMatch("EXECUTE-API:invoke", "execute-api:Invoke", true), "IAM actions compare case-insensitively");
    assert.ok(!wildcardMatch("EXECUTE-API:invoke", "execute-api:Invoke"), "the case-sensitive entry of the same pattern is separate");
    assert.ok(!wildcardMatch("a*", "ba") && wildcardMatch("*a", "ba"), "anchored at both ends");
    assert.ok(wildcardMatch("a*b", "a\nb"), "* spans newlines");
  });

  it("stays correct past the bound on compiled patterns", () => {
    for (let i = 0; i < MAX_COMPILED_PATTERNS + 10; i++) assert.ok(wildcardMatch(`p${i}-*`, `p${i}-x`));
    assert.ok(wildcardMatch("p0-*", "p0-y") && !wildcardMatch("p0-*", "p1-y"), "an evicted pattern is compiled again");
  });

  // Through an interface VPC endpoint the request context carries aws:SourceVpce, aws:SourceVpc and
  // aws:VpcSourceIp, and not aws:SourceIp (IAM User Guide, "AWS global condition context keys": each of the
  // first three "is included in the request context only if the requester uses a VPC endpoint"; aws:SourceIp
  // "except when the requester uses a VPC endpoint"). The endpoint policy must allow as well ("Use VPC
  // endpoint policies for private APIs in API Gateway").
  describe("requests through a VPC endpoint: aws:SourceVpce, aws:SourceVpc, aws:VpcSourceIp and the endpoint policy", () => {
    const VPCE = "vpce-0123456789abcdef0";
    const VPC = "vpc-0fedcba9876543210";
    const via = { sourceVpce: VPCE, sourceVpc: VPC };
    const allowCaller = (caller: Caller): PolicyStatement => ({
      Sid: "AllowCaller",
      Effect: "Allow",
      Principal: { AWS: [caller.principalArn] },
      Action: ["execute-api:Invoke"],
      Resource: [METHOD],
    });
    const denyOutside = (...ids: string[]): PolicyStatement => ({
      Sid: "DenyOutsideVpcEndpoints",
      Effect: "Deny",
      Principal: "*",
      Action: ["execute-api:Invoke"],
      Resource: [METHOD],
      Condition: { StringNotEquals: { "aws:SourceVpce": ids } },
    });
    const privatePolicy = doc(allowCaller(crossAccountCaller), denyOutside(VPCE));
    const grant = identityPolicy("allow");
    const decide = (request: AccessRequest, endpointPolicy?: PolicyDocument, policy: PolicyDocument = privatePolicy) =>
      authorize({ request, identityPolicies: grant, resourcePolicy: policy, resourceAccountId: "111111111111", endpointPolicy });

    it("puts the endpoint's keys in the context and leaves aws:SourceIp out", () => {
      assert.deepEqual(networkContext({ ...ORIGIN, via }), {
        "aws:SourceVpce": VPCE,
        "aws:SourceVpc": VPC,
        "aws:VpcSourceIp": "192.0.2.10",
        "aws:SecureTransport": "true",
      });
      assert.deepEqual(networkContext(ORIGIN), { "aws:SourceIp": "192.0.2.10", "aws:SecureTransport": "true" });
    });

    it("allows through the listed endpoint; denies explicitly from outside, where aws:SourceVpce is absent (StringNotEquals holds)", () => {
      assert.equal(decide(req(crossAccountCaller, { via })).allowed, true);
      const outside = decide(req(crossAccountCaller));
      assert.deepEqual([outside.allowed, outside.explicitDeny, outside.resourceStatements], [false, true, ["DenyOutsideVpcEndpoints"]]);
    });

    it("denies explicitly through an endpoint that is not listed, and allows any of several listed ones", () => {
      const other = { sourceVpce: "vpce-0aaaaaaaaaaaaaaaa", sourceVpc: VPC };
      assert.equal(decide(req(crossAccountCaller, { via: other })).explicitDeny, true);
      const both = doc(allowCaller(crossAccountCaller), denyOutside(VPCE, other.sourceVpce));
      assert.equal(decide(req(crossAccountCaller, { via: other }), undefined, both).allowed, true);
    });

    it("matches aws:SourceVpc and aws:VpcSourceIp conditions, and aws:SourceIp conditions never hold through an endpoint", () => {
      const onlyVpc = doc(allowCaller(crossAccountCaller), {
        Effect: "Deny",
        Principal: "*",
        Action: ["execute-api:Invoke"],
        Resource: [METHOD],
        Condition: { StringNotEquals: { "aws:SourceVpc": [VPC] } },
      });
      assert.equal(decide(req(crossAccountCaller, { via }), undefined, onlyVpc).allowed, true);
      assert.equal(
        decide(req(crossAccountCaller, { via: { ...via, sourceVpc: "vpc-0bbbbbbbbbbbbbbbb" } }), undefined, onlyVpc).explicitDeny,
        true,
      );
      const vpcIp = (cidr: string) => doc({ ...allowCaller(crossAccountCaller), Condition: { IpAddress: { "aws:VpcSourceIp": [cidr] } } });
      assert.equal(decide(req(crossAccountCaller, { via }), undefined, vpcIp("192.0.2.0/24")).allowed, true);
      assert.equal(decide(req(crossAccountCaller, { via }), undefined, vpcIp("198.51.100.0/24")).allowed, false);
      assert.equal(decide(req(crossAccountCaller), undefined, vpcIp("192.0.2.0/24")).allowed, false, "no endpoint: no aws:VpcSourceIp");
      const sourceIp = doc({ ...allowCaller(crossAccountCaller), Condition: { IpAddress: { "aws:SourceIp": ["192.0.2.0/24"] } } });
      assert.equal(decide(req(crossAccountCaller), undefined, sourceIp).allowed, true);
      assert.equal(
        decide(req(crossAccountCaller, { via }), undefined, sourceIp).allowed,
        false,
        "aws:SourceIp is absent through an endpoint",
      );
    });

    it("needs the endpoint policy to allow too: another API's ARN refuses (implicitly), a Deny refuses explicitly, none is full access", () => {
      const endpointFor = (resource: string, effect: "Allow" | "Deny" = "Allow"): PolicyDocument =>
        doc({
          Effect: effect,
          Principal: { AWS: [crossAccountCaller.principalArn] },
          Action: ["execute-api:Invoke"],
          Resource: [resource],
        });
      const own = decide(req(crossAccountCaller, { via }), endpointFor(`${API}/*`));
      assert.deepEqual([own.allowed, own.endpoint], [true, "Allow"]);
      const other = decide(req(crossAccountCaller, { via }), endpointFor("arn:aws:execute-api:ap-northeast-1:111111111111:zzz999/*"));
      assert.deepEqual([other.allowed, other.explicitDeny, other.endpoint], [false, false, "Neither"]);
      const denied = decide(req(crossAccountCaller, { via }), endpointFor(`${API}/*`, "Deny"));
      assert.deepEqual([denied.allowed, denied.explicitDeny, denied.endpoint], [false, true, "Deny"]);
      assert.equal(decide(req(crossAccountCaller, { via })).endpoint, "Allow", "no endpoint policy: the default, full access");
      const otherPrincipal = doc({ ...endpointFor(`${API}/*`).Statement[0], Principal: { AWS: ["arn:aws:iam::222222222222:role/other"] } });
      assert.equal(decide(req(crossAccountCaller, { via }), otherPrincipal).allowed, false, "the endpoint policy names another principal");
    });

    it("does not let the endpoint policy grant what the API's policies refuse", () => {
      const everything = doc({ Effect: "Allow", Principal: "*", Action: ["*"], Resource: ["*"] });
      const notNamed = doc(allowCaller(sameAccountCaller), denyOutside(VPCE));
      assert.equal(decide(req(crossAccountCaller, { via }), everything, notNamed).allowed, false);
      assert.equal(evaluatePolicy(everything, req(crossAccountCaller, { via }), "resource"), "Allow");
    });
  });

  it("writes AWS's AccessDenied text", () => {
    assert.equal(
      accessDeniedMessage(crossAccountCaller, METHOD, true),
      `User: ${crossAccountCaller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${METHOD} with an explicit deny`,
    );
    assert.equal(
      accessDeniedMessage(crossAccountCaller, METHOD, false),
      `User: ${crossAccountCaller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${METHOD}`,
    );
  });
});
