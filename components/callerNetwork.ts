import * as pulumi from "@pulumi/pulumi";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import { problemLine } from "../lib/config";
import { renderPolicy, vpcEndpointPolicy } from "../lib/policy";

export interface CallerNetworkArgs {
  /** Region of the API (and of the caller): the endpoint serves `com.amazonaws.<region>.execute-api`. A plain string: it names the service. */
  region: string;
  /**
   * Subnets of an existing VPC (one VPC) for the endpoint and the caller Lambda. Plain ids: their number
   * decides the rules declared here.
   * @default undefined (a VPC with two private subnets in two AZs is made, with no internet or NAT gateway)
   */
  subnetIds?: string[];
  /**
   * The caller Lambda's security groups, in that VPC; the endpoint admits HTTPS from each.
   * @default undefined (a security group is made whose only rule lets the Lambda reach the endpoint on 443)
   */
  securityGroupIds?: string[];
  /**
   * CIDR block of the VPC made when `subnetIds` is not given; the subnets take its first two /24 blocks.
   * @default "10.0.0.0/16"
   */
  vpcCidrBlock?: string;
  /** The principals the endpoint policy lets through (the caller role's ARN). */
  invokerArns: pulumi.Input<pulumi.Input<string>[]>;
  /** The API's GET method ARNs: the only resources the endpoint policy lets anyone invoke. */
  methodArns: pulumi.Input<pulumi.Input<string>[]>;
}

/** Where the endpoint and the Lambda go: the Lambda in every subnet, the endpoint in one per AZ. */
interface Network {
  vpc?: ec2.Vpc;
  subnets: ec2.Subnet[];
  vpcId: pulumi.Output<string>;
  subnetIds: pulumi.Output<string[]>;
  endpointSubnetIds: pulumi.Output<string[]>;
}

/** HTTPS: the only port the endpoint listens on for execute-api. */
const HTTPS = 443;

/**
 * Account B's network for a private API: an execute-api interface endpoint with private DNS (the API's usual URL
 * resolves to it), HTTPS in from the caller's security group only, a policy naming exactly the API's methods;
 * without subnets, a VPC of two private subnets in two AZs, no internet or NAT gateway (it talks to the endpoint only).
 */
export class CallerNetwork extends pulumi.ComponentResource {
  /** The VPC made here; undefined when `subnetIds` were given. */
  readonly vpc?: ec2.Vpc;
  /** The subnets made here (one per AZ); empty when `subnetIds` were given. */
  readonly subnets: ec2.Subnet[];
  /** The Lambda's security group made here; undefined when `securityGroupIds` were given. */
  readonly lambdaSecurityGroup?: ec2.SecurityGroup;
  /** The endpoint's security group: HTTPS in from the Lambda's security groups only. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** The interface VPC endpoint for execute-api (private DNS on). */
  readonly endpoint: ec2.VpcEndpoint;
  /** The endpoint policy: invoke exactly the API's methods, as exactly the invokers. */
  readonly endpointPolicy: ec2.VpcEndpointPolicy;

  /** Id of the VPC the endpoint and the Lambda are in. */
  readonly vpcId: pulumi.Output<string>;
  /** Subnets for the Lambda's `vpcConfig` (the endpoint's subnets too). */
  readonly subnetIds: pulumi.Output<string[]>;
  /** Security groups for the Lambda's `vpcConfig`. */
  readonly lambdaSecurityGroupIds: pulumi.Output<string[]>;
  /** The endpoint's id (`vpce-…`): what the API's resource policy names in aws:SourceVpce. */
  readonly vpcEndpointId: pulumi.Output<string>;
  /** The rendered endpoint policy (canonical JSON). */
  readonly vpcEndpointPolicy: pulumi.Output<string>;

