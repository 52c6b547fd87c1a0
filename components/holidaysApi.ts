import * as pulumi from "@pulumi/pulumi";
import * as apigateway from "@pulumi/aws/apigateway";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import { HTTP_METHOD, RESPONSES, contentTypeMapping, pathSegments, s3IntegrationUri } from "../lib/api";
import { retentionChoice } from "../lib/retention";
import { methodArn } from "../lib/arn";
import { deploymentFingerprint } from "../lib/fingerprint";
import { HOLIDAYS_CONTENT_TYPE, HOLIDAYS_PATH } from "../lib/holidays";
import { apiGatewayTrustPolicy, apiResourcePolicy, readObjectPolicy, renderPolicy, tlsOnlyBucketPolicy } from "../lib/policy";

export interface HolidaysApiArgs {
  /**
   * AWS region of the API; used in the S3 integration URI and the partition of every ARN built here.
   * A plain string on purpose: the partition decides the shape of resources, so it must be known at
   * preview.
   */
  region: string;
  /** The exact bytes of `api/v1/data.json` (see `holidaysDocument`). */
  dataDocument: pulumi.Input<string>;
  /** Stage name, e.g. `dev`; part of the invoke URL and of the method ARN. A plain string: it names resources. */
  stageName: string;
  /** Principals (role/user/account-root ARNs) allowed to invoke `GET /api/v1/data.json`. */
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
   * What `pulumi destroy` does with the data. `retain`: the bucket and every resource configuring it are
   * `retainOnDelete`, so a destroy removes the API and leaves the bucket as it was (private, encrypted,
   * TLS-only), to be deleted by hand or re-imported. `destroy`: the bucket is `forceDestroy`, so a destroy
   * deletes every object version with it (for dev stacks that must destroy cleanly).
   * @default "retain"
   */
  dataRetention?: "retain" | "destroy";
}

/** The data bucket and the object the API serves. */
interface DataStore {
  bucket: s3.Bucket;
  object: s3.BucketObjectv2;
}

/** `/api/v1/data.json` (one Resource per segment, the last one last) and its GET method. */
interface Route {
  pathResources: apigateway.Resource[];
  resource: apigateway.Resource;
  method: apigateway.Method;
}

/** The S3 integration and the role API Gateway assumes for it. */
interface S3Integration {
  integration: apigateway.Integration;
  uri: pulumi.Output<string>;
  role: iam.Role;
}

/**
 * Account A: a private S3 bucket holding the holidays document, served by an IAM-authorized REST API
 * (`GET /api/v1/data.json`) whose resource policy names exactly the invokers. Built from
 * Resource/Method/Integration resources (never an OpenAPI body, which would overwrite the policy),
 * and redeployed whenever the policy or the API definition changes.
 */
export class HolidaysApi extends pulumi.ComponentResource {
  /** REST API id. */
  readonly restApiId: pulumi.Output<string>;
  /** `arn:aws:execute-api:<region>:<account>:<apiId>`. */
  readonly executionArn: pulumi.Output<string>;
  /** `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>`. */
  readonly invokeUrl: pulumi.Output<string>;
  /** The full URL of the holidays document. */
  readonly dataUrl: pulumi.Output<string>;
  /** ARN of the GET method on the stage: what invokers are allowed to call. */
  readonly methodArn: pulumi.Output<string>;
  /** Name of the private bucket holding the document. */
  readonly bucketName: pulumi.Output<string>;
  /** The rendered resource policy (canonical JSON). */
  readonly resourcePolicy: pulumi.Output<string>;

  constructor(name: string, args: HolidaysApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("holidays:index:HolidaysApi", name, {}, opts);

    const data = createDataStore(name, args, this);
    const api = new apigateway.RestApi(`${name}-api`, {
      description: "Japanese public holidays (IAM-authorized)",
      // A REGIONAL REST API answers IPv4 only unless its IP address type is dualstack, so IPv6 entries of
      // sourceIpAllowList could never match ("IP address types for REST APIs in API Gateway": "The
      // default IP address type for all Regional and edge-optimized APIs is IPv4").
      endpointConfiguration: { types: "REGIONAL", ipAddressType: "dualstack" },
    }, { parent: this });
    const route = createRoute(name, api, this);
    const s3Integration = createS3Integration(name, args.region, api, route, data, this);
    const responses = createResponses(name, api, route, s3Integration, this);
    const thisMethodArn = api.executionArn.apply((arn) => methodArn(arn, args.stageName, HTTP_METHOD, HOLIDAYS_PATH));
    const policy = createResourcePolicy(name, args, api, thisMethodArn, this);
    const stage = createDeploymentAndStage(name, args.stageName, api, { policy, route, s3Integration, responses }, this);

    this.restApiId = api.id;
    this.executionArn = api.executionArn;
    this.invokeUrl = stage.invokeUrl;
    this.dataUrl = pulumi.interpolate`${stage.invokeUrl}/${HOLIDAYS_PATH}`;
    this.methodArn = thisMethodArn;
    this.bucketName = data.bucket.bucket;
    this.resourcePolicy = policy.policy;
    this.registerOutputs({
      restApiId: this.restApiId,
      executionArn: this.executionArn,
      invokeUrl: this.invokeUrl,
      dataUrl: this.dataUrl,
      methodArn: this.methodArn,
      bucketName: this.bucketName,
      resourcePolicy: this.resourcePolicy,
    });
  }
}

