/**
 * Presigned (query-string SigV4) URLs at the local gateway: made by botocore's SigV4QueryAuth (the
 * Debian package python3-botocore), by smithy's SignatureV4.presign() (our client's presignUrl) and
 * by `npm run call -- --presign`. Expected answers are AWS's (sources in presignedQuery.ts).
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { LocalIdentity } from "../../twin/identities";
import { Plan, buildPlan } from "../../twin/plan";
import { presignUrl } from "../../sigv4/signedFetch";
import { RawResponse, send } from "../../tools/testkit/http";

const ROOT = path.join(__dirname, "..", "..");
const REGION = "ap-northeast-1";

/** The first python3 that can import botocore (Debian's python3-botocore lives under /usr/bin/python3). */
function findBotocorePython(): string | undefined {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(candidate, ["-c", "import botocore.auth"], { stdio: "ignore" });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

const BOTOCORE_PRESIGN = `
import sys, datetime as real
import botocore.auth
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, region, ak, sk, tk, age, expires = sys.argv[1:8]
past = real.timedelta(seconds=int(age))
if hasattr(botocore.auth, "get_current_datetime"):
    # Newer botocore reads the clock through botocore.compat.get_current_datetime, imported into botocore.auth.
    now = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda *a, **k: now(*a, **k) - past
else:
    # Older botocore calls datetime.datetime.utcnow() in botocore.auth itself.
    class Past(real.datetime):
        @classmethod
        def utcnow(cls):
            return real.datetime.utcnow() - past
    class Clock:
        datetime = Past
        timedelta = real.timedelta
    botocore.auth.datetime = Clock
req = AWSRequest(method="GET", url=url)
SigV4QueryAuth(Credentials(ak, sk, tk), "execute-api", region, expires=int(expires)).add_auth(req)
print(req.url)
`;

describe("presigned URLs at the gateway (query-string SigV4)", function () {
  this.timeout(60_000);
  let plan: Plan;
  let gw: RunningGateway;
  let caller: LocalIdentity;
  before(async () => {
    plan = await buildPlan("dev");
    gw = await startGateway(plan);
    [caller] = gw.identities;
  });
  after(() => gw.close());

  const credentials = () =>
    Promise.resolve({ accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey, sessionToken: caller.sessionToken });
  const smithyUrl = (opts: { expiresIn?: number; signingDate?: Date } = {}) =>
    presignUrl(gw.dataUrl, { region: REGION, credentials, ...opts });
  const errorOf = (r: RawResponse): [number, string | undefined, string] => {
    const type = r.headers["x-amzn-errortype"];
    return [r.status, typeof type === "string" ? type : undefined, (JSON.parse(r.body) as { message: string }).message];
  };

  it("smithy's presign(): the URL alone gets the holidays", async () => {
    const url = await smithyUrl();
    for (const p of [
      "X-Amz-Algorithm",
      "X-Amz-Credential",
      "X-Amz-Date",
      "X-Amz-Expires",
      "X-Amz-SignedHeaders",
      "X-Amz-Security-Token",
      "X-Amz-Signature",
    ]) {
      assert.ok(new URL(url).searchParams.has(p), `${p} in ${url}`);
    }
    const r = await send(url);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, plan.dataDocument);
  });

  it("botocore's SigV4QueryAuth (python3-botocore): the URL gets the holidays; one made 6 min ago gets AWS's expiry answer", function () {
    const python = findBotocorePython();
    if (!python) {
      // .ci/run installs python3-botocore; only a machine where apt cannot reach Debian lacks it.
      console.log("      skipped: no python3 can import botocore (install the Debian package python3-botocore; .ci/run does, as root)");
      this.skip();
    }
    const make = (age: number) =>
      execFileSync(
        python!,
        ["-c", BOTOCORE_PRESIGN, gw.dataUrl, REGION, caller.accessKeyId, caller.secretAccessKey, caller.sessionToken, String(age), "3600"],
        { encoding: "utf8" },
      ).trim();
    const fresh = make(0);
    assert.match(fresh, /[?&]X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    return (async () => {
      const ok = await send(fresh);
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.body, plan.dataDocument);
      const old = await send(make(6 * 60));
      const [status, type, message] = errorOf(old);
      assert.deepEqual([status, type], [403, "InvalidSignatureException"]);
      assert.match(message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    })();
  });

  it("npm run call -- --presign --expires 60 prints a URL that gets the holidays", async () => {
    const child = spawn("npm", ["run", "-s", "call", "--", gw.dataUrl, "--region", REGION, "--presign", "--expires", "60"], {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: caller.accessKeyId,
        AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
        AWS_SESSION_TOKEN: caller.sessionToken,
        AWS_PROFILE: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 0, err);
    const url = out.trim();
    assert.equal(new URL(url).searchParams.get("X-Amz-Expires"), "60");
    const r = await send(url);
    assert.equal(r.status, 200, r.body);
  });

  it("an expired presigned URL (X-Amz-Date 6 min ago) gets InvalidSignatureException 'Signature expired … - 5 min.'", async () => {
    const r = await send(await smithyUrl({ signingDate: new Date(Date.now() - 6 * 60_000) }));
    const [status, type, message] = errorOf(r);
    assert.deepEqual([status, type], [403, "InvalidSignatureException"]);
    assert.match(message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  });

  it("X-Amz-Expires does not change the window, as outside S3 (aws/aws-sdk-go#2224): 1 s, used 2 min later, still verifies", async () => {
    const r = await send(await smithyUrl({ expiresIn: 1, signingDate: new Date(Date.now() - 2 * 60_000) }));
    assert.equal(r.status, 200, r.body);
  });

  it("lists the missing parameters AWS requires", async () => {
    const url = new URL(await smithyUrl());
    url.searchParams.delete("X-Amz-Signature");
    url.searchParams.delete("X-Amz-Date");
    const [status, type, message] = errorOf(await send(url.href));
    assert.deepEqual(
      [status, type, message],
      [
        403,
        "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
      ],
    );
  });

  it("refuses a presigned URL that also carries an Authorization header", async () => {
    const r = await send(await smithyUrl(), {
      headers: {
        authorization: "AWS4-HMAC-SHA256 Credential=x/20260101/ap-northeast-1/execute-api/aws4_request, SignedHeaders=host, Signature=00",
      },
    });
    assert.deepEqual(errorOf(r), [
      403,
      "InvalidSignatureException",
      "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    ]);
  });

  it("refuses a repeated auth parameter (a second X-Amz-Credential)", async () => {
    const url = await smithyUrl();
    const r = await send(
      `${url}&X-Amz-Credential=${encodeURIComponent(`${gw.identities[1].accessKeyId}/20260101/${REGION}/execute-api/aws4_request`)}`,
    );
    const [status, type, message] = errorOf(r);
    assert.deepEqual([status, type], [403, "IncompleteSignatureException"]);
    assert.match(message, /^'X-Amz-Credential' appears more than once in the query string\./);
  });

  it("refuses a presigned URL with a parameter added or changed", async () => {
    const url = await smithyUrl();
    assert.equal(errorOf(await send(`${url}&extra=1`))[1], "InvalidSignatureException");
    assert.equal(errorOf(await send(url.replace("X-Amz-Expires=900", "X-Amz-Expires=901")))[1], "InvalidSignatureException");
    assert.equal(errorOf(await send(url.replace("X-Amz-Security-Token=", "X-Amz-Security-Token=x")))[1], "InvalidSignatureException");
  });
});
