/**
 * CallerNetwork alone under Pulumi mocks, and the private-API arguments of HolidaysApi and
 * CallerFunction: children through the component's provider, outputs as documented, user errors as
 * pulumi.ResourceError before any apply.
 */
import { strict as assert } from "node:assert";
import { Provider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { CallerNetwork, type CallerNetworkArgs, subnetCidr } from "../../../components/callerNetwork";
import { CallerFunction } from "../../../components/callerFunction";
import { HolidaysApi } from "../../../components/holidaysApi";
import { type Run as ProgramRun, runMocked as runUnderMocks } from "../helpers/mocks";
import type { PolicyDocument } from "../../../lib/policy";

const ROLE = "arn:aws:iam::222222222222:role/caller";
const EXEC = "arn:aws:execute-api:ap-northeast-1:111111111111:abc123";
const ROUTES = [`${EXEC}/test/GET/api/v1/data.json`, `${EXEC}/test/GET/api/v1/*/data.json`];

const accountB = () => new Provider("account-b", { region: "ap-northeast-1", allowedAccountIds: ["222222222222"] });

describe("CallerNetwork component (alone)", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runUnderMocks(() => {
      const net = new CallerNetwork(
        "n",
        { region: "ap-northeast-1", invokerArns: pulumi.output([ROLE]), methodArns: pulumi.output(ROUTES) },
        { provider: accountB() },
      );
      assert.ok(net.vpc && net.lambdaSecurityGroup, "the children it made are exposed");
      assert.equal(net.subnets.length, 2);
      return {
        vpcId: net.vpcId,
        subnetIds: net.subnetIds,
        lambdaSecurityGroupIds: net.lambdaSecurityGroupIds,
        vpcEndpointId: net.vpcEndpointId,
        vpcEndpointPolicy: net.vpcEndpointPolicy,
      };
    });
  });

  it("creates every child through the component's provider and names it after the component", () => {
    const children = run.resources.filter((r) => r.type.startsWith("aws:"));
    assert.deepEqual([...new Set(children.map((r) => r.type))].sort(), [
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/vpc:Vpc",
      "aws:ec2/vpcEndpoint:VpcEndpoint",
      "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    ]);
    for (const r of children) {
      assert.equal(r.provider, "account-b", `${r.type} ${r.name}`);
      assert.match(r.name, /^n-/);
    }
  });

  it("exports the endpoint id, the VPC, the Lambda's subnets and group, and the endpoint policy", () => {
    const endpoint = run.resources.find((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.equal(run.outputs.vpcEndpointId, endpoint?.id);
    assert.equal(run.outputs.vpcId, run.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")?.id);
    assert.equal((run.outputs.subnetIds as string[]).length, 2);
    assert.equal((run.outputs.lambdaSecurityGroupIds as string[]).length, 1);
    const doc = JSON.parse(String(run.outputs.vpcEndpointPolicy)) as PolicyDocument;
    assert.deepEqual(doc.Statement[0].Principal, { AWS: [ROLE] });
    assert.deepEqual(doc.Statement[0].Resource, [...ROUTES].sort());
  });

  it("refuses empty subnet or security group lists before any apply", async () => {
    const cases: [Partial<CallerNetworkArgs>, RegExp][] = [
      [
        { subnetIds: [] },
        /^n: subnetIds = \[\]: expected at least one subnet id\. Fix: list the caller's subnets, or leave subnetIds out to make a VPC$/,
      ],
      [
        { subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: [] },
        /^n: securityGroupIds = \[\]: expected at least one security group id\. Fix: list the groups, or leave securityGroupIds out to make one$/,
      ],
      [
        { vpcCidrBlock: "10.0.0.0/28" },
        /^n: vpcCidrBlock = "10\.0\.0\.0\/28": expected an IPv4 block of \/16 to \/23 \(two \/24 subnets are cut from it\), such as 10\.0\.0\.0\/16\. Fix: pass vpcCidrBlock: "10\.0\.0\.0\/16", or leave it out$/,
      ],
    ];
    for (const [extra, message] of cases) {
      await assert.rejects(
        runUnderMocks(() => {
          new CallerNetwork("n", { region: "ap-northeast-1", invokerArns: [ROLE], methodArns: ROUTES, ...extra }, { provider: accountB() });
          return {};
        }),
        (err: Error) => pulumi.ResourceError.isInstance(err) && message.test(err.message),
      );
    }
  });

  it("takes the first two /24 blocks of the VPC's CIDR for its subnets", () => {
    assert.deepEqual([subnetCidr("10.0.0.0/16", 0), subnetCidr("10.0.0.0/16", 1)], ["10.0.0.0/24", "10.0.1.0/24"]);
    assert.equal(subnetCidr("172.16.8.0/23", 1), "172.16.9.0/24");
    assert.throws(() => subnetCidr("10.0.0.0/24", 1), /not an IPv4 \/16-\/23 block/);
    assert.throws(() => subnetCidr("10.0.0.0/23", 2), /has no 3th \/24/);
  });
});

describe("HolidaysApi and CallerFunction: private-API arguments", () => {
  const api = (extra: Partial<ConstructorParameters<typeof HolidaysApi>[1]>) => () => {
    const provider = new Provider("account-a", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
    const h = new HolidaysApi(
      "h",
      { region: "ap-northeast-1", objects: [{ key: "api/v1/data.json", body: "{}\n" }], stageName: "test", invokerArns: [ROLE], ...extra },
      { provider },
    );
    return { resourcePolicy: h.resourcePolicy, endpointType: h.endpointType };
  };

  it("a PRIVATE API denies requests through any endpoint but the given ones (an Output, as from account B)", async () => {
    const run = await runUnderMocks(api({ endpointType: "PRIVATE", allowedVpcEndpointIds: pulumi.output(["vpce-0123456789abcdef0"]) }));
    assert.equal(run.outputs.endpointType, "PRIVATE");
    const deny = (JSON.parse(String(run.outputs.resourcePolicy)) as PolicyDocument).Statement.find(
      (s) => s.Sid === "DenyOutsideVpcEndpoints",
    );
    assert.deepEqual(deny?.Condition, { StringNotEquals: { "aws:SourceVpce": ["vpce-0123456789abcdef0"] } });
  });

  const refused: [string, Partial<ConstructorParameters<typeof HolidaysApi>[1]>, RegExp][] = [
    ["an endpoint type it does not make", { endpointType: "EDGE" }, /^h: endpointType = "EDGE": expected one of REGIONAL, PRIVATE\. Fix: /],
    [
      "PRIVATE without endpoints",
      { endpointType: "PRIVATE" },
      /^h: allowedVpcEndpointIds = \(not set\): expected the execute-api VPC endpoint ids \(vpce-…\) a PRIVATE API may be reached through\. Fix: /,
    ],
    [
      "endpoints on a REGIONAL API",
      { allowedVpcEndpointIds: ["vpce-0123456789abcdef0"] },
      /^h: allowedVpcEndpointIds = \(set\): expected no value unless endpointType is PRIVATE\. Fix: /,
    ],
  ];
  for (const [what, extra, message] of refused) {
    it(`refuses ${what} as a ResourceError before any apply`, async () => {
      await assert.rejects(runUnderMocks(api(extra)), (err: Error) => pulumi.ResourceError.isInstance(err) && message.test(err.message));
    });
  }

  it("CallerFunction with vpcConfig: the function gets it, the role gets the network-interface policy before the function exists", async () => {
    const run = await runUnderMocks(() => {
      const caller = new CallerFunction(
        "c",
        {
          apiUrl: "https://abc123.execute-api.ap-northeast-1.amazonaws.com/test/api/v1/data.json",
          apiRegion: "ap-northeast-1",
          methodArns: ROUTES,
          vpcConfig: { subnetIds: pulumi.output(["subnet-0123456789abcdef0"]), securityGroupIds: ["sg-0123456789abcdef0"] },
        },
        { provider: accountB() },
      );
      assert.ok(caller.vpcAccessPolicy, "exposed, for the network to depend on");
      return {};
    });
    const fn = run.resources.find((r) => r.type === "aws:lambda/function:Function");
    assert.deepEqual(fn?.inputs.vpcConfig, { subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] });
    const access = run.resources.find((r) => r.name === "c-vpc-access");
    assert.ok(access && fn && access.createdAt < fn.registeredAt, "the policy exists before the function is created");
    const doc = JSON.parse(String(access.inputs.policy)) as PolicyDocument;
    assert.ok(JSON.stringify(doc).includes("arn:aws:ec2:ap-northeast-1:222222222222:network-interface/*"));
  });
});