/**
 * A private, versioned, encrypted, TLS-only bucket whose noncurrent versions expire, and the data object
 * in it. The object is written only after versioning, encryption and ownership are in force: an object
 * written before versioning takes effect keeps a `null` version, and a bucket left with versions makes
 * a destroy fail with BucketNotEmpty. `dataRetention` decides what a destroy does (see HolidaysApiArgs).
 */
function createDataStore(name: string, args: HolidaysApiArgs, parent: pulumi.Resource): DataStore {
  const { retainOnDelete, forceDestroy } = retentionChoice(args.dataRetention ?? "retain");
  // One options object for the bucket and every resource that configures it.
  const keep: pulumi.CustomResourceOptions = { parent, retainOnDelete };
  const bucket = new s3.Bucket(`${name}-data`, { forceDestroy }, keep);
  const publicAccessBlock = new s3.BucketPublicAccessBlock(`${name}-data`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  }, keep);
  const ownership = new s3.BucketOwnershipControls(`${name}-data`, {
    bucket: bucket.id,
    rule: { objectOwnership: "BucketOwnerEnforced" },
  }, keep);
  const encryption = new s3.BucketServerSideEncryptionConfiguration(`${name}-data`, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
  }, keep);
  const versioning = new s3.BucketVersioning(`${name}-data`, {
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  }, keep);
  new s3.BucketLifecycleConfiguration(`${name}-data`, {
    bucket: bucket.id,
    rules: [{
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    }],
  }, { ...keep, dependsOn: [versioning] });
  new s3.BucketPolicy(`${name}-data-tls-only`, {
    bucket: bucket.id,
    policy: bucket.arn.apply((arn) => renderPolicy(tlsOnlyBucketPolicy(arn))),
  }, { ...keep, dependsOn: [publicAccessBlock] });
  const object = new s3.BucketObjectv2(`${name}-data-json`, {
    bucket: bucket.id,
    key: HOLIDAYS_PATH,
    content: args.dataDocument,
    contentType: HOLIDAYS_CONTENT_TYPE,
    serverSideEncryption: "AES256",
  }, { ...keep, dependsOn: [versioning, encryption, ownership, publicAccessBlock] });
  return { bucket, object };
}

/** Days a replaced version of data.json is kept (each `pulumi up` that changes the data leaves one). */
const NONCURRENT_VERSION_DAYS = 30;

/** One `aws.apigateway.Resource` per path segment, and the AWS_IAM-authorized GET method on the last. */
function createRoute(name: string, api: apigateway.RestApi, parent: pulumi.Resource): Route {
  const segmentNames = ["api-segment", "v1-segment", "data-segment"];
  let parentId: pulumi.Input<string> = api.rootResourceId;
  let resource: apigateway.Resource | undefined;
  const pathResources: apigateway.Resource[] = [];
  for (const [i, pathPart] of pathSegments().entries()) {
    resource = new apigateway.Resource(`${name}-${segmentNames[i] ?? `segment-${i}`}`, { restApi: api.id, parentId, pathPart }, { parent });
    pathResources.push(resource);
    parentId = resource.id;
  }
  if (!resource) throw new Error(`createRoute: ${HOLIDAYS_PATH} has no path segment`);
  const method = new apigateway.Method(`${name}-get`, {
    restApi: api.id,
    resourceId: resource.id,
    httpMethod: HTTP_METHOD,
    authorization: "AWS_IAM",
  }, { parent });
  return { pathResources, resource, method };
}

