/**
 * The private API (holidays-api:endpointType private): its config, its three policy documents, and the
 * real index.ts under Pulumi mocks. Expectations are written out here, never computed by lib/policy.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../../lib/config";
import { configProblems as problemsOf, parseConfig as parse } from "../helpers/configProblems";
import { apiResourcePolicy, lambdaVpcAccessPolicy, vpcEndpointPolicy, type PolicyDocument } from "../../lib/policy";
import { type Declared as RecordedResource, type Run as ProgramRun, byType, one, runIndex as runProgram } from "./helpers/mocks";
import { readStackConfig } from "../../tools/cli/stackConfig";

const base: RawConfig = {
  accountA: JSON.stringify({ accountId: "111111111111", profile: "a" }),
  accountB: JSON.stringify({ accountId: "222222222222", profile: "b" }),
};
const problemLines = (message: string): string[] => message.split("\n").filter((l) => l.startsWith("  - "));

const SUBNET_A = "subnet-0123456789abcdef0";
const SUBNET_B = "subnet-0fedcba9876543210";
/** The mocks put an existing subnet in zone a, c or d by its id's last hex digit: A and B in a, C in c. */
const SUBNET_C = "subnet-0fedcba9876543211";
const SG = "sg-0123456789abcdef0";
const OTHER_VPCE = "vpce-0aaaabbbbccccdddd";

describe("private API: config", () => {
  it("defaults to regional, with no VPC and no extra endpoints", () => {
    const s = parse(base);
    assert.equal(s.endpointType, "regional");
    assert.equal(s.callerVpc, undefined);
    assert.deepEqual(s.allowedVpcEndpoints, []);
  });

  it("reads private with callerVpc (ids sorted, de-duplicated) and allowedVpcEndpoints (8- or 17-digit ids)", () => {
    const s = parse({
      ...base,
      endpointType: "private",
      callerVpc: JSON.stringify({ subnetIds: [SUBNET_B, SUBNET_A, SUBNET_B], securityGroupIds: [SG, "sg-1a2b3c4d"] }),
      allowedVpcEndpoints: JSON.stringify([OTHER_VPCE, "vpce-1a2b3c4d"]),
    });
    assert.equal(s.endpointType, "private");
    assert.deepEqual(s.callerVpc, { subnetIds: [SUBNET_A, SUBNET_B], securityGroupIds: [SG, "sg-1a2b3c4d"] });
    assert.deepEqual(s.allowedVpcEndpoints, [OTHER_VPCE, "vpce-1a2b3c4d"]);
    assert.deepEqual(parse({ ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: [SUBNET_A] }) }).callerVpc, {
      subnetIds: [SUBNET_A],
    });
  });

  const refused: [string, RawConfig, RegExp][] = [
    [
      "an unknown endpointType, with the closest value",
      { ...base, endpointType: "privat" },
      /^ {2}- holidays-api:endpointType = "privat": expected one of regional, private\. Fix: did you mean private\? pulumi config set endpointType private/,
    ],
    ["an endpointType in AWS's capitals", { ...base, endpointType: "PRIVATE" }, /endpointType = "PRIVATE": .*did you mean private\?/],
    [
      "a malformed subnet id",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: ["subnet-12345"] }) },
      /^ {2}- holidays-api:callerVpc\.subnetIds\[0\] = "subnet-12345": expected an id like subnet-0123456789abcdef0 \(8 or 17 lowercase hex digits\)\. Fix: /,
    ],
    [
      "an uppercase subnet id",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: ["subnet-0123456789ABCDEF0"] }) },
      /callerVpc\.subnetIds\[0\] = "subnet-0123456789ABCDEF0": expected an id like subnet-/,
    ],
    [
      "a malformed security group id",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: [SUBNET_A], securityGroupIds: ["sg-xyz"] }) },
      /^ {2}- holidays-api:callerVpc\.securityGroupIds\[0\] = "sg-xyz": expected an id like sg-0123456789abcdef0/,
    ],
    [
      "a subnet id where a security group id goes",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: [SUBNET_A], securityGroupIds: [SUBNET_B] }) },
      /callerVpc\.securityGroupIds\[0\] = "subnet-0fedcba9876543210": expected an id like sg-/,
    ],
    [
      "callerVpc without subnetIds",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ securityGroupIds: [SG] }) },
      /callerVpc\.subnetIds = \(not set\): expected the subnets the caller Lambda and the endpoint use, in one VPC/,
    ],
    [
      "an empty subnet list",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: [] }) },
      /callerVpc\.subnetIds = \[\]: expected a non-empty list of ids/,
    ],
    [
      "a misspelt callerVpc field",
      { ...base, endpointType: "private", callerVpc: JSON.stringify({ subnetIds: [SUBNET_A], securityGroups: [SG] }) },
      /callerVpc\.securityGroups = \["sg-0123456789abcdef0"\]: expected one of the fields subnetIds, securityGroupIds\. Fix: did you mean securityGroupIds\?/,
    ],
    [
      "a callerVpc that is not a mapping",
      { ...base, endpointType: "private", callerVpc: SUBNET_A },
      /callerVpc = "subnet-0123456789abcdef0": expected an object such as \{subnetIds: /,
    ],
    [
      "a malformed endpoint id",
      { ...base, endpointType: "private", allowedVpcEndpoints: '["vpc-0123456789abcdef0"]' },
      /^ {2}- holidays-api:allowedVpcEndpoints\[0\] = "vpc-0123456789abcdef0": expected a list of interface VPC endpoint ids like vpce-0123456789abcdef0/,
    ],
    [
      "private with sourceIpAllowList (aws:SourceIp is absent through a VPC endpoint)",
      { ...base, endpointType: "private", sourceIpAllowList: '["203.0.113.0/24"]' },
      /^ {2}- holidays-api:sourceIpAllowList = \["203\.0\.113\.0\/24"\]: expected no sourceIpAllowList with endpointType private: aws:SourceIp is absent from requests made through a VPC endpoint \(IAM User Guide, "AWS global condition context keys"\).*Fix: pulumi config rm sourceIpAllowList/,
    ],
    [
      "callerVpc with regional",
      { ...base, callerVpc: JSON.stringify({ subnetIds: [SUBNET_A] }) },
      /^ {2}- holidays-api:callerVpc = .*: expected no callerVpc with endpointType regional.*Fix: pulumi config set endpointType private, or pulumi config rm callerVpc/,
    ],
    [
      "allowedVpcEndpoints with regional",
      { ...base, allowedVpcEndpoints: JSON.stringify([OTHER_VPCE]) },
      /^ {2}- holidays-api:allowedVpcEndpoints = .*: expected no allowedVpcEndpoints with endpointType regional/,
    ],
  ];
  for (const [what, raw, pattern] of refused) {
    it(`refuses ${what} in one line naming the key, the expected form and the fix`, () => {
      const lines = problemLines(problemsOf(raw));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], pattern);
      assert.match(lines[0], /Fix: /);
    });
  }

  it("lets private run with an empty sourceIpAllowList", () => {
    assert.equal(parse({ ...base, endpointType: "private", sourceIpAllowList: "[]" }).endpointType, "private");
  });
});

