import * as pulumi from "@pulumi/pulumi";
import * as apigateway from "@pulumi/aws/apigateway";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import {
  DATA_ROUTE,
  type DataObject,
  HTTP_METHOD,
  RESPONSES,
  ROUTES,
  type Route,
  YEAR_ROUTE,
  integrationRequestParameters,
  integrationResponseParameters,
  methodArnPath,
  methodRequestParameters,
  methodResponseParameters,
  pathSegments,
  s3IntegrationUri,
  s3KeyPattern,
} from "../lib/api";
import { DATA_RETENTION_VALUES, type DataRetention, retentionChoice } from "../lib/retention";
import { REGION, methodArn } from "../lib/arn";
import { STAGE_NAME, problemLine, show } from "../lib/config";
import { deploymentFingerprint } from "../lib/fingerprint";
import { HOLIDAYS_CONTENT_TYPE } from "../lib/holidays";
import { apiGatewayTrustPolicy, apiResourcePolicy, readObjectPolicy, renderPolicy, tlsOnlyBucketPolicy } from "../lib/policy";

export interface HolidaysApiArgs {
  /** AWS region of the API: the S3 integration URI and every ARN's partition. Plain: it shapes resources at preview. */
  region: string;
  /**
   * The objects the API serves: `api/v1/data.json` and one `api/v1/<year>/data.json` per year (see
   * lib/api `dataObjects`). Plain values: each key names an `aws.s3.BucketObjectv2`.
   */
  objects: DataObject[];
  /** Stage name, e.g. `dev`: part of the invoke URL and of every method ARN. Plain: it names resources. */
  stageName: string;
  /** Principals (role/user/account-root ARNs) allowed to invoke the GET routes. */
  invokerArns: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * When non-empty, deny requests from any source address outside these CIDRs.
   * @default [] (no IP restriction)
   */
  sourceIpAllowList?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Deny every principal that is not an invoker, even administrators of this account.
   * @default true
   */
  exclusive?: pulumi.Input<boolean>;
  /**
   * Only principals of this AWS Organization may invoke.
   * @default undefined (no organization condition)
   */
  principalOrgId?: pulumi.Input<string>;
  /**
   * What `pulumi destroy` does with the data: `retain` (the bucket and every resource configuring it are
   * `retainOnDelete`: a destroy leaves the bucket as it was, private, encrypted and TLS-only) or `destroy`
   * (the bucket is `forceDestroy`: a destroy deletes every object version with it, for dev stacks). A
   * string, so that every Pulumi language can pass it; checked when the component is declared.
   * @default "retain"
   */
  dataRetention?: string;
  /**
   * `REGIONAL`: reached over the internet. `PRIVATE`: reached only through interface VPC endpoints for
   * execute-api (then `allowedVpcEndpointIds` is required). A plain string, checked here: it decides the
   * shape of the resource policy.
   * @default "REGIONAL"
   */
  endpointType?: string;
  /**
   * A `PRIVATE` API's VPC endpoint ids (`vpce-…`): the resource policy denies requests through any other
   * (aws:SourceVpce). The endpoints are not associated with the API (`vpcEndpointIds`): with private DNS
   * the API's default URL resolves to the endpoint without it.
   * @default undefined (required when endpointType is PRIVATE, refused otherwise)
   */
  allowedVpcEndpointIds?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The endpoint types this component makes; EDGE is not offered. */
export const API_ENDPOINT_TYPES: readonly string[] = ["REGIONAL", "PRIVATE"];

/** The data bucket and the objects the API serves. */
interface DataStore {
  bucket: s3.Bucket;
  objects: s3.BucketObjectv2[];
}

/** One route's resource (the last of its path) and its GET method. */
interface RouteResources {
  route: Route;
  resource: apigateway.Resource;
  method: apigateway.Method;
}

/** Every route, and the path resources they share (`/api`, `/api/v1`, …), each declared once. */
interface Routes {
  pathResources: apigateway.Resource[];
  routes: RouteResources[];
}

/** The S3 integration of each route and the one role API Gateway assumes for them. */
interface S3Integration {
  integrations: apigateway.Integration[];
  role: iam.Role;
}

/**
 * Account A: a private S3 bucket of holidays documents served by an IAM-authorized REST API whose resource
 * policy names exactly the invokers on exactly its GET routes. Children are exposed to extend (docs/extending.md).
 */
export class HolidaysApi extends pulumi.ComponentResource {
  /** The REST API (REGIONAL or PRIVATE, dualstack). */
  readonly restApi: apigateway.RestApi;
  /** The resource policy attached to the API. */
  readonly policy: apigateway.RestApiPolicy;
  /** The deployment the stage serves; replaced whenever the API definition or the policy changes. */
  readonly deployment: apigateway.Deployment;
  /** The stage (`stageName`): attach WAF, method settings or usage plans to it. */
  readonly stage: apigateway.Stage;
  /** The private, versioned, encrypted, TLS-only data bucket. */
  readonly bucket: s3.Bucket;
  /** The data objects in the bucket (data.json first, then one per year). */
  readonly objects: s3.BucketObjectv2[];
  /** The role API Gateway assumes to read the objects (allowed the routes' keys only). */
  readonly integrationRole: iam.Role;

