/** `npm run call`: the awscurl-like CLI, against the local gateway with credentials from the environment. */
import { strict as assert } from "node:assert";
import { AccessDeniedError } from "../sigv4/errors";
import { call, parseCallArgs } from "../local/call";
import { RunningGateway, startGateway } from "../local/gateway/server";
import { buildPlan } from "../local/plan";
import { withEnv } from "./helpers/loadBundle";

describe("npm run call", () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await startGateway(await buildPlan("dev"));
  });
  after(() => gw.close());

  it("parses <url> [--region R] [--profile P]", () => {
    assert.deepEqual(parseCallArgs(["https://x.execute-api.ap-northeast-1.amazonaws.com/dev/a", "--profile", "b"]), { url: "https://x.execute-api.ap-northeast-1.amazonaws.com/dev/a", profile: "b" });
    assert.throws(() => parseCallArgs([]), /Missing the URL\. usage: npm run call -- <url>/);
    assert.throws(() => parseCallArgs(["u", "--region"]), /--region needs a value/);
    assert.throws(() => parseCallArgs(["u", "--bogus"]), /Unknown option --bogus/);
  });

  for (const [who, index, expectAllowed] of [["the allowed role", 0, true], ["a denied role", 1, false]] as const) {
    it(`signs with the local credential chain as ${who}`, async () => {
      const id = gw.identities[index];
      const restore = withEnv({ AWS_ACCESS_KEY_ID: id.accessKeyId, AWS_SECRET_ACCESS_KEY: id.secretAccessKey, AWS_SESSION_TOKEN: id.sessionToken, AWS_PROFILE: undefined });
      try {
        const result = call({ url: gw.dataUrl, region: gw.region });
        if (expectAllowed) assert.deepEqual(await result, JSON.parse(gw.plan.dataDocument));
        else await assert.rejects(result, AccessDeniedError);
      } finally {
        restore();
      }
    });
  }
});