const EXEC = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123";
const ROUTES = [`${EXEC}/dev/GET/api/v1/*/data.json`, `${EXEC}/dev/GET/api/v1/data.json`];
const ROLE = "arn:aws:iam::222222222222:role/caller";
const OWN_VPCE = "vpce-0123456789abcdef0";

describe("private API: policy documents", () => {
  it("adds DenyOutsideVpcEndpoints to the resource policy, keeping every other statement", () => {
    const regional = apiResourcePolicy({ executionArn: EXEC, methodArns: ROUTES, invokers: [ROLE], exclusive: true });
    const doc = apiResourcePolicy({
      executionArn: EXEC,
      methodArns: ROUTES,
      invokers: [ROLE],
      exclusive: true,
      vpcEndpointIds: [OWN_VPCE, OTHER_VPCE, OWN_VPCE],
    });
    assert.deepEqual(doc.Statement.slice(0, -1), regional.Statement);
    assert.deepEqual(doc.Statement.at(-1), {
      Sid: "DenyOutsideVpcEndpoints",
      Effect: "Deny",
      Principal: "*",
      Action: ["execute-api:Invoke"],
      Resource: ROUTES,
      Condition: { StringNotEquals: { "aws:SourceVpce": [OWN_VPCE, OTHER_VPCE] } },
    });
  });

  it("refuses a private policy with no endpoint, a malformed endpoint id, or a source IP list", () => {
    const input = { executionArn: EXEC, methodArns: ROUTES, invokers: [ROLE] };
    assert.throws(() => apiResourcePolicy({ ...input, vpcEndpointIds: [] }), /at least one VPC endpoint id/);
    assert.throws(() => apiResourcePolicy({ ...input, vpcEndpointIds: ["vpce-*"] }), /is not a VPC endpoint id/);
    assert.throws(
      () => apiResourcePolicy({ ...input, vpcEndpointIds: [OWN_VPCE], sourceIpAllowList: ["203.0.113.0/24"] }),
      /aws:SourceIp is absent through a VPC endpoint/,
    );
  });

  it("lets the endpoint carry exactly the caller role to exactly the API's routes", () => {
    assert.deepEqual(vpcEndpointPolicy({ principalArns: [ROLE], methodArns: [...ROUTES].reverse() }), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "InvokeHolidaysApiOnly",
          Effect: "Allow",
          Principal: { AWS: [ROLE] },
          Action: ["execute-api:Invoke"],
          Resource: ROUTES,
        },
      ],
    });
  });

  it("never lets a wildcard principal or a wildcard API through the endpoint policy", () => {
    assert.throws(() => vpcEndpointPolicy({ principalArns: ["*"], methodArns: ROUTES }), /wildcards are never allowed/);
    assert.throws(() => vpcEndpointPolicy({ principalArns: [], methodArns: ROUTES }), /at least one principal/);
    assert.throws(() => vpcEndpointPolicy({ principalArns: [ROLE], methodArns: [`${EXEC}/*`] }), /must name one GET route/);
  });

  it("grants the role the EC2 actions of AWSLambdaVPCAccessExecutionRole, and only those, scoped to its account and region", () => {
    const doc = lambdaVpcAccessPolicy({ partition: "aws", region: "ap-northeast-1", accountId: "222222222222" });
    const ec2 = "arn:aws:ec2:ap-northeast-1:222222222222";
    assert.deepEqual(doc.Statement, [
      {
        Sid: "DescribeNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        Resource: ["*"],
      },
      {
        Sid: "CreateNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:CreateNetworkInterface"],
        Resource: [`${ec2}:network-interface/*`, `${ec2}:security-group/*`, `${ec2}:subnet/*`],
      },
      {
        Sid: "ManageNetworkInterfaces",
        Effect: "Allow",
        Action: ["ec2:AssignPrivateIpAddresses", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"],
        Resource: [`${ec2}:network-interface/*`],
      },
    ]);
    // The managed policy's EC2 actions (AWS Managed Policy Reference, v3), written out.
    const managed = [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ];
    assert.deepEqual(doc.Statement.flatMap((s) => s.Action as string[]).sort(), [...managed].sort());
  });
});