  /** REST API id. */
  readonly restApiId: pulumi.Output<string>;
  /** `arn:aws:execute-api:<region>:<account>:<apiId>`. */
  readonly executionArn: pulumi.Output<string>;
  /** `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>`. */
  readonly invokeUrl: pulumi.Output<string>;
  /** The full URL of `data.json` (the configured years). */
  readonly dataUrl: pulumi.Output<string>;
  /** The URL of one year's document, with `{year}` to fill in: `…/<stage>/api/v1/{year}/data.json`. */
  readonly yearDataUrlTemplate: pulumi.Output<string>;
  /** ARN of `GET /api/v1/data.json` on the stage. */
  readonly methodArn: pulumi.Output<string>;
  /** ARNs of every GET route on the stage (`…/GET/api/v1/data.json`, `…/GET/api/v1/*\/data.json`): what invokers may call. */
  readonly methodArns: pulumi.Output<string[]>;
  /** Name of the private bucket holding the documents. */
  readonly bucketName: pulumi.Output<string>;
  /** The rendered resource policy (canonical JSON). */
  readonly resourcePolicy: pulumi.Output<string>;
  /** `REGIONAL` or `PRIVATE`, as declared on the REST API. */
  readonly endpointType: pulumi.Output<string>;

  constructor(name: string, args: HolidaysApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("holidays:index:HolidaysApi", name, {}, opts);
    const { retention, endpointType } = checkArgs(name, args, this);

    const data = createDataStore(name, args.objects, retention, this);
    const api = createRestApi(name, endpointType, this);
    const routes = createRoutes(name, api, this);
    const s3Integration = createS3Integration(name, args.region, api, routes, data, this);
    const responses = createResponses(name, api, routes, s3Integration, this);
    const routeMethodArns = api.executionArn.apply((arn) =>
      ROUTES.map((r) => methodArn(arn, args.stageName, HTTP_METHOD, methodArnPath(r))),
    );
    const policy = createResourcePolicy(name, args, api, routeMethodArns, this);
    const { deployment, stage } = createDeploymentAndStage(name, args.stageName, api, { policy, routes, s3Integration, responses }, this);

    this.restApi = api;
    this.policy = policy;
    this.deployment = deployment;
    this.stage = stage;
    this.bucket = data.bucket;
    this.objects = data.objects;
    this.integrationRole = s3Integration.role;
    this.restApiId = api.id;
    this.executionArn = api.executionArn;
    this.invokeUrl = stage.invokeUrl;
    this.dataUrl = pulumi.interpolate`${stage.invokeUrl}${DATA_ROUTE.resourcePath}`;
    this.yearDataUrlTemplate = pulumi.interpolate`${stage.invokeUrl}${YEAR_ROUTE.resourcePath}`;
    this.methodArn = api.executionArn.apply((arn) => methodArn(arn, args.stageName, HTTP_METHOD, methodArnPath(DATA_ROUTE)));
    this.methodArns = routeMethodArns;
    this.bucketName = data.bucket.bucket;
    this.resourcePolicy = policy.policy;
    this.endpointType = api.endpointConfiguration.types;
    this.registerOutputs({
      endpointType: this.endpointType,
      restApiId: this.restApiId,
      executionArn: this.executionArn,
      invokeUrl: this.invokeUrl,
      dataUrl: this.dataUrl,
      yearDataUrlTemplate: this.yearDataUrlTemplate,
      methodArn: this.methodArn,
      methodArns: this.methodArns,
      bucketName: this.bucketName,
      resourcePolicy: this.resourcePolicy,
    });
  }
}

/** The plain args a user can get wrong, checked before any child exists. */
function checkArgs(name: string, args: HolidaysApiArgs, self: pulumi.Resource): { retention: DataRetention; endpointType: string } {
  // `value` as the message shows it (show() for what the user passed).
  const fail = (key: string, value: string, expected: string, fix: string): never => {
    throw new pulumi.ResourceError(`${name}: ${problemLine({ key, value, expected, fix })}`, self);
  };
  if (!REGION.test(args.region))
    fail("region", show(args.region), "an AWS region name such as ap-northeast-1", 'pass region: "ap-northeast-1"');
  if (!STAGE_NAME.test(args.stageName))
    fail("stageName", show(args.stageName), "1-128 letters, digits, '-' or '_'", 'pass stageName: "dev"');
  const retention = DATA_RETENTION_VALUES.find((v) => v === (args.dataRetention ?? "retain"));
  if (!retention) {
    return fail(
      "dataRetention",
      show(args.dataRetention),
      `one of ${DATA_RETENTION_VALUES.join(", ")}`,
      'pass "retain" (keep the data on destroy) or "destroy"',
    );
  }
  const endpointType = args.endpointType ?? "REGIONAL";
  if (!API_ENDPOINT_TYPES.includes(endpointType)) {
    fail("endpointType", show(endpointType), `one of ${API_ENDPOINT_TYPES.join(", ")}`, 'pass endpointType: "REGIONAL" or "PRIVATE"');
  }
  if (endpointType === "PRIVATE" && args.allowedVpcEndpointIds === undefined) {
    const expected = "the execute-api VPC endpoint ids (vpce-…) a PRIVATE API may be reached through";
    fail("allowedVpcEndpointIds", show(undefined), expected, "pass allowedVpcEndpointIds with endpointType PRIVATE");
  }
  if (endpointType !== "PRIVATE" && args.allowedVpcEndpointIds !== undefined) {
    fail(
      "allowedVpcEndpointIds",
      "(set)",
      "no value unless endpointType is PRIVATE",
      'set endpointType "PRIVATE" or remove allowedVpcEndpointIds',
    );
  }
  return { retention, endpointType };
}

/**
 * Dualstack: IPv6 entries of sourceIpAllowList can match ("The default IP address type for all Regional and
 * edge-optimized APIs is IPv4"), and "Private APIs can only have a dualstack IP address type" ("IP address
 * types for REST APIs in API Gateway"). No vpcEndpointIds: see HolidaysApiArgs.allowedVpcEndpointIds.
 */
function createRestApi(name: string, endpointType: string, parent: pulumi.Resource): apigateway.RestApi {
  return new apigateway.RestApi(
    `${name}-api`,
    {
      description: "Japanese public holidays (IAM-authorized)",
      endpointConfiguration: { types: endpointType, ipAddressType: "dualstack" },
    },
    { parent },
  );
}

/**
 * A private, versioned, encrypted, TLS-only bucket whose noncurrent versions expire, and the data objects, each
 * written only once versioning, encryption and ownership are in force (an earlier one keeps a `null` version).
 */
function createDataStore(name: string, dataObjects: readonly DataObject[], retention: DataRetention, parent: pulumi.Resource): DataStore {
  const { retainOnDelete, forceDestroy } = retentionChoice(retention);
  // One options object for the bucket and every resource that configures it.
  const keep: pulumi.CustomResourceOptions = { parent, retainOnDelete };
  const bucket = new s3.Bucket(`${name}-data`, { forceDestroy }, keep);
  const publicAccessBlock = new s3.BucketPublicAccessBlock(
    `${name}-data`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    keep,
  );
  const ownership = new s3.BucketOwnershipControls(
    `${name}-data`,
    {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    },
    keep,
  );
  const encryption = new s3.BucketServerSideEncryptionConfiguration(
    `${name}-data`,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    },
    keep,
  );
  const versioning = new s3.BucketVersioning(
    `${name}-data`,
    {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    },
    keep,
  );
  new s3.BucketLifecycleConfiguration(
    `${name}-data`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { ...keep, dependsOn: [versioning] },
  );
  new s3.BucketPolicy(
    `${name}-data-tls-only`,
    {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => renderPolicy(tlsOnlyBucketPolicy(arn))),
    },
    { ...keep, dependsOn: [publicAccessBlock] },
  );
  // `<name>-data-json` for data.json (its name since the seed), `<name>-data-<year>-json` per year.
  const objects = dataObjects.map(
    (o) =>
      new s3.BucketObjectv2(
        `${name}-data${o.year === undefined ? "" : `-${o.year}`}-json`,
        {
          bucket: bucket.id,
          key: o.key,
          content: o.body,
          contentType: HOLIDAYS_CONTENT_TYPE,
          serverSideEncryption: "AES256",
        },
        { ...keep, dependsOn: [versioning, encryption, ownership, publicAccessBlock] },
      ),
  );
  return { bucket, objects };
}