  constructor(name: string, args: CallerNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("holidays:index:CallerNetwork", name, {}, opts);
    // The component's dependsOn holds for each child: the caller role's network-interface policy is
    // created before the subnets and groups and deleted after them (see CallerFunction.vpcAccessPolicy).
    // A local, not a field: the schema analyzer would make a field an output.
    const child: pulumi.CustomResourceOptions = { parent: this, dependsOn: opts?.dependsOn };
    const fail = (key: string, value: string, expected: string, fix: string): never => {
      throw new pulumi.ResourceError(`${name}: ${problemLine({ key, value, expected, fix })}`, this);
    };
    if (args.subnetIds !== undefined && args.subnetIds.length === 0)
      fail("subnetIds", "[]", "at least one subnet id", "list the caller's subnets, or leave subnetIds out to make a VPC");
    if (args.securityGroupIds !== undefined && args.securityGroupIds.length === 0)
      fail("securityGroupIds", "[]", "at least one security group id", "list the groups, or leave securityGroupIds out to make one");

    const cidrBlock = args.vpcCidrBlock ?? "10.0.0.0/16";
    let subnetCidrs: string[] = [];
    try {
      subnetCidrs = args.subnetIds === undefined ? [0, 1].map((i) => subnetCidr(cidrBlock, i)) : [];
    } catch {
      fail(
        "vpcCidrBlock",
        JSON.stringify(cidrBlock),
        "an IPv4 block of /16 to /23 (two /24 subnets are cut from it), such as 10.0.0.0/16",
        'pass vpcCidrBlock: "10.0.0.0/16", or leave it out',
      );
    }
    const net = args.subnetIds === undefined ? this.makeVpc(name, cidrBlock, subnetCidrs, child) : this.existingVpc(name, args.subnetIds);
    this.vpc = net.vpc;
    this.subnets = net.subnets;

    this.endpointSecurityGroup = new ec2.SecurityGroup(
      `${name}-endpoint`,
      { vpcId: net.vpcId, description: "execute-api VPC endpoint: HTTPS from the holidays caller only" },
      child,
    );
    const lambdaGroups = this.lambdaGroups(name, net.vpcId, args.securityGroupIds, child);
    this.lambdaSecurityGroup = lambdaGroups.made;

    this.endpoint = new ec2.VpcEndpoint(
      `${name}-execute-api`,
      {
        vpcId: net.vpcId,
        serviceName: `com.amazonaws.${args.region}.execute-api`,
        vpcEndpointType: "Interface",
        // The API's default URL resolves to this endpoint inside the VPC, so the caller's URL and code stay
        // the same ("Creating a private API", API Gateway Developer Guide: private DNS names).
        privateDnsEnabled: true,
        subnetIds: net.endpointSubnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
      },
      child,
    );
    // A resource of its own: the policy names the API's method ARNs, and the API's policy names this
    // endpoint's id; inline on the endpoint, that would be a cycle.
    this.endpointPolicy = new ec2.VpcEndpointPolicy(
      `${name}-execute-api`,
      {
        vpcEndpointId: this.endpoint.id,
        policy: pulumi
          .all([args.invokerArns, args.methodArns])
          .apply(([principalArns, methodArns]) => renderPolicy(vpcEndpointPolicy({ principalArns, methodArns }))),
      },
      child,
    );

    this.vpcId = net.vpcId;
    this.subnetIds = net.subnetIds;
    this.lambdaSecurityGroupIds = lambdaGroups.ids;
    this.vpcEndpointId = this.endpoint.id;
    this.vpcEndpointPolicy = this.endpointPolicy.policy.apply((p) => p ?? "");
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      lambdaSecurityGroupIds: this.lambdaSecurityGroupIds,
      vpcEndpointId: this.vpcEndpointId,
      vpcEndpointPolicy: this.vpcEndpointPolicy,
    });
  }

  /** A VPC with DNS on (private DNS needs both attributes) and one private subnet in each of two AZs. */
  private makeVpc(name: string, cidrBlock: string, subnetCidrs: readonly string[], child: pulumi.CustomResourceOptions): Network {
    // "To use the private DNS option, the enableDnsSupport and enableDnsHostnames attributes of your VPC
    // must be set to true" ("Creating a private API", API Gateway Developer Guide).
    const made = new ec2.Vpc(`${name}-vpc`, { cidrBlock, enableDnsSupport: true, enableDnsHostnames: true }, child);
    // Standard zones only (no Local or Wavelength Zones, which need an opt-in), in name order: the same two each run.
    const zones = getAvailabilityZonesOutput(
      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
      { parent: this },
    ).names.apply((names) => {
      const sorted = [...names].sort();
      if (sorted.length < 2)
        throw new pulumi.ResourceError(`${name}: the region has ${sorted.length} available AZ(s); two are needed`, this);
      return sorted.slice(0, 2);
    });
    const subnets = [0, 1].map(
      (i) =>
        new ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: made.id,
            availabilityZone: zones.apply((z) => z[i]),
            cidrBlock: subnetCidrs[i],
            mapPublicIpOnLaunch: false,
          },
          child,
        ),
    );
    const subnetIds = pulumi.all(subnets.map((s) => s.id));
    return { vpc: made, subnets, vpcId: made.id, subnetIds, endpointSubnetIds: subnetIds };
  }

  /** The VPC of the given subnets, read from EC2; every subnet must be in the same one. */
  private existingVpc(name: string, subnetIds: readonly string[]): Network {
    const ids = [...subnetIds];
    const found = pulumi.all(ids.map((id) => ec2.getSubnetOutput({ id }, { parent: this }))).apply((subnets) => {
      const distinct = [...new Set(subnets.map((s) => s.vpcId))];
      if (distinct.length !== 1) {
        throw new pulumi.ResourceError(
          `${name}: the subnets ${ids.join(", ")} are in different VPCs (${distinct.join(", ")}); list subnets of one VPC in holidays-api:callerVpc.subnetIds`,
          this,
        );
      }
      // An interface endpoint takes one subnet per AZ ("DuplicateSubnetsInSameZone: Found another VPC endpoint
      // subnet in the availability zone of subnet-…", terraform-aws-modules/terraform-aws-vpc#583): the first by id.
      const perZone = new Map<string, string>();
      for (const s of [...subnets].sort((x, y) => (x.id < y.id ? -1 : 1)))
        if (!perZone.has(s.availabilityZone)) perZone.set(s.availabilityZone, s.id);
      return { vpcId: distinct[0], endpointSubnetIds: [...perZone.values()].sort() };
    });
    return { subnets: [], vpcId: found.vpcId, subnetIds: pulumi.output(ids), endpointSubnetIds: found.endpointSubnetIds };
  }

  /** The Lambda's security groups: the given ones, or one made here whose only rule is HTTPS to the endpoint. */
  private lambdaGroups(
    name: string,
    vpcId: pulumi.Output<string>,
    given: readonly string[] | undefined,
    child: pulumi.CustomResourceOptions,
  ): { made?: ec2.SecurityGroup; ids: pulumi.Output<string[]> } {
    const endpointGroupId = this.endpointSecurityGroup.id;
    let made: ec2.SecurityGroup | undefined;
    let sources: { key: string; id: pulumi.Input<string> }[];
    if (given === undefined) {
      // No inline rules: the provider removes AWS's default allow-all egress from a new group, and the
      // rules below are separate resources (the provider's advice for aws.ec2.SecurityGroup).
      made = new ec2.SecurityGroup(
        `${name}-lambda`,
        { vpcId, description: "holidays caller Lambda: HTTPS to the execute-api endpoint only" },
        child,
      );
      new vpc.SecurityGroupEgressRule(
        `${name}-lambda-to-endpoint`,
        {
          securityGroupId: made.id,
          referencedSecurityGroupId: endpointGroupId,
          ipProtocol: "tcp",
          fromPort: HTTPS,
          toPort: HTTPS,
          description: "HTTPS to the execute-api VPC endpoint",
        },
        child,
      );
      sources = [{ key: "lambda", id: made.id }];
    } else {
      sources = [...given].sort().map((id) => ({ key: id, id }));
    }
    for (const source of sources) {
      new vpc.SecurityGroupIngressRule(
        `${name}-endpoint-from-${source.key}`,
        {
          securityGroupId: endpointGroupId,
          referencedSecurityGroupId: source.id,
          ipProtocol: "tcp",
          fromPort: HTTPS,
          toPort: HTTPS,
          description: "HTTPS from the holidays caller Lambda",
        },
        child,
      );
    }
    return { made, ids: pulumi.all(sources.map((s) => s.id)) };
  }
}

/** The i-th /24 of an IPv4 CIDR block of /16 to /24 (`10.0.0.0/16`, 1 → `10.0.1.0/24`). */
export function subnetCidr(cidrBlock: string, i: number): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.0\/(\d+)$/.exec(cidrBlock);
  const prefix = m ? Number(m[4]) : NaN;
  if (!m || prefix < 16 || prefix > 23) throw new Error(`subnetCidr: ${JSON.stringify(cidrBlock)} is not an IPv4 /16-/23 block`);
  const third = Number(m[3]) + i;
  if (third > 255 || i >= 2 ** (24 - prefix)) throw new Error(`subnetCidr: ${cidrBlock} has no ${i + 1}th /24`);
  return `${m[1]}.${m[2]}.${third}.0/24`;
}