const dev = readStackConfig("dev");
const policyOf = (r: RecordedResource): PolicyDocument => JSON.parse(String(r.inputs.policy)) as PolicyDocument;
const conditionKeys = (doc: PolicyDocument): string[] =>
  doc.Statement.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block)));

describe("private API: the program under mocks (endpointType private, no callerVpc)", function () {
  this.timeout(60_000);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({ ...dev, "holidays-api:endpointType": "private" });
  });

  it("declares a PRIVATE REST API (dualstack, the only IP address type a PRIVATE API takes) with no endpoint association", () => {
    assert.deepEqual(one(run, "aws:apigateway/restApi:RestApi").inputs.endpointConfiguration, {
      types: "PRIVATE",
      ipAddressType: "dualstack",
    });
    assert.equal(run.outputs.endpointType, "PRIVATE");
  });

  it("makes a VPC with DNS support and hostnames, two private subnets in two AZs, and no internet or NAT gateway", () => {
    const vpc = one(run, "aws:ec2/vpc:Vpc");
    assert.equal(vpc.provider, "accountB");
    assert.deepEqual([vpc.inputs.enableDnsSupport, vpc.inputs.enableDnsHostnames], [true, true]);
    const subnets = byType(run, "aws:ec2/subnet:Subnet");
    assert.equal(subnets.length, 2);
    for (const s of subnets) assert.deepEqual([s.provider, s.inputs.vpcId, s.inputs.mapPublicIpOnLaunch], ["accountB", vpc.id, false]);
    // The mocks answer zones d, a, c: the first two by name.
    assert.deepEqual(subnets.map((s) => s.inputs.availabilityZone).sort(), ["ap-northeast-1a", "ap-northeast-1c"]);
    assert.deepEqual(subnets.map((s) => s.inputs.cidrBlock).sort(), ["10.0.0.0/24", "10.0.1.0/24"]);
    for (const t of ["aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/route:Route"])
      assert.equal(byType(run, t).length, 0, t);
    assert.equal(run.outputs.callerVpcId, vpc.id);
  });

  it("declares an execute-api interface endpoint with private DNS on account B's provider, in both subnets", () => {
    const endpoint = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.equal(endpoint.provider, "accountB");
    assert.equal(endpoint.accountId, "222222222222");
    assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
    assert.equal(endpoint.inputs.serviceName, "com.amazonaws.ap-northeast-1.execute-api");
    assert.equal(endpoint.inputs.privateDnsEnabled, true);
    assert.equal(endpoint.inputs.policy, undefined, "the policy is a resource of its own");
    const subnetIds = byType(run, "aws:ec2/subnet:Subnet").map((s) => s.id);
    assert.deepEqual([...(endpoint.inputs.subnetIds as string[])].sort(), [...subnetIds].sort());
    assert.match(endpoint.id, /^vpce-[0-9a-f]{17}$/);
    assert.equal(run.outputs.vpcEndpointId, endpoint.id);
  });

  it("admits 443 to the endpoint from the Lambda's security group only, and lets the Lambda out on 443 to the endpoint only", () => {
    const groups = byType(run, "aws:ec2/securityGroup:SecurityGroup");
    assert.equal(groups.length, 2);
    const endpoint = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint");
    const endpointGroup = groups.find((g) => (endpoint.inputs.securityGroupIds as string[]).includes(g.id));
    const lambdaGroup = groups.find((g) => g !== endpointGroup);
    assert.ok(endpointGroup && lambdaGroup);
    for (const g of groups) assert.deepEqual([g.inputs.ingress, g.inputs.egress], [undefined, undefined], "no inline rules");
    const ingress = byType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.deepEqual(
      ingress.map((r) => [
        r.inputs.securityGroupId,
        r.inputs.referencedSecurityGroupId,
        r.inputs.ipProtocol,
        r.inputs.fromPort,
        r.inputs.toPort,
        r.inputs.cidrIpv4,
      ]),
      [[endpointGroup.id, lambdaGroup.id, "tcp", 443, 443, undefined]],
    );
    const egress = byType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    assert.deepEqual(
      egress.map((r) => [
        r.inputs.securityGroupId,
        r.inputs.referencedSecurityGroupId,
        r.inputs.ipProtocol,
        r.inputs.fromPort,
        r.inputs.toPort,
      ]),
      [[lambdaGroup.id, endpointGroup.id, "tcp", 443, 443]],
    );
  });

  it("puts the endpoint's id inside an aws:SourceVpce condition of the resource policy, and no aws:SourceIp condition", () => {
    const doc = policyOf(one(run, "aws:apigateway/restApiPolicy:RestApiPolicy"));
    const deny = doc.Statement.find((s) => s.Sid === "DenyOutsideVpcEndpoints");
    assert.ok(deny);
    assert.deepEqual(deny.Condition, { StringNotEquals: { "aws:SourceVpce": [one(run, "aws:ec2/vpcEndpoint:VpcEndpoint").id] } });
    assert.deepEqual([deny.Effect, deny.Principal, deny.Action], ["Deny", "*", ["execute-api:Invoke"]]);
    assert.deepEqual([...(deny.Resource as string[])].sort(), [...(run.outputs.methodArns as string[])].sort());
    assert.ok(!conditionKeys(doc).includes("aws:SourceIp"));
    // Every statement of the regional policy is still there.
    assert.deepEqual(
      doc.Statement.map((s) => s.Sid),
      ["AllowInvokers", "DenyUnlistedPrincipals", "DenyOutsideVpcEndpoints"],
    );
  });

  it("declares an endpoint policy on that endpoint naming this API's routes and the caller role, no wildcard principal", () => {
    const policy = one(run, "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy");
    assert.equal(policy.provider, "accountB");
    assert.equal(policy.inputs.vpcEndpointId, one(run, "aws:ec2/vpcEndpoint:VpcEndpoint").id);
    const execution = String(run.outputs.executionArn);
    assert.deepEqual(policyOf(policy).Statement, [
      {
        Sid: "InvokeHolidaysApiOnly",
        Effect: "Allow",
        Principal: { AWS: [run.outputs.callerRoleArn] },
        Action: ["execute-api:Invoke"],
        Resource: [`${execution}/dev/GET/api/v1/*/data.json`, `${execution}/dev/GET/api/v1/data.json`],
      },
    ]);
    assert.equal(run.outputs.vpcEndpointPolicy, policy.inputs.policy);
  });

  it("runs the Lambda in both subnets with the Lambda's security group, and gives its role the network-interface policy", () => {
    const fn = one(run, "aws:lambda/function:Function");
    const vpcConfig = fn.inputs.vpcConfig as { subnetIds: string[]; securityGroupIds: string[] };
    assert.deepEqual(
      [...vpcConfig.subnetIds].sort(),
      byType(run, "aws:ec2/subnet:Subnet")
        .map((s) => s.id)
        .sort(),
    );
    const lambdaGroup = byType(run, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "caller-network-lambda");
    assert.deepEqual(vpcConfig.securityGroupIds, [lambdaGroup?.id]);
    const access = byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "caller-vpc-access");
    assert.ok(access);
    assert.equal(access.provider, "accountB");
    const role = byType(run, "aws:iam/role:Role").find((r) => r.name === "caller-role");
    assert.equal(access.inputs.role, role?.id);
    const actions = policyOf(access).Statement.flatMap((s) => s.Action as string[]);
    assert.ok(
      actions.every((a) => a.startsWith("ec2:")),
      "network-interface permissions only",
    );
    // The API URL is unchanged: private DNS resolves it to the endpoint inside the VPC.
    assert.match(String(run.outputs.dataUrl), /^https:\/\/\w+\.execute-api\.ap-northeast-1\.amazonaws\.com\/dev\/api\/v1\/data\.json$/);
  });

  it("declares every AWS resource with an explicit provider, no AWS account mixed up", () => {
    for (const r of run.resources.filter((x) => /^aws:(ec2|vpc)\//.test(x.type)))
      assert.equal(r.provider, "accountB", `${r.type} ${r.name}`);
  });
});