/** Days a replaced version of a data object is kept (each `pulumi up` that changes the data leaves one). */
const NONCURRENT_VERSION_DAYS = 30;

/** Resource names by path; a path not listed is named after its segments. The first three are the seed's. */
const RESOURCE_NAMES: Readonly<Record<string, string>> = {
  "/api": "api-segment",
  "/api/v1": "v1-segment",
  "/api/v1/data.json": "data-segment",
  "/api/v1/{year}": "year-segment",
  "/api/v1/{year}/data.json": "year-data-segment",
};

/** `<name>-get` for data.json (the seed's name), `<name>-<route id>-get` for the others. */
const methodName = (name: string, route: Route) => (route.id === DATA_ROUTE.id ? `${name}-get` : `${name}-${route.id}-get`);

/**
 * One `aws.apigateway.Resource` per distinct path prefix of the routes (shared prefixes declared
 * once, parents first), and an AWS_IAM-authorized GET method on each route, declaring its path
 * parameters (required) and If-None-Match (optional).
 */
function createRoutes(name: string, api: apigateway.RestApi, parent: pulumi.Resource): Routes {
  const byPath = new Map<string, apigateway.Resource>();
  const resourceFor = (route: Route): apigateway.Resource => {
    let path = "";
    let resource: apigateway.Resource | undefined;
    for (const pathPart of pathSegments(route.resourcePath)) {
      const parentId: pulumi.Input<string> = resource?.id ?? api.rootResourceId;
      path = `${path}/${pathPart}`;
      resource = byPath.get(path);
      if (!resource) {
        const resourceName =
          RESOURCE_NAMES[path] ??
          pathSegments(path)
            .join("-")
            .replace(/[^A-Za-z0-9-]/g, "");
        resource = new apigateway.Resource(`${name}-${resourceName}`, { restApi: api.id, parentId, pathPart }, { parent });
        byPath.set(path, resource);
      }
    }
    if (!resource) throw new Error(`createRoutes: ${route.resourcePath} has no path segment`);
    return resource;
  };
  const routes = ROUTES.map((route) => {
    const resource = resourceFor(route);
    const method = new apigateway.Method(
      methodName(name, route),
      {
        restApi: api.id,
        resourceId: resource.id,
        httpMethod: HTTP_METHOD,
        authorization: "AWS_IAM",
        requestParameters: methodRequestParameters(route),
      },
      { parent },
    );
    return { route, resource, method };
  });
  return { pathResources: [...byPath.values()], routes };
}

