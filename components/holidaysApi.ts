import * as pulumi from "@pulumi/pulumi";
import * as apigateway from "@pulumi/aws/apigateway";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import { methodArn, partitionOf } from "../lib/arn";
import { deploymentFingerprint } from "../lib/fingerprint";
import { HOLIDAYS_CONTENT_TYPE, HOLIDAYS_PATH } from "../lib/holidays";
import { apiGatewayTrustPolicy, apiResourcePolicy, readObjectPolicy, renderPolicy, tlsOnlyBucketPolicy } from "../lib/policy";

export interface HolidaysApiArgs {
  /** AWS region of the API; used in the S3 integration URI. */
  region: string;
  /** The exact bytes of `api/v1/data.json` (see `holidaysDocument`). */
  dataDocument: pulumi.Input<string>;
  /** Stage name, e.g. `dev`; part of the invoke URL and of the method ARN. */
  stageName: string;
  /** Principals (role/user/account-root ARNs) allowed to invoke `GET /api/v1/data.json`. */
  invokerArns: pulumi.Input<pulumi.Input<string>[]>;
  /** When non-empty, deny requests from any source address outside these CIDRs. */
  sourceIpAllowList?: string[];
  /** Deny every principal that is not an invoker, even administrators of this account. Default true. */
  exclusive?: boolean;
  /** Only principals of this AWS Organization may invoke. */
  principalOrgId?: string;
}

