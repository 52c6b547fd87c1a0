/** `npm run call`: the awscurl-like CLI, against the local gateway with credentials from the environment. */
import { strict as assert } from "node:assert";
import { AccessDeniedError } from "../../sigv4/errors";
import { call, parseCallArgs } from "../../tools/call";
import { CommandError, UsageError } from "../../tools/cli/args";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { buildPlan } from "../../twin/plan";
import { withEnv } from "../helpers/loadBundle";

describe("npm run call", () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await startGateway(await buildPlan("dev"));
  });
  after(() => gw.close());

  it("parses <url> [--region R] [--profile P] [--presign [--expires S]]", () => {
    assert.deepEqual(parseCallArgs(["https://x.execute-api.ap-northeast-1.amazonaws.com/dev/a", "--profile", "b"]), {
      url: "https://x.execute-api.ap-northeast-1.amazonaws.com/dev/a",
      profile: "b",
    });
    assert.deepEqual(parseCallArgs(["u", "--presign", "--expires", "600"]), { url: "u", presign: true, expires: 600 });
    assert.throws(() => parseCallArgs([]), /^UsageError: missing <url>: the URL to GET/);
    assert.throws(() => parseCallArgs(["u", "--region"]), /--region needs a value \(REGION\)/);
    assert.throws(() => parseCallArgs(["u", "--bogus"]), /unknown option --bogus\. Run `npm run call -- --help` for usage\./);
    assert.throws(() => parseCallArgs(["u", "v"]), /unexpected argument "v"/);
    // SigV4 presigned URLs live 1 s to 7 days (S3 API Reference, "Authenticating Requests: Using Query Parameters").
    for (const bad of ["0", "604801", "1e3", "60s"])
      assert.throws(() => parseCallArgs(["u", "--presign", "--expires", bad]), /--expires ".*": expected whole seconds, 1-604800/);
  });

  it("names its own arguments in errors, not the Lambda's environment variables", async () => {
    await assert.rejects(
      call({ url: "not-a-url" }),
      (err: Error) => err instanceof UsageError && /^<url> "not-a-url" is not a valid URL/.test(err.message),
    );
    const restore = withEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
    try {
      await assert.rejects(
        call({ url: gw.dataUrl }),
        (err: Error) =>
          err instanceof UsageError &&
          /Cannot tell the signing region for 127\.0\.0\.1:\d+: pass --region REGION/.test(err.message) &&
          !/API_/.test(err.message),
      );
    } finally {
      restore();
    }
  });

  it("names the profile when --profile has no credentials", async () => {
    const restore = withEnv({
      AWS_CONFIG_FILE: "/nonexistent/config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
      AWS_PROFILE: undefined,
    });
    try {
      await assert.rejects(
        call({ url: gw.dataUrl, region: gw.region, profile: "nosuch" }),
        (err: Error) =>
          err instanceof CommandError &&
          /^--profile nosuch: .*\[nosuch\].* Looked in \/nonexistent\/config and \/nonexistent\/credentials\. Fix: `aws configure --profile nosuch`/.test(
            err.message,
          ),
      );
    } finally {
      restore();
    }
  });

  for (const [who, index, expectAllowed] of [
    ["the allowed role", 0, true],
    ["a denied role", 1, false],
  ] as const) {
    it(`signs with the local credential chain as ${who}`, async () => {
      const id = gw.identities[index];
      const restore = withEnv({
        AWS_ACCESS_KEY_ID: id.accessKeyId,
        AWS_SECRET_ACCESS_KEY: id.secretAccessKey,
        AWS_SESSION_TOKEN: id.sessionToken,
        AWS_PROFILE: undefined,
      });
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
