/**
 * The network the program declares, read by type and relationship (never by name): the interface VPC endpoints
 * with their VPC, subnets and policy, and each function's vpcConfig (the gateway listens per endpoint).
 */
import { UnsupportedPolicyError } from "../lib/iam/evaluate";
import type { PolicyDocument } from "../lib/policy";
import type { RecordedResource } from "./program";
import { TYPE as T } from "./resourceTypes";

export interface DeclaredEndpoint {
  /** `vpce-…`: what `aws:SourceVpce` carries for a request through it. */
  id: string;
  /** `vpc-…`: what `aws:SourceVpc` carries. */
  vpcId: string;
  serviceName: string;
  /** `Interface`, `Gateway`, …: only an Interface endpoint of execute-api carries API calls. */
  type: string;
  privateDnsEnabled: boolean;
  subnetIds: string[];
  securityGroupIds: string[];
  accountId: string;
  /**
   * The endpoint policy (a VpcEndpointPolicy resource, else the endpoint's own `policy` input);
   * undefined: the default policy, which "allows full access to the service" (EC2 API Reference, CreateVpcEndpoint PolicyDocument).
   */
  policy?: PolicyDocument;
  /** Set on an endpoint the program did not declare (the story's second endpoint): what it stands for. */
  undeclared?: string;
}

export interface DeclaredFunction {
  name: string;
  arn: string;
  roleArn: string;
  /** The function's environment variables (API_URL, API_REGION). */
  environment: Record<string, string>;
  /** Undefined: the function runs outside any VPC (Lambda's own network, the public path). */
  vpcConfig?: { subnetIds: string[]; securityGroupIds: string[] };
}

export interface DeclaredNetwork {
  endpoints: DeclaredEndpoint[];
  functions: DeclaredFunction[];
  /** Subnet id → VPC id: the declared subnets, and the subnets each endpoint names (they lie in its VPC). */
  subnetVpc: Map<string, string>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function parsePolicy(text: unknown, where: string): PolicyDocument | undefined {
  if (text === undefined || text === null || text === "") return undefined;
  if (typeof text !== "string") throw new UnsupportedPolicyError(`${where}: policy is not JSON text`);
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch {
    throw new UnsupportedPolicyError(`${where}: policy is not valid JSON`);
  }
}

export function readNetwork(resources: readonly RecordedResource[]): DeclaredNetwork {
  const of = (type: string) => resources.filter((r) => r.type === type);
  const subnetVpc = new Map<string, string>();
  for (const s of of(T.subnet)) if (typeof s.inputs.vpcId === "string") subnetVpc.set(s.id, s.inputs.vpcId);
  const endpoints: DeclaredEndpoint[] = of(T.vpcEndpoint).map((e) => {
    const policies = of(T.vpcEndpointPolicy).filter((p) => p.inputs.vpcEndpointId === e.id);
    if (policies.length > 1)
      throw new UnsupportedPolicyError(`endpoint ${e.id}: an endpoint has one policy; the program declared ${policies.length}`);
    const vpcId = String(e.inputs.vpcId ?? "");
    const subnetIds = strings(e.inputs.subnetIds);
    for (const s of subnetIds) if (!subnetVpc.has(s)) subnetVpc.set(s, vpcId);
    return {
      id: e.id,
      vpcId,
      serviceName: String(e.inputs.serviceName ?? ""),
      type: String(e.inputs.vpcEndpointType ?? "Gateway"),
      privateDnsEnabled: e.inputs.privateDnsEnabled === true,
      subnetIds,
      securityGroupIds: strings(e.inputs.securityGroupIds),
      accountId: e.accountId ?? "",
      policy: policies[0]
        ? parsePolicy(policies[0].inputs.policy, `VpcEndpointPolicy of ${e.id}`)
        : parsePolicy(e.inputs.policy, `policy of VpcEndpoint ${e.id}`),
    };
  });
  const functions: DeclaredFunction[] = of(T.function).map((f) => {
    const vpc = f.inputs.vpcConfig as { subnetIds?: unknown; securityGroupIds?: unknown } | undefined;
    const subnetIds = strings(vpc?.subnetIds);
    const env = (f.inputs.environment as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
    return {
      name: String(f.state.name ?? f.id),
      arn: String(f.state.arn ?? ""),
      roleArn: String(f.inputs.role ?? ""),
      environment: Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => typeof kv[1] === "string")),
      vpcConfig: subnetIds.length > 0 ? { subnetIds, securityGroupIds: strings(vpc?.securityGroupIds) } : undefined,
    };
  });
  return { endpoints, functions, subnetVpc };
}

/** The execute-api service name of a region (`com.amazonaws.<region>.execute-api`, "Access AWS services through AWS PrivateLink"). */
export const executeApiService = (region: string): string => `com.amazonaws.${region}.execute-api`;

/** Whether this endpoint carries execute-api calls: an Interface endpoint for the region's execute-api service. */
export const carriesExecuteApi = (e: DeclaredEndpoint, region: string): boolean =>
  e.type === "Interface" && e.serviceName === executeApiService(region);

/** The VPC a function runs in: the VPC of its subnets (undefined outside a VPC, or when its subnets are unknown). */
export function vpcOf(network: DeclaredNetwork, fn: DeclaredFunction): string | undefined {
  const vpcs = new Set((fn.vpcConfig?.subnetIds ?? []).map((s) => network.subnetVpc.get(s)));
  if (vpcs.size !== 1) return undefined;
  return [...vpcs][0];
}

/**
 * Where a function's call to the API's execute-api name goes: the endpoint, inside a VPC whose execute-api endpoint
 * has private DNS on ("How to invoke a private API", API Gateway Developer Guide); else the public path.
 */
export function endpointReachedBy(network: DeclaredNetwork, fn: DeclaredFunction, region: string): DeclaredEndpoint | undefined {
  const vpc = vpcOf(network, fn);
  if (vpc === undefined) return undefined;
  return network.endpoints.find((e) => e.vpcId === vpc && carriesExecuteApi(e, region) && e.privateDnsEnabled);
}

/** Why a function reaches no endpoint, in one line (for the story and verify). */
export function whyNoEndpoint(network: DeclaredNetwork, fn: DeclaredFunction, region: string): string {
  if (!fn.vpcConfig) return `function ${fn.name} has no vpcConfig: it runs outside any VPC and calls the API over the public path`;
  const vpc = vpcOf(network, fn);
  if (vpc === undefined) return `function ${fn.name}'s subnets ${fn.vpcConfig.subnetIds.join(", ")} lie in no single declared VPC`;
  const inVpc = network.endpoints.filter((e) => e.vpcId === vpc);
  if (!inVpc.some((e) => carriesExecuteApi(e, region)))
    return `VPC ${vpc} of function ${fn.name} has no interface endpoint for ${executeApiService(region)}`;
  return `the execute-api endpoint in VPC ${vpc} has private DNS off: the API's name does not resolve to it`;
}
