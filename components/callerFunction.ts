import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as lambda from "@pulumi/aws/lambda";
import { bundleCaller } from "../lambda/bundle";
import { parseArn } from "../lib/arn";
import { problemLine, show } from "../lib/config";
import { invokeMethodPolicy, lambdaTrustPolicy, lambdaVpcAccessPolicy, renderPolicy, writeLogsPolicy } from "../lib/policy";

/** The Lambda runtimes the bundle (esbuild target node20) runs on. */
export const CALLER_RUNTIMES: readonly string[] = ["nodejs20.x", "nodejs22.x"];

export interface CallerFunctionArgs {
  /** Full URL of the holidays document the function calls (the API's `dataUrl`). */
  apiUrl: pulumi.Input<string>;
  /** Region the API lives in: the SigV4 signing region. */
  apiRegion: pulumi.Input<string>;
  /** ARNs of the API's GET routes the role may invoke (the API's `methodArns`); a `*` only for a path parameter. */
  methodArns: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Log retention in days.
   * @default 14
   */
  logRetentionInDays?: pulumi.Input<number>;
  /**
   * Lambda runtime: `nodejs20.x` or `nodejs22.x` (the bundle targets Node.js 20). A string, so that
   * every Pulumi language can pass it; checked when the component is declared.
   * @default "nodejs22.x"
   */
  runtime?: string;
  /**
   * Function timeout in seconds.
   * @default 10
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Run the function in a VPC (for a private API: the subnets and security groups of `CallerNetwork`).
   * The function must then be in the API's region, `apiRegion`: an execute-api endpoint serves its own region.
   * The role gets the network-interface permissions Lambda needs there (lib/policy `lambdaVpcAccessPolicy`).
   * @default undefined (no VPC: the function reaches the API over the internet)
   */
  vpcConfig?: CallerVpcConfig;
}

/** Where the function's network interfaces go. */
export interface CallerVpcConfig {
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * Account B: the caller Lambda (the bundled `lambda/handler.ts`), its role, its log group and the identity
 * policy that lets the role invoke exactly the given API methods, signed with SigV4.
 */
export class CallerFunction extends pulumi.ComponentResource {
  /** The Lambda function. */
  readonly function: lambda.Function;
  /** Its execution role: the principal the API's resource policy allows. */
  readonly role: iam.Role;
  /** The log group the function writes to (JSON logs). */
  readonly logGroup: cloudwatch.LogGroup;

  /** ARN of the function's execution role. */
  readonly roleArn: pulumi.Output<string>;
  /** Name of the Lambda function. */
  readonly functionName: pulumi.Output<string>;
  /** ARN of the Lambda function. */
  readonly functionArn: pulumi.Output<string>;
  /** Name of the function's log group. */
  readonly logGroupName: pulumi.Output<string>;
  /** The role's rendered identity policy (canonical JSON). */
  readonly invokePolicy: pulumi.Output<string>;
  /**
   * The role's network-interface permissions when the function runs in a VPC. Whatever holds the
   * function's subnets and security groups should depend on it: on destroy, Lambda deletes the function's
   * network interfaces with this role, so the role must outlive them (Lambda Developer Guide, "Lambda Hyperplane ENIs").
   */
  readonly vpcAccessPolicy?: iam.RolePolicy;

  constructor(name: string, args: CallerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("holidays:index:CallerFunction", name, {}, opts);
    const runtime = checkArgs(name, args, this);

    const role = createRole(name, this);
    const logGroup = createLogGroup(name, args, this);
    const policies = createRolePolicies(name, role, logGroup, args, this);
    const fn = createFunction(name, args, runtime, role, logGroup, policies, this);

    this.function = fn;
    this.role = role;
    this.logGroup = logGroup;
    this.roleArn = role.arn;
    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.logGroupName = logGroup.name;
    this.invokePolicy = policies.invoke.policy;
    this.vpcAccessPolicy = policies.vpcAccess;
    this.registerOutputs({
      roleArn: this.roleArn,
      functionName: this.functionName,
      functionArn: this.functionArn,
      logGroupName: this.logGroupName,
      invokePolicy: this.invokePolicy,
    });
  }
}

/** The plain args a user can get wrong, checked before any child exists; returns the runtime. */
function checkArgs(name: string, args: CallerFunctionArgs, self: pulumi.Resource): string {
  const runtime = args.runtime ?? "nodejs22.x";
  if (!CALLER_RUNTIMES.includes(runtime)) {
    const problem = {
      key: "runtime",
      value: show(runtime),
      expected: `one of ${CALLER_RUNTIMES.join(", ")}`,
      fix: 'pass runtime: "nodejs22.x"',
    };
    throw new pulumi.ResourceError(`${name}: ${problemLine(problem)}`, self);
  }
  // Lambda's timeout is 1-900 seconds ("Configure Lambda function timeout", AWS Lambda Developer Guide).
  const timeout = args.timeoutSeconds;
  if (typeof timeout === "number" && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 900)) {
    const problem = {
      key: "timeoutSeconds",
      value: show(timeout),
      expected: "a whole number of seconds from 1 to 900",
      fix: "pass timeoutSeconds: 10",
    };
    throw new pulumi.ResourceError(`${name}: ${problemLine(problem)}`, self);
  }
  return runtime;
}