describe("private API: the program under mocks (callerVpc and allowedVpcEndpoints)", function () {
  this.timeout(60_000);
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      ...dev,
      "holidays-api:endpointType": "private",
      "holidays-api:callerVpc": JSON.stringify({ subnetIds: [SUBNET_C, SUBNET_B, SUBNET_A], securityGroupIds: [SG] }),
      "holidays-api:allowedVpcEndpoints": JSON.stringify([OTHER_VPCE]),
    });
  });

  it("makes no VPC, subnet or Lambda security group; the endpoint goes into the given subnets of their VPC", () => {
    assert.equal(byType(run, "aws:ec2/vpc:Vpc").length, 0);
    assert.equal(byType(run, "aws:ec2/subnet:Subnet").length, 0);
    assert.equal(byType(run, "aws:ec2/securityGroup:SecurityGroup").length, 1, "the endpoint's only");
    const endpoint = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint");
    // One subnet per AZ for the endpoint (AWS refuses two in one AZ: DuplicateSubnetsInSameZone), the first by id.
    assert.deepEqual(endpoint.inputs.subnetIds, [SUBNET_A, SUBNET_C]);
    assert.match(String(endpoint.inputs.vpcId), /^vpc-[0-9a-f]{17}$/, "read from the subnets (aws:ec2/getSubnet)");
    assert.equal(run.outputs.callerVpcId, endpoint.inputs.vpcId);
    assert.equal(byType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length, 0, "the given groups are not changed");
  });

  it("admits 443 to the endpoint from the given security group, and runs the Lambda with it in every given subnet", () => {
    const ingress = byType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.deepEqual(
      ingress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
      [[SG, 443, 443]],
    );
    assert.deepEqual(one(run, "aws:lambda/function:Function").inputs.vpcConfig, {
      subnetIds: [SUBNET_A, SUBNET_B, SUBNET_C],
      securityGroupIds: [SG],
    });
  });

  it("allows the listed extra endpoint besides its own in aws:SourceVpce", () => {
    const deny = policyOf(one(run, "aws:apigateway/restApiPolicy:RestApiPolicy")).Statement.find(
      (s) => s.Sid === "DenyOutsideVpcEndpoints",
    );
    const own = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint").id;
    assert.deepEqual(deny?.Condition, { StringNotEquals: { "aws:SourceVpce": [own, OTHER_VPCE].sort() } });
  });
});