const HTTP_METHOD = "GET";

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
    const parent = { parent: this };

    // --- Private, versioned, encrypted, TLS-only bucket ---------------------------------------
    const bucket = new s3.Bucket(`${name}-data`, { forceDestroy: false }, parent);
    const publicAccessBlock = new s3.BucketPublicAccessBlock(`${name}-data`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);
    new s3.BucketOwnershipControls(`${name}-data`, {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }, parent);
    new s3.BucketServerSideEncryptionConfiguration(`${name}-data`, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, parent);
    new s3.BucketVersioning(`${name}-data`, {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    }, parent);
    new s3.BucketPolicy(`${name}-data-tls-only`, {
      bucket: bucket.id,
      policy: bucket.arn.apply((arn) => renderPolicy(tlsOnlyBucketPolicy(arn))),
    }, { parent: this, dependsOn: [publicAccessBlock] });
    new s3.BucketObjectv2(`${name}-data-json`, {
      bucket: bucket.id,
      key: HOLIDAYS_PATH,
      content: args.dataDocument,
      contentType: HOLIDAYS_CONTENT_TYPE,
      serverSideEncryption: "AES256",
    }, parent);

    // --- REST API: /api/v1/data.json ------------------------------------------------------------
    const api = new apigateway.RestApi(`${name}-api`, {
      description: "Japanese public holidays (IAM-authorized)",
      endpointConfiguration: { types: "REGIONAL" },
    }, parent);
    const [apiSegment, versionSegment, fileSegment] = HOLIDAYS_PATH.split("/");
    const apiResource = new apigateway.Resource(`${name}-api-segment`, { restApi: api.id, parentId: api.rootResourceId, pathPart: apiSegment }, parent);
    const versionResource = new apigateway.Resource(`${name}-v1-segment`, { restApi: api.id, parentId: apiResource.id, pathPart: versionSegment }, parent);
    const dataResource = new apigateway.Resource(`${name}-data-segment`, { restApi: api.id, parentId: versionResource.id, pathPart: fileSegment }, parent);

    const method = new apigateway.Method(`${name}-get`, {
      restApi: api.id,
      resourceId: dataResource.id,
      httpMethod: HTTP_METHOD,
      authorization: "AWS_IAM",
    }, parent);

    // API Gateway reads the object through a role only this API may assume, allowed one object only.
    const s3Role = new iam.Role(`${name}-s3-read`, {
      description: "Assumed by API Gateway to read the holidays document",
      assumeRolePolicy: api.executionArn.apply((arn) => renderPolicy(apiGatewayTrustPolicy(arn))),
    }, parent);
    const s3RolePolicy = new iam.RolePolicy(`${name}-s3-read`, {
      role: s3Role.id,
      policy: bucket.arn.apply((arn) => renderPolicy(readObjectPolicy(arn, HOLIDAYS_PATH))),
    }, parent);

    const integrationUri = pulumi.interpolate`arn:${partitionOf(args.region)}:apigateway:${args.region}:s3:path/${bucket.bucket}/${HOLIDAYS_PATH}`;
    const integration = new apigateway.Integration(`${name}-get-s3`, {
      restApi: api.id,
      resourceId: dataResource.id,
      httpMethod: method.httpMethod,
      type: "AWS",
      integrationHttpMethod: "GET",
      uri: integrationUri,
      credentials: s3Role.arn,
      passthroughBehavior: "WHEN_NO_MATCH",
    }, { parent: this, dependsOn: [s3RolePolicy] });

    // Responses: pass Content-Type on success; map S3 errors to bodies that never name the bucket.
    const responses = [
      { statusCode: "200", selectionPattern: undefined, template: undefined },
      { statusCode: "404", selectionPattern: "4\\d{2}", template: JSON.stringify({ message: "Not Found" }) },
      { statusCode: "502", selectionPattern: "5\\d{2}", template: JSON.stringify({ message: "Bad Gateway" }) },
    ];
    const responseResources: pulumi.Resource[] = [];
    for (const r of responses) {
      const methodResponse = new apigateway.MethodResponse(`${name}-get-${r.statusCode}`, {
        restApi: api.id,
        resourceId: dataResource.id,
        httpMethod: method.httpMethod,
        statusCode: r.statusCode,
        responseParameters: { "method.response.header.Content-Type": true },
      }, parent);
      const integrationResponse = new apigateway.IntegrationResponse(`${name}-get-${r.statusCode}`, {
        restApi: api.id,
        resourceId: dataResource.id,
        httpMethod: method.httpMethod,
        statusCode: methodResponse.statusCode,
        selectionPattern: r.selectionPattern,
        responseParameters: {
          "method.response.header.Content-Type": r.template ? "'application/json'" : "integration.response.header.Content-Type",
        },
        responseTemplates: r.template ? { "application/json": r.template } : undefined,
      }, { parent: this, dependsOn: [integration] });
      responseResources.push(methodResponse, integrationResponse);
    }

    // --- Resource policy, deployment, stage -----------------------------------------------------
    const thisMethodArn = api.executionArn.apply((arn) => methodArn(arn, args.stageName, HTTP_METHOD, HOLIDAYS_PATH));
    const policyText = pulumi
      .all([api.executionArn, thisMethodArn, args.invokerArns])
      .apply(([executionArn, mArn, invokers]) =>
        renderPolicy(apiResourcePolicy({
          executionArn,
          methodArn: mArn,
          invokers,
          sourceIpAllowList: args.sourceIpAllowList,
          exclusive: args.exclusive ?? true,
          principalOrgId: args.principalOrgId,
        })),
      );
    const policy = new apigateway.RestApiPolicy(`${name}-policy`, { restApiId: api.id, policy: policyText }, parent);

    // The deployment snapshots policy + methods + integrations. It depends on the policy *resource*
    // (not only its text) so it is created after the policy is applied, and its triggers hash all of
    // it, so any change replaces it (create-before-delete: the stage is never left without one).
    const fingerprint = pulumi
      .all([policyText, integrationUri, s3Role.arn, method.authorization, dataResource.path])
      .apply(([policyJson, uri, credentials, authorization, path]) =>
        deploymentFingerprint({ policyJson, uri, credentials, authorization, path, httpMethod: HTTP_METHOD, responses }));
    const deployment = new apigateway.Deployment(`${name}-deployment`, {
      restApi: api.id,
      description: "Managed by Pulumi; replaced whenever the policy or API definition changes",
      triggers: { redeployment: fingerprint },
    }, { parent: this, dependsOn: [policy, method, integration, ...responseResources] });
    const stage = new apigateway.Stage(`${name}-stage`, {
      restApi: api.id,
      deployment: deployment.id,
      stageName: args.stageName,
    }, parent);

    this.restApiId = api.id;
    this.executionArn = api.executionArn;
    this.invokeUrl = stage.invokeUrl;
    this.dataUrl = pulumi.interpolate`${stage.invokeUrl}/${HOLIDAYS_PATH}`;
    this.methodArn = thisMethodArn;
    this.bucketName = bucket.bucket;
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
