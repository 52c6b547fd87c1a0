import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";

// "organization/holidays-api/dev" with the local backend; "<your-org>/holidays-api/dev" with Pulumi Cloud.
const holidays = new pulumi.StackReference("organization/holidays-api/dev");
const methodArn = holidays.requireOutput("methodArn") as pulumi.Output<string>;
const dataUrl = holidays.requireOutput("dataUrl") as pulumi.Output<string>;

// A role of yours that may call the API (here a Lambda's role), granted the one method.
const myRole = new iam.Role("holidays-reader", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
new iam.RolePolicy("invoke-holidays", {
  role: myRole.id,
  policy: methodArn.apply((arn) => JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "execute-api:Invoke", Resource: arn }],
  })),
});

export const holidaysUrl = dataUrl;
export const readerRoleArn = myRole.arn; // add it to holidays-api:invokers, then `pulumi up` the API's stack
