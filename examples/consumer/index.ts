/**
 * A consumer project: reads the holidays API's `dataUrl`, `methodArn` and `region` through a
 * StackReference and deploys its own caller with the holidays-api `CallerFunction` component.
 * It exports `callerRoleArn`, which holidays-api reads back through its `invokerStacks` config.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/aws/provider";
import { CallerFunction } from "../../components";

const config = new pulumi.Config();
const holidays = new pulumi.StackReference(config.require("holidaysStack"));
const region = holidays.requireOutput("region") as pulumi.Output<string>;

const accountId = config.get("accountId");
const provider = new Provider("consumer", {
  region,
  profile: config.get("profile"),
  allowedAccountIds: accountId ? [accountId] : undefined,
});

const caller = new CallerFunction(
  "consumer",
  {
    apiUrl: holidays.requireOutput("dataUrl") as pulumi.Output<string>,
    apiRegion: region,
    // Exactly the route it calls (data.json); the stack's `methodArns` lists every route, {year} included.
    methodArns: (holidays.requireOutput("methodArn") as pulumi.Output<string>).apply((arn) => [arn]),
  },
  { provider },
);

export const callerRoleArn = caller.roleArn;
export const callerFunctionName = caller.functionName;
