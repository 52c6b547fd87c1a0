import * as pulumi from "@pulumi/pulumi";
import * as apigateway from "@pulumi/aws/apigateway";
import * as wafv2 from "@pulumi/aws/wafv2";
import { HolidaysApi } from "../../components";

/**
 * Extends a HolidaysApi without forking it: throttling and CloudWatch metrics on every method of its
 * stage, and a WAF web ACL (scope REGIONAL) in front of the stage. Pass the provider of account A.
 */
export function extendStage(api: HolidaysApi, webAclArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions) {
  const methodSettings = new apigateway.MethodSettings(
    "holidays-throttling",
    {
      restApi: api.restApi.id,
      stageName: api.stage.stageName,
      methodPath: "*/*",
      settings: { throttlingRateLimit: 10, throttlingBurstLimit: 20, metricsEnabled: true },
    },
    opts,
  );
  const webAcl = new wafv2.WebAclAssociation("holidays-waf", { resourceArn: api.stage.arn, webAclArn }, opts);
  return { methodSettings, webAcl };
}