/**
 * Per route, the `AWS` integration that reads its object (path parameters fill the key, If-None-Match
 * is passed on) through one role only API Gateway may assume, allowed the routes' keys only.
 */
function createS3Integration(
  name: string,
  region: string,
  api: apigateway.RestApi,
  routes: Routes,
  data: DataStore,
  parent: pulumi.Resource,
): S3Integration {
  const role = new iam.Role(
    `${name}-s3-read`,
    {
      description: "Assumed by API Gateway to read the holidays document",
      assumeRolePolicy: renderPolicy(apiGatewayTrustPolicy()),
    },
    { parent },
  );
  const rolePolicy = new iam.RolePolicy(
    `${name}-s3-read`,
    {
      role: role.id,
      policy: data.bucket.arn.apply((arn) => renderPolicy(readObjectPolicy(arn, ROUTES.map(s3KeyPattern)))),
    },
    { parent },
  );
  const integrations = routes.routes.map(
    ({ route, resource, method }) =>
      new apigateway.Integration(
        `${methodName(name, route)}-s3`,
        {
          restApi: api.id,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          type: "AWS",
          integrationHttpMethod: "GET",
          uri: data.bucket.bucket.apply((bucket) => s3IntegrationUri(region, bucket, route.s3Key)),
          credentials: role.arn,
          passthroughBehavior: "WHEN_NO_MATCH",
          requestParameters: integrationRequestParameters(route),
        },
        { parent, dependsOn: [rolePolicy] },
      ),
  );
  return { integrations, role };
}

