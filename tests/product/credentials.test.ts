/** Where the caller's credentials come from: the environment Lambda sets, else the full chain. */
import { strict as assert } from "node:assert";
import { environmentCredentials, hasEnvironmentCredentials } from "../../sigv4/credentials";

describe("caller credentials", () => {
  const pair = { AWS_ACCESS_KEY_ID: "ASIAENVTEST000000001", AWS_SECRET_ACCESS_KEY: "env/secret" };

  it("uses the environment when the key pair is set and no profile is asked for", () => {
    assert.equal(hasEnvironmentCredentials(pair), true);
    assert.equal(hasEnvironmentCredentials({ ...pair, AWS_SESSION_TOKEN: "t" }), true);
  });

  it("leaves it to the full chain without the pair, or when AWS_PROFILE is set (the chain then skips the environment)", () => {
    assert.equal(hasEnvironmentCredentials({}), false);
    assert.equal(hasEnvironmentCredentials({ AWS_ACCESS_KEY_ID: pair.AWS_ACCESS_KEY_ID }), false);
    assert.equal(hasEnvironmentCredentials({ ...pair, AWS_SECRET_ACCESS_KEY: "" }), false);
    assert.equal(hasEnvironmentCredentials({ ...pair, AWS_PROFILE: "dev" }), false);
  });

  it("reads the variables the SDK's fromEnv reads", () => {
    assert.deepEqual(environmentCredentials({ ...pair, AWS_SESSION_TOKEN: "token" }), {
      accessKeyId: pair.AWS_ACCESS_KEY_ID,
      secretAccessKey: "env/secret",
      sessionToken: "token",
    });
    assert.deepEqual(
      environmentCredentials({
        ...pair,
        AWS_SESSION_TOKEN: "token",
        AWS_CREDENTIAL_EXPIRATION: "2026-01-02T03:04:05Z",
        AWS_CREDENTIAL_SCOPE: "ap-northeast-1",
        AWS_ACCOUNT_ID: "222222222222",
      }),
      {
        accessKeyId: pair.AWS_ACCESS_KEY_ID,
        secretAccessKey: "env/secret",
        sessionToken: "token",
        expiration: new Date("2026-01-02T03:04:05Z"),
        credentialScope: "ap-northeast-1",
        accountId: "222222222222",
      },
    );
    assert.deepEqual(
      environmentCredentials({ ...pair, AWS_SESSION_TOKEN: "" }),
      { accessKeyId: pair.AWS_ACCESS_KEY_ID, secretAccessKey: "env/secret" },
      "an empty token is no token",
    );
    assert.throws(() => environmentCredentials({}), /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });
});
