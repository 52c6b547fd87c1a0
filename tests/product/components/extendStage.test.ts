/**
 * The extension docs/extending.md shows (tests/snippets/extendStage.ts), run under mocks: resources a user
 * attaches to the exposed `api.stage` and `api.restApi` get that stage's ARN, name and API id.
 */
import { strict as assert } from "node:assert";
import { Provider } from "@pulumi/aws/provider";
import { HolidaysApi } from "../../../components";
import { extendStage } from "../../snippets/extendStage";
import { type Declared, type Run, byType, runMocked } from "../helpers/mocks";

const WEB_ACL = "arn:aws:wafv2:ap-northeast-1:111111111111:regional/webacl/holidays/0123abcd-0123-4567-89ab-0123456789ab";

describe("extending HolidaysApi through its children (docs/extending.md)", () => {
  let run: Run;
  const one = (type: string): Declared => {
    const found = byType(run, type);
    assert.equal(found.length, 1, `expected one ${type}`);
    return found[0];
  };
  before(async () => {
    run = await runMocked(() => {
      const provider = new Provider("account-a", { region: "ap-northeast-1", allowedAccountIds: ["111111111111"] });
      const api = new HolidaysApi(
        "h",
        {
          region: "ap-northeast-1",
          objects: [{ key: "api/v1/data.json", body: "{}\n" }],
          stageName: "test",
          invokerArns: ["arn:aws:iam::222222222222:role/caller"],
        },
        { provider },
      );
      extendStage(api, WEB_ACL, { provider });
      return {};
    });
  });

  it("associates the web ACL with the stage's ARN", () => {
    const association = one("aws:wafv2/webAclAssociation:WebAclAssociation");
    assert.equal(
      association.inputs.resourceArn,
      "arn:aws:apigateway:ap-northeast-1::/restapis/" + one("aws:apigateway/restApi:RestApi").id + "/stages/test",
    );
    assert.equal(association.inputs.resourceArn, one("aws:apigateway/stage:Stage").state.arn);
    assert.equal(association.inputs.webAclArn, WEB_ACL);
    assert.equal(association.provider, "account-a");
  });

  it("sets method settings on the stage's name of the component's REST API", () => {
    const settings = one("aws:apigateway/methodSettings:MethodSettings");
    assert.equal(settings.inputs.restApi, one("aws:apigateway/restApi:RestApi").id);
    assert.equal(settings.inputs.stageName, "test");
    assert.equal(settings.inputs.methodPath, "*/*");
    assert.deepEqual(settings.inputs.settings, { throttlingRateLimit: 10, throttlingBurstLimit: 20, metricsEnabled: true });
  });
});