/** Per route, a method response and an integration response per entry of the responses table (lib/api). */
function createResponses(
  name: string,
  api: apigateway.RestApi,
  routes: Routes,
  s3Integration: S3Integration,
  parent: pulumi.Resource,
): pulumi.CustomResource[] {
  const created: pulumi.CustomResource[] = [];
  for (const [i, { route, resource, method }] of routes.routes.entries()) {
    for (const r of RESPONSES) {
      const methodResponse = new apigateway.MethodResponse(
        `${methodName(name, route)}-${r.statusCode}`,
        {
          restApi: api.id,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          statusCode: r.statusCode,
          responseParameters: methodResponseParameters(r),
        },
        { parent },
      );
      const integrationResponse = new apigateway.IntegrationResponse(
        `${methodName(name, route)}-${r.statusCode}`,
        {
          restApi: api.id,
          resourceId: resource.id,
          httpMethod: method.httpMethod,
          statusCode: methodResponse.statusCode,
          selectionPattern: r.selectionPattern,
          responseParameters: integrationResponseParameters(r),
          responseTemplates: r.template ? { "application/json": r.template } : undefined,
        },
        { parent, dependsOn: [s3Integration.integrations[i]] },
      );
      created.push(methodResponse, integrationResponse);
    }
  }
  return created;
}

/** The resource policy (lib/policy `apiResourcePolicy`) on the API. */
function createResourcePolicy(
  name: string,
  args: HolidaysApiArgs,
  api: apigateway.RestApi,
  routeMethodArns: pulumi.Output<string[]>,
  parent: pulumi.Resource,
): apigateway.RestApiPolicy {
  const policyText = pulumi
    .all([
      api.executionArn,
      routeMethodArns,
      args.invokerArns,
      args.sourceIpAllowList ?? [],
      args.exclusive ?? true,
      args.principalOrgId,
      args.allowedVpcEndpointIds,
    ])
    .apply(([executionArn, methodArns, invokers, sourceIpAllowList, exclusive, principalOrgId, vpcEndpointIds]) =>
      renderPolicy(apiResourcePolicy({ executionArn, methodArns, invokers, sourceIpAllowList, exclusive, principalOrgId, vpcEndpointIds })),
    );
  return new apigateway.RestApiPolicy(`${name}-policy`, { restApiId: api.id, policy: policyText }, { parent });
}

/**
 * The deployment waits for every API-definition resource (hashicorp/terraform-provider-aws#20811) and its trigger
 * hashes every property of each, so any change redeploys the stage (docs/decisions.md, "Product").
 */
function createDeploymentAndStage(
  name: string,
  stageName: string,
  api: apigateway.RestApi,
  definition: { policy: apigateway.RestApiPolicy; routes: Routes; s3Integration: S3Integration; responses: pulumi.CustomResource[] },
  parent: pulumi.Resource,
): { deployment: apigateway.Deployment; stage: apigateway.Stage } {
  const { policy, routes, s3Integration, responses } = definition;
  const definitionResources: pulumi.CustomResource[] = [
    policy,
    ...routes.pathResources,
    ...routes.routes.map((r) => r.method),
    ...s3Integration.integrations,
    ...responses,
  ];
  const fingerprint = pulumi
    .all(definitionResources.map((r) => pulumi.all([typeOf(r), propertiesOf(r)])))
    .apply((parts) => deploymentFingerprint(parts.map(([type, properties]) => ({ type, properties }))));
  const deployment = new apigateway.Deployment(
    `${name}-deployment`,
    {
      restApi: api.id,
      description: "Managed by Pulumi; replaced whenever the policy or API definition changes",
      triggers: { redeployment: fingerprint },
    },
    { parent, dependsOn: definitionResources },
  );
  const stage = new apigateway.Stage(`${name}-stage`, { restApi: api.id, deployment: deployment.id, stageName }, { parent });
  return { deployment, stage };
}

/** The resource's type token, from its URN (`urn:pulumi:<stack>::<project>::<type path>::<name>`). */
function typeOf(r: pulumi.CustomResource): pulumi.Output<string> {
  return r.urn.apply((urn) => urn.split("::")[2]?.split("$").pop() ?? "");
}

/** Every output property the resource declares (its inputs and what the provider computed), except its URN. */
function propertiesOf(r: pulumi.CustomResource): pulumi.Output<Record<string, unknown>> {
  const props: Record<string, pulumi.Output<unknown>> = {};
  for (const [key, value] of Object.entries(r)) {
    if (key !== "urn" && !key.startsWith("__") && pulumi.Output.isInstance(value)) props[key] = value as pulumi.Output<unknown>;
  }
  return pulumi.output(props) as unknown as pulumi.Output<Record<string, unknown>>;
}
