/**
 * holidays-api: account A serves the Japanese public-holidays API behind AWS_IAM; account B runs the
 * caller Lambda whose role the API's resource policy allows. Config → settings → components → outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { CallerFunction } from "./components/callerFunction";
import { CallerNetwork } from "./components/callerNetwork";
import { HolidaysApi } from "./components/holidaysApi";
import { accountProvider } from "./components/accountProvider";
import { ConfigError, Settings, parseSettings, rawConfigFromFlat } from "./lib/config";
import { dataObjects } from "./lib/api";
import { classifyInvokerOutput } from "./lib/invokerStacks";

/**
 * Validates all config before declaring a resource, so bad config never leaves a half-made stack; a
 * `pulumi.RunError` prints as its message alone, no stack trace (RunError's doc, @pulumi/pulumi errors.ts).
 */
function readSettings(): Settings {
  try {
    const allConfig = pulumi.runtime.allConfig();
    return parseSettings(rawConfigFromFlat(allConfig, pulumi.getProject()), { project: pulumi.getProject(), allConfig });
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
const settings = readSettings();

// Principals other stacks export (invokerStacks): a missing output warns (not deployed yet), a bad one stops
// the program; both providers wait for these reads, so nothing is created before a bad output fails.
const invokerStackRefs = new Map<string, pulumi.StackReference>();
for (const { stack } of settings.invokerStacks) {
  if (!invokerStackRefs.has(stack)) invokerStackRefs.set(stack, new pulumi.StackReference(stack));
}
const stackInvokers = settings.invokerStacks.map((entry) =>
  (invokerStackRefs.get(entry.stack) as pulumi.StackReference)
    .getOutput(entry.output)
    .apply((value) => classifyInvokerOutput(entry, value, settings.partition)),
);
const stackInvokerArns = pulumi.all(stackInvokers).apply((found) => found.flatMap((f) => (f.kind === "principal" ? [f.arn] : [])));
// Resolves to the StackReferences once every output is checked; rejects (RunError: message only, no
// stack trace) on the first output that is not a principal ARN.
const invokerStacksChecked = pulumi.all(stackInvokers).apply((found) => {
  const invalid = found.find((f) => f.kind === "invalid");
  if (invalid) throw new pulumi.RunError(invalid.message);
  for (const f of found) if (f.kind === "missing") void pulumi.log.warn(f.message);
  return [...invokerStackRefs.values()];
});
const afterInvokerStacks = invokerStackRefs.size > 0 ? { dependsOn: invokerStacksChecked } : undefined;

const providerA = accountProvider("accountA", settings.region, settings.accountA, afterInvokerStacks);
const providerB = settings.accountB ? accountProvider("accountB", settings.region, settings.accountB, afterInvokerStacks) : providerA;

// The API's policy needs the caller role's ARN, and the caller needs the API's URL: the role ARN is a
// deferred output, resolved once the caller exists. No resource depends on itself:
// role → API policy → deployment → stage → function.
const [callerRoleArnDeferred, resolveCallerRoleArn] = pulumi.deferredOutput<string>();

// A private API (endpointType private): account B's endpoint id flows into the API's policy the same way,
// and the caller's subnets and security groups into its vpcConfig. Order: API → caller (its role first) →
// network (after the role's network-interface policy, which must outlive it on destroy) → endpoint policy.
const isPrivate = settings.endpointType === "private";
const [vpcEndpointIdDeferred, resolveVpcEndpointId] = pulumi.deferredOutput<string>();
const [callerSubnetIdsDeferred, resolveCallerSubnetIds] = pulumi.deferredOutput<string[]>();
const [callerSecurityGroupIdsDeferred, resolveCallerSecurityGroupIds] = pulumi.deferredOutput<string[]>();

const api = new HolidaysApi(
  "holidays",
  {
    region: settings.region,
    objects: dataObjects({ years: settings.years, names: settings.holidayNames }),
    stageName: settings.stageName,
    invokerArns: pulumi
      .all([callerRoleArnDeferred, stackInvokerArns])
      .apply(([arn, fromStacks]) => [arn, ...settings.invokers, ...fromStacks]),
    sourceIpAllowList: settings.sourceIpAllowList,
    exclusive: settings.exclusive,
    principalOrgId: settings.principalOrgId,
    dataRetention: settings.dataRetention,
    endpointType: isPrivate ? "PRIVATE" : "REGIONAL",
    allowedVpcEndpointIds: isPrivate ? vpcEndpointIdDeferred.apply((id) => [id, ...settings.allowedVpcEndpoints]) : undefined,
  },
  { provider: providerA },
);

const caller = new CallerFunction(
  "caller",
  {
    apiUrl: api.dataUrl,
    apiRegion: settings.region,
    methodArns: api.methodArns,
    vpcConfig: isPrivate ? { subnetIds: callerSubnetIdsDeferred, securityGroupIds: callerSecurityGroupIdsDeferred } : undefined,
  },
  { provider: providerB },
);
resolveCallerRoleArn(caller.roleArn);

const network = isPrivate
  ? new CallerNetwork(
      "caller-network",
      {
        region: settings.region,
        subnetIds: settings.callerVpc?.subnetIds,
        securityGroupIds: settings.callerVpc?.securityGroupIds,
        invokerArns: [caller.roleArn],
        methodArns: api.methodArns,
      },
      { provider: providerB, dependsOn: caller.vpcAccessPolicy ? [caller.vpcAccessPolicy] : [] },
    )
  : undefined;
if (network) {
  resolveVpcEndpointId(network.vpcEndpointId);
  resolveCallerSubnetIds(network.subnetIds);
  resolveCallerSecurityGroupIds(network.lambdaSecurityGroupIds);
}

export const accountAId = settings.accountA.accountId;
export const accountBId = (settings.accountB ?? settings.accountA).accountId;
export const region = settings.region;
export const stageName = settings.stageName;
export const holidayYears = settings.years;
export const restApiId = api.restApiId;
export const executionArn = api.executionArn;
export const invokeUrl = api.invokeUrl;
export const dataUrl = api.dataUrl;
export const yearDataUrlTemplate = api.yearDataUrlTemplate;
export const methodArn = api.methodArn;
export const methodArns = api.methodArns;
export const bucketName = api.bucketName;
export const callerRoleArn = caller.roleArn;
export const callerFunctionName = caller.functionName;
export const callerFunctionArn = caller.functionArn;
/** The API's resource policy and the caller's identity policy, exactly as deployed (canonical JSON). */
export const resourcePolicy = api.resourcePolicy;
export const callerInvokePolicy = caller.invokePolicy;
/** `REGIONAL` or `PRIVATE` (holidays-api:endpointType), as declared on the REST API. */
export const endpointType = api.endpointType;
/** Private API only: the execute-api interface endpoint in account B, and the VPC it is in. */
export const vpcEndpointId = network?.vpcEndpointId;
export const callerVpcId = network?.vpcId;
export const vpcEndpointPolicy = network?.vpcEndpointPolicy;
