/**
 * What the program declared under mocks, read back by resource type and by relationship (an id or ARN in
 * another's inputs), never by name: the API's routes, the IAM roles, the buckets. The gateway walks exactly this.
 */
import { UnsupportedPolicyError } from "../lib/iam/evaluate";
import type { PolicyDocument } from "../lib/policy";
import { DeclaredNetwork, readNetwork } from "./network";
import type { RecordedResource } from "./program";
import { TYPE as T } from "./resourceTypes";

export interface DeclaredIntegration {
  type: string;
  uri?: string;
  integrationHttpMethod?: string;
  /** The ARN of the role API Gateway assumes for the call. */
  credentials?: string;
  passthroughBehavior?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
}

export interface DeclaredIntegrationResponse {
  statusCode: string;
  /** Regex over the backend's status; undefined or "" marks the default response. */
  selectionPattern?: string;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface DeclaredMethod {
  /** The resource path, `{name}` marking a path parameter: `/api/v1/data.json`, `/api/v1/{year}/data.json`. */
  path: string;
  httpMethod: string;
  authorization: string;
  /** Method request parameters (`method.request.path.year`, `method.request.header.If-None-Match`) → required. */
  requestParameters: Record<string, boolean>;
  /** Undefined when the program declared no Integration for the method. */
  integration?: DeclaredIntegration;
  /** Declared method responses by status code: the response parameters each declares. */
  methodResponses: Map<string, Record<string, boolean>>;
  integrationResponses: DeclaredIntegrationResponse[];
}

export interface DeclaredRole {
  arn: string;
  name: string;
  accountId: string;
  trustPolicy: PolicyDocument;
  /** Inline policies (Role.inlinePolicies and aws.iam.RolePolicy resources). */
  identityPolicies: PolicyDocument[];
}

export interface DeclaredObject {
  key: string;
  content: string;
  contentType?: string;
}

export interface DeclaredBucket {
  name: string;
  arn: string;
  /** The account whose provider created it: the bucket owner. */
  accountId: string;
  policy?: PolicyDocument;
  objects: Map<string, DeclaredObject>;
}

export interface DeclaredApi {
  restApiId: string;
  executionArn: string;
  accountId: string;
  region: string;
  stageName: string;
  resourcePolicy?: PolicyDocument;
  /** `REGIONAL`, `EDGE` or `PRIVATE`: the RestApi's endpointConfiguration.types (`EDGE` when none is declared, as AWS defaults it). */
  endpointType: string;
  /** Keyed by `${httpMethod} ${path}`. */
  methods: Map<string, DeclaredMethod>;
}

export interface Declared {
  api: DeclaredApi;
  /** Keyed by role ARN. */
  roles: Map<string, DeclaredRole>;
  /** Keyed by bucket name. */
  buckets: Map<string, DeclaredBucket>;
  /** VPC endpoints, subnets and the functions' vpcConfig (twin/network.ts). */
  network: DeclaredNetwork;
}

export const methodKey = (httpMethod: string, path: string): string => `${httpMethod.toUpperCase()} ${path}`;

function parsePolicy(text: unknown, where: string): PolicyDocument {
  if (typeof text !== "string") throw new UnsupportedPolicyError(`${where}: policy is not JSON text`);
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch {
    throw new UnsupportedPolicyError(`${where}: policy is not valid JSON`);
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
};

const boolMap = (v: unknown): Record<string, boolean> => {
  const out: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (typeof x === "boolean") out[k] = x;
  return out;
};

/** True when `value` (an input that referred to `target`) is one of target's identifiers. */
function refersTo(value: unknown, target: RecordedResource, keys: string[]): boolean {
  if (typeof value !== "string") return false;
  return value === target.id || keys.some((k) => target.state[k] === value);
}

function only(resources: RecordedResource[], type: string): RecordedResource {
  const found = resources.filter((r) => r.type === type);
  if (found.length !== 1) throw new Error(`The offline twin models one ${type}; the program declared ${found.length}`);
  return found[0];
}

function readRoles(resources: RecordedResource[]): Map<string, DeclaredRole> {
  const roles = new Map<string, DeclaredRole>();
  for (const role of resources.filter((r) => r.type === T.role)) {
    const arn = String(role.state.arn);
    const attached = resources.filter((r) => r.type === T.rolePolicyAttachment && refersTo(r.inputs.role, role, ["name", "arn"]));
    if (attached.length > 0)
      throw new UnsupportedPolicyError(`role ${arn}: managed policy attachments are not modelled by the offline twin`);
    const inline = ((role.inputs.inlinePolicies as { policy?: unknown }[] | undefined) ?? []).map((p, i) =>
      parsePolicy(p.policy, `${arn} inlinePolicies[${i}]`),
    );
    const rolePolicies = resources
      .filter((r) => r.type === T.rolePolicy && refersTo(r.inputs.role, role, ["name", "arn"]))
      .map((r) => parsePolicy(r.inputs.policy, `RolePolicy of ${arn}`));
    roles.set(arn, {
      arn,
      name: String(role.state.name ?? role.id),
      accountId: arn.split(":")[4] ?? "",
      trustPolicy: parsePolicy(role.inputs.assumeRolePolicy, `${arn} assumeRolePolicy`),
      identityPolicies: [...inline, ...rolePolicies],
    });
  }
  return roles;
}

function readBuckets(resources: RecordedResource[]): Map<string, DeclaredBucket> {
  const buckets = new Map<string, DeclaredBucket>();
  for (const bucket of resources.filter((r) => r.type === T.bucket || r.type === T.bucketV2)) {
    const name = String(bucket.state.bucket ?? bucket.id);
    const policies = resources.filter((r) => r.type === T.bucketPolicy && refersTo(r.inputs.bucket, bucket, ["bucket"]));
    if (policies.length > 1)
      throw new UnsupportedPolicyError(`bucket ${name}: a bucket has one policy; the program declared ${policies.length}`);
    const objects = new Map<string, DeclaredObject>();
    for (const o of resources.filter(
      (r) => (r.type === T.objectV2 || r.type === T.object) && refersTo(r.inputs.bucket, bucket, ["bucket"]),
    )) {
      const key = String(o.inputs.key);
      objects.set(key, { key, content: String(o.inputs.content ?? ""), contentType: str(o.inputs.contentType) });
    }
    buckets.set(name, {
      name,
      arn: String(bucket.state.arn),
      accountId: bucket.accountId ?? "",
      policy: policies[0] ? parsePolicy(policies[0].inputs.policy, `BucketPolicy of ${name}`) : undefined,
      objects,
    });
  }
  return buckets;
}

function readApi(resources: RecordedResource[]): DeclaredApi {
  const api = only(resources, T.restApi);
  const stage = only(
    resources.filter((r) => refersTo(r.inputs.restApi, api, [])),
    T.stage,
  );
  const ofApi = (type: string) => resources.filter((r) => r.type === type && refersTo(r.inputs.restApi ?? r.inputs.restApiId, api, []));
  const paths = new Map<string, string>([[String(api.state.rootResourceId), "/"]]);
  for (const r of ofApi(T.resource)) {
    // A `{name}` path part is a path parameter; `{proxy+}` greedy parameters are not modelled.
    if (/\+\}$/.test(String(r.inputs.pathPart)))
      throw new UnsupportedPolicyError(
        `path part ${String(r.inputs.pathPart)}: greedy path parameters are not modelled by the offline twin`,
      );
    paths.set(r.id, String(r.state.path));
  }
  const sameMethod = (a: RecordedResource, b: RecordedResource) =>
    a.inputs.resourceId === b.inputs.resourceId && a.inputs.httpMethod === b.inputs.httpMethod;
  const methods = new Map<string, DeclaredMethod>();
  for (const m of ofApi(T.method)) {
    const path = paths.get(String(m.inputs.resourceId));
    if (path === undefined)
      throw new Error(
        `Method ${String(m.inputs.httpMethod)} refers to resource ${String(m.inputs.resourceId)}, which the API does not declare`,
      );
    const integration = ofApi(T.integration).find((i) => sameMethod(i, m));
    const methodResponses = new Map<string, Record<string, boolean>>();
    for (const r of ofApi(T.methodResponse).filter((x) => sameMethod(x, m))) {
      methodResponses.set(String(r.inputs.statusCode), (r.inputs.responseParameters as Record<string, boolean> | undefined) ?? {});
    }
    methods.set(methodKey(String(m.inputs.httpMethod), path), {
      path,
      httpMethod: String(m.inputs.httpMethod),
      authorization: String(m.inputs.authorization),
      requestParameters: boolMap(m.inputs.requestParameters),
      integration: integration && {
        type: String(integration.inputs.type),
        uri: str(integration.inputs.uri),
        integrationHttpMethod: str(integration.inputs.integrationHttpMethod),
        credentials: str(integration.inputs.credentials),
        passthroughBehavior: str(integration.inputs.passthroughBehavior),
        requestParameters: strMap(integration.inputs.requestParameters),
        requestTemplates: strMap(integration.inputs.requestTemplates),
      },
      methodResponses,
      integrationResponses: ofApi(T.integrationResponse)
        .filter((x) => sameMethod(x, m))
        .map((r) => ({
          statusCode: String(r.inputs.statusCode),
          selectionPattern: str(r.inputs.selectionPattern),
          responseParameters: strMap(r.inputs.responseParameters),
          responseTemplates: strMap(r.inputs.responseTemplates),
        })),
    });
  }
  const policies = ofApi(T.restApiPolicy);
  if (policies.length > 1)
    throw new UnsupportedPolicyError(`the REST API has one resource policy; the program declared ${policies.length}`);
  const executionArn = String(api.state.executionArn);
  return {
    restApiId: api.id,
    executionArn,
    accountId: api.accountId ?? executionArn.split(":")[4] ?? "",
    region: api.region ?? executionArn.split(":")[3] ?? "",
    stageName: String(stage.inputs.stageName),
    resourcePolicy: policies[0] ? parsePolicy(policies[0].inputs.policy, "RestApiPolicy") : undefined,
    endpointType: endpointTypeOf(api.inputs.endpointConfiguration),
    methods,
  };
}

/**
 * `types` is one string in @pulumi/aws v7 (a list on the wire); with no endpointConfiguration AWS
 * makes the API edge-optimized ("API endpoint types for REST APIs in API Gateway").
 */
function endpointTypeOf(config: unknown): string {
  const types = (config as { types?: unknown } | undefined)?.types;
  const list = Array.isArray(types) ? types : types === undefined ? [] : [types];
  if (list.length > 1)
    throw new UnsupportedPolicyError(`endpointConfiguration.types ${JSON.stringify(list)}: a REST API has one endpoint type`);
  return list.length === 0 ? "EDGE" : String(list[0]).toUpperCase();
}

/** Reads the API, the roles, the buckets and the network the program declared. */
export function readDeclared(resources: RecordedResource[]): Declared {
  return { api: readApi(resources), roles: readRoles(resources), buckets: readBuckets(resources), network: readNetwork(resources) };
}