describe("private API: what waits for what", function () {
  this.timeout(60_000);
  it("creates the subnets and security groups after the role's network-interface policy (so a destroy deletes them first), and the API's policy after the endpoint", async () => {
    const run = await runProgram(
      { ...dev, "holidays-api:endpointType": "private" },
      { slowTypes: { "aws:iam/rolePolicy:RolePolicy": 40, "aws:ec2/vpcEndpoint:VpcEndpoint": 40 } },
    );
    const access = byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "caller-vpc-access");
    assert.ok(access);
    for (const r of run.resources.filter((x) => /^aws:ec2\/(vpc|subnet|securityGroup):/.test(x.type)))
      assert.ok(r.registeredAt > access.createdAt, `${r.type} ${r.name} must wait for the role's network-interface policy`);
    const fn = one(run, "aws:lambda/function:Function");
    assert.ok(fn.registeredAt > access.createdAt, "the function waits for its network-interface permissions");
    for (const s of byType(run, "aws:ec2/subnet:Subnet")) assert.ok(fn.registeredAt > s.createdAt, "the function waits for its subnets");
    const endpoint = one(run, "aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.ok(
      one(run, "aws:apigateway/restApiPolicy:RestApiPolicy").registeredAt > endpoint.createdAt,
      "the endpoint id flows into the API's policy",
    );
  });
});