/** The `AWS` integration that reads the object through a role only API Gateway may assume, allowed one object only. */
function createS3Integration(name: string, region: string, api: apigateway.RestApi, route: Route, data: DataStore, parent: pulumi.Resource): S3Integration {
  const role = new iam.Role(`${name}-s3-read`, {
    description: "Assumed by API Gateway to read the holidays document",
    assumeRolePolicy: renderPolicy(apiGatewayTrustPolicy()),
  }, { parent });
  const rolePolicy = new iam.RolePolicy(`${name}-s3-read`, {
    role: role.id,
    policy: data.bucket.arn.apply((arn) => renderPolicy(readObjectPolicy(arn, HOLIDAYS_PATH))),
  }, { parent });
  const uri = data.bucket.bucket.apply((bucket) => s3IntegrationUri(region, bucket, HOLIDAYS_PATH));
  const integration = new apigateway.Integration(`${name}-get-s3`, {
    restApi: api.id,
    resourceId: route.resource.id,
    httpMethod: route.method.httpMethod,
    type: "AWS",
    integrationHttpMethod: "GET",
    uri,
    credentials: role.arn,
    passthroughBehavior: "WHEN_NO_MATCH",
  }, { parent, dependsOn: [rolePolicy] });
  return { integration, uri, role };
}

/** A method response and an integration response per entry of the responses table (lib/api). */
function createResponses(name: string, api: apigateway.RestApi, route: Route, s3Integration: S3Integration, parent: pulumi.Resource): pulumi.CustomResource[] {
  const created: pulumi.CustomResource[] = [];
  for (const r of RESPONSES) {
    const methodResponse = new apigateway.MethodResponse(`${name}-get-${r.statusCode}`, {
      restApi: api.id,
      resourceId: route.resource.id,
      httpMethod: route.method.httpMethod,
      statusCode: r.statusCode,
      responseParameters: { "method.response.header.Content-Type": true },
    }, { parent });
    const integrationResponse = new apigateway.IntegrationResponse(`${name}-get-${r.statusCode}`, {
      restApi: api.id,
      resourceId: route.resource.id,
      httpMethod: route.method.httpMethod,
      statusCode: methodResponse.statusCode,
      selectionPattern: r.selectionPattern,
      responseParameters: { "method.response.header.Content-Type": contentTypeMapping(r) },
      responseTemplates: r.template ? { "application/json": r.template } : undefined,
    }, { parent, dependsOn: [s3Integration.integration] });
    created.push(methodResponse, integrationResponse);
  }
  return created;
}

/** The resource policy (lib/policy `apiResourcePolicy`) on the API. */
function createResourcePolicy(
  name: string, args: HolidaysApiArgs, api: apigateway.RestApi, thisMethodArn: pulumi.Output<string>, parent: pulumi.Resource,
): apigateway.RestApiPolicy {
  const policyText = pulumi
    .all([api.executionArn, thisMethodArn, args.invokerArns, args.sourceIpAllowList ?? [], args.exclusive ?? true, args.principalOrgId])
    .apply(([executionArn, mArn, invokers, sourceIpAllowList, exclusive, principalOrgId]) =>
      renderPolicy(apiResourcePolicy({ executionArn, methodArn: mArn, invokers, sourceIpAllowList, exclusive, principalOrgId })),
    );
  return new apigateway.RestApiPolicy(`${name}-policy`, { restApiId: api.id, policy: policyText }, { parent });
}

/**
 * The deployment snapshots the API definition: the policy, the path resources, methods, integrations
 * and responses. It depends on those *resources* (not only their text) so it is created after they are
 * applied (terraform-provider-aws #20811), and its trigger hashes every property of each of them, so a
 * change to any input (integration type, integrationHttpMethod, passthroughBehavior, response parameters
 * or templates, …) replaces it (create-before-delete: the stage is never left without one). A
 * hand-picked list would miss whatever nobody thought to add.
 */
function createDeploymentAndStage(
  name: string,
  stageName: string,
  api: apigateway.RestApi,
  definition: { policy: apigateway.RestApiPolicy; route: Route; s3Integration: S3Integration; responses: pulumi.CustomResource[] },
  parent: pulumi.Resource,
): apigateway.Stage {
  const { policy, route, s3Integration, responses } = definition;
  const definitionResources: pulumi.CustomResource[] = [policy, ...route.pathResources, route.method, s3Integration.integration, ...responses];
  const fingerprint = pulumi
    .all(definitionResources.map((r) => pulumi.all([typeOf(r), propertiesOf(r)])))
    .apply((parts) => deploymentFingerprint(parts.map(([type, properties]) => ({ type, properties }))));
  const deployment = new apigateway.Deployment(`${name}-deployment`, {
    restApi: api.id,
    description: "Managed by Pulumi; replaced whenever the policy or API definition changes",
    triggers: { redeployment: fingerprint },
  }, { parent, dependsOn: definitionResources });
  return new apigateway.Stage(`${name}-stage`, { restApi: api.id, deployment: deployment.id, stageName }, { parent });
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