function createRole(name: string, parent: pulumi.Resource): iam.Role {
  return new iam.Role(
    `${name}-role`,
    {
      description: "Execution role of the holidays caller; the API's resource policy names this role",
      assumeRolePolicy: renderPolicy(lambdaTrustPolicy()),
    },
    { parent },
  );
}

function createLogGroup(name: string, args: CallerFunctionArgs, parent: pulumi.Resource): cloudwatch.LogGroup {
  return new cloudwatch.LogGroup(
    `${name}-logs`,
    { namePrefix: `/holidays-api/${name}-`, retentionInDays: args.logRetentionInDays ?? 14 },
    { parent },
  );
}

interface RolePolicies {
  logs: iam.RolePolicy;
  invoke: iam.RolePolicy;
  vpcAccess?: iam.RolePolicy;
}

/** The role's inline policies: write its own logs, invoke exactly the given method ARNs, and (in a VPC) manage its ENIs. */
function createRolePolicies(
  name: string,
  role: iam.Role,
  logGroup: cloudwatch.LogGroup,
  args: CallerFunctionArgs,
  parent: pulumi.Resource,
): RolePolicies {
  const logs = new iam.RolePolicy(
    `${name}-logs`,
    { role: role.id, policy: logGroup.arn.apply((arn) => renderPolicy(writeLogsPolicy(arn))) },
    { parent },
  );
  const invoke = new iam.RolePolicy(
    `${name}-invoke`,
    { role: role.id, policy: pulumi.output(args.methodArns).apply((arns) => renderPolicy(invokeMethodPolicy(arns))) },
    { parent },
  );
  // Lambda checks the role may create network interfaces when the function is created ("The provided execution
  // role does not have permissions to call CreateNetworkInterface on EC2", aws-samples/data-perimeter-policy-examples#63).
  const vpcAccess = args.vpcConfig
    ? new iam.RolePolicy(
        `${name}-vpc-access`,
        {
          role: role.id,
          policy: pulumi.all([role.arn, args.apiRegion]).apply(([roleArn, region]) => {
            const arn = parseArn(roleArn);
            if (!arn) throw new Error(`CallerFunction: role ARN ${roleArn} does not parse`);
            return renderPolicy(lambdaVpcAccessPolicy({ partition: arn.partition, region, accountId: arn.accountId }));
          }),
        },
        { parent },
      )
    : undefined;
  return { logs, invoke, vpcAccess };
}

function createFunction(
  name: string,
  args: CallerFunctionArgs,
  runtime: string,
  role: iam.Role,
  logGroup: cloudwatch.LogGroup,
  policies: RolePolicies,
  parent: pulumi.Resource,
): lambda.Function {
  const bundle = bundleCaller();
  return new lambda.Function(
    `${name}-fn`,
    {
      description: "Calls the holidays API with SigV4 (execute-api) and returns the holidays",
      role: role.arn,
      runtime,
      architectures: ["arm64"],
      handler: "index.handler",
      memorySize: 256,
      timeout: args.timeoutSeconds ?? 10,
      // Every file of the bundle: index.js and the credential chain it loads only when needed.
      code: new pulumi.asset.AssetArchive(
        Object.fromEntries(Object.entries(bundle.files).map(([file, code]) => [file, new pulumi.asset.StringAsset(code)])),
      ),
      environment: { variables: { API_URL: args.apiUrl, API_REGION: args.apiRegion } },
      // Lambda stores and reads back INFO/INFO log levels with logFormat JSON: stated, so previews show no diff
      // (hashicorp/terraform-provider-aws#35301, #42181).
      loggingConfig: { logFormat: "JSON", applicationLogLevel: "INFO", systemLogLevel: "INFO", logGroup: logGroup.name },
      vpcConfig: args.vpcConfig ? { subnetIds: args.vpcConfig.subnetIds, securityGroupIds: args.vpcConfig.securityGroupIds } : undefined,
    },
    { parent, dependsOn: [policies.logs, policies.invoke, ...(policies.vpcAccess ? [policies.vpcAccess] : [])] },
  );
}