describe("private API: the regional default declares none of it", () => {
  it("no EC2 resource, no vpcConfig, no SourceVpce condition, and empty private outputs", async () => {
    const run = await runProgram(dev);
    assert.equal(run.resources.filter((r) => /^aws:(ec2|vpc)\//.test(r.type)).length, 0);
    assert.equal(one(run, "aws:lambda/function:Function").inputs.vpcConfig, undefined);
    assert.equal(
      byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "caller-vpc-access"),
      undefined,
    );
    assert.ok(!conditionKeys(policyOf(one(run, "aws:apigateway/restApiPolicy:RestApiPolicy"))).includes("aws:SourceVpce"));
    assert.equal(run.outputs.endpointType, "REGIONAL");
    assert.equal(run.outputs.vpcEndpointId, undefined);
    assert.equal(run.outputs.callerVpcId, undefined);
  });
});

describe("private API: bad input declares nothing", () => {
  const bad: [string, Record<string, string>, RegExp][] = [
    [
      "a malformed subnet id",
      { "holidays-api:endpointType": "private", "holidays-api:callerVpc": '{"subnetIds": ["subnet-xyz"]}' },
      /holidays-api:callerVpc\.subnetIds\[0\] = "subnet-xyz": expected an id like subnet-/,
    ],
    [
      "a malformed security group id",
      {
        "holidays-api:endpointType": "private",
        "holidays-api:callerVpc": JSON.stringify({ subnetIds: [SUBNET_A], securityGroupIds: ["sg-1"] }),
      },
      /holidays-api:callerVpc\.securityGroupIds\[0\] = "sg-1": expected an id like sg-/,
    ],
    [
      "private with sourceIpAllowList",
      { "holidays-api:endpointType": "private", "holidays-api:sourceIpAllowList": '["203.0.113.0/24"]' },
      /holidays-api:sourceIpAllowList = .*expected no sourceIpAllowList with endpointType private: aws:SourceIp is absent/,
    ],
    [
      "an unknown endpointType",
      { "holidays-api:endpointType": "vpc" },
      /holidays-api:endpointType = "vpc": expected one of regional, private/,
    ],
    [
      "a misspelt endpointType key",
      { "holidays-api:endpointTyp": "private" },
      /holidays-api:endpointTyp: .*did you mean holidays-api:endpointType\?/,
    ],
  ];
  for (const [what, patch, message] of bad) {
    it(`fails on ${what} with one line, as a RunError, before declaring any resource`, async () => {
      await assert.rejects(runProgram({ ...dev, ...patch }), (err: Error & { run?: ProgramRun }) => {
        assert.ok(pulumi.RunError.isInstance(err), "a RunError: the CLI prints its message without the program's stack trace");
        assert.equal(err.message.split("\n").filter((l) => l.startsWith("  - ")).length, 1, err.message);
        assert.match(err.message, message);
        assert.equal(err.run?.resources.length, 0, "no resource may be declared");
        return true;
      });
    });
  }
});
