/** The local execute-api gateway: authentication, authorization, --port and robustness (the process itself: hostileTransport.test.ts). */
import { strict as assert } from "node:assert";
import * as net from "node:net";
import { RunningGateway, parsePort, startGateway } from "../../twin/gateway/server";
import { LocalIdentity } from "../../twin/identities";
import { Plan, buildPlan } from "../../twin/plan";
import { MESSAGES } from "../../twin/gateway/sigv4Verifier";
import { Creds, RawResponse, send, sign } from "../../tools/testkit/http";

const errorType = (r: RawResponse) => r.headers["x-amzn-errortype"];
const message = (r: RawResponse) => {
  const b = JSON.parse(r.body) as { message?: string; Message?: string };
  return b.message ?? b.Message;
};

describe("local execute-api gateway", () => {
  let plan: Plan;
  let gw: RunningGateway;
  let caller: LocalIdentity;
  let intruder: LocalIdentity;
  before(async () => {
    plan = await buildPlan("dev");
    gw = await startGateway(plan);
    [caller, intruder] = gw.identities;
  });
  after(() => gw.close());

  const signedGet = async (who: Creds, opts: Parameters<typeof sign>[2] = { region: "ap-northeast-1" }, url = gw.dataUrl) =>
    send(url, { headers: await sign(url, who, opts) });

  it("serves the program's data.json to the caller role", async () => {
    const r = await signedGet(caller);
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(r.body, plan.dataDocument);
    assert.ok(r.headers["x-amzn-requestid"]);
  });

  it("listens on 127.0.0.1 only", () => {
    assert.match(gw.url, /^http:\/\/127\.0\.0\.1:\d+\/dev$/);
  });

  it("answers an unsigned request with Missing Authentication Token", async () => {
    const r = await send(gw.dataUrl);
    assert.deepEqual([r.status, errorType(r), message(r)], [403, "MissingAuthenticationTokenException", "Missing Authentication Token"]);
  });

  it("answers a path or method that does not exist with Missing Authentication Token, even signed", async () => {
    const url = `${gw.url}/api/v1/nope.json`;
    const r = await signedGet(caller, { region: "ap-northeast-1" }, url);
    assert.deepEqual([r.status, errorType(r)], [403, "MissingAuthenticationTokenException"]);
    const post = await send(gw.dataUrl, {
      method: "POST",
      headers: await sign(gw.dataUrl, caller, { region: "ap-northeast-1", method: "POST" }),
    });
    assert.deepEqual([post.status, errorType(post)], [403, "MissingAuthenticationTokenException"]);
  });

  it("rejects a tampered signature with InvalidSignatureException", async () => {
    const headers = await sign(gw.dataUrl, caller, { region: "ap-northeast-1" });
    headers.authorization = headers.authorization.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === "a" ? "b" : "a"}`);
    const r = await send(gw.dataUrl, { headers });
    assert.equal(r.status, 403);
    assert.equal(errorType(r), "InvalidSignatureException");
    assert.ok(
      message(r)?.startsWith(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
      ),
    );
  });

  it("rejects a signature made with the wrong secret, or over a changed query", async () => {
    const wrong = await signedGet({ ...caller, secretAccessKey: "not-the-secret" });
    assert.equal(message(wrong), MESSAGES.signatureMismatch);
    const headers = await sign(`${gw.dataUrl}?a=1`, caller, { region: "ap-northeast-1" });
    const r = await send(`${gw.dataUrl}?a=2`, { headers });
    assert.equal(errorType(r), "InvalidSignatureException");
  });

  // API Gateway's window is 5 minutes: its answers read "(… - 5 min.)" (aws-amplify/aws-sdk-android#253,
  // mhart/aws4#118), where Coral services such as DynamoDB say "- 15 min.".
  it("rejects expired and not-yet-current signatures (±5 min, API Gateway's window)", async () => {
    const old = await signedGet(caller, { region: "ap-northeast-1", date: new Date(Date.now() - 6 * 60_000) });
    assert.equal(old.status, 403);
    assert.equal(errorType(old), "InvalidSignatureException");
    assert.match(message(old) ?? "", /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
    const future = await signedGet(caller, { region: "ap-northeast-1", date: new Date(Date.now() + 6 * 60_000) });
    assert.match(
      message(future) ?? "",
      /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/,
    );
    const slightlyOld = await signedGet(caller, { region: "ap-northeast-1", date: new Date(Date.now() - 4 * 60_000) });
    assert.equal(slightlyOld.status, 200);
  });

  // API Gateway's wording, one sentence per wrong part (Kong/insomnia#830, aws/aws-sdk-js#792).
  it("checks the credential scope: region and service", async () => {
    const region = await signedGet(caller, { region: "us-east-1" });
    assert.deepEqual(
      [region.status, errorType(region), message(region)],
      [403, "InvalidSignatureException", "Credential should be scoped to a valid region, not 'us-east-1'. "],
    );
    const service = await signedGet(caller, { region: "ap-northeast-1", service: "s3" });
    assert.deepEqual(
      [errorType(service), message(service)],
      ["InvalidSignatureException", "Credential should be scoped to correct service: 'execute-api'. "],
    );
  });

  it("rejects an unknown access key and a wrong session token as an invalid security token", async () => {
    const unknown = await signedGet({ accessKeyId: "ASIAUNKNOWN000000000", secretAccessKey: "x", sessionToken: "y" });
    assert.deepEqual(
      [unknown.status, errorType(unknown), message(unknown)],
      [403, "UnrecognizedClientException", "The security token included in the request is invalid."],
    );
    const token = await signedGet({ ...caller, sessionToken: "stolen-or-stale" });
    assert.equal(errorType(token), "UnrecognizedClientException");
    const noToken = await signedGet({ accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey });
    assert.equal(errorType(noToken), "UnrecognizedClientException");
  });

  it("requires the host header to be signed", async () => {
    const headers = await sign(gw.dataUrl, caller, { region: "ap-northeast-1" });
    headers.authorization = headers.authorization.replace("SignedHeaders=host;", "SignedHeaders=");
    const r = await send(gw.dataUrl, { headers });
    assert.deepEqual(
      [errorType(r), message(r)],
      ["IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."],
    );
  });

  it("denies a role the policy does not name, with AWS's AccessDenied text", async () => {
    const r = await signedGet(intruder);
    assert.equal(r.status, 403);
    assert.equal(errorType(r), "AccessDeniedException");
    assert.equal(
      message(r),
      `User: ${intruder.caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${plan.methodArn} with an explicit deny`,
    );
  });

  it("answers malformed Authorization headers with 403 IncompleteSignatureException", async () => {
    for (const authorization of [
      "Bearer abc",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 Credential=a/b",
      "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=zz",
    ]) {
      const r = await send(gw.dataUrl, { headers: { authorization, "x-amz-date": "20261124T000000Z" } });
      assert.equal(r.status, 403, authorization);
      assert.match(String(errorType(r)), /IncompleteSignatureException|InvalidSignatureException/);
    }
  });

  // The process as users start it (`npm run --silent gateway`: contract line first, SIGTERM) is tested
  // with a stderr nobody reads, in tests/twin/hostileTransport.test.ts.
  it("rejects a bad --port with a clear message", () => {
    assert.equal(parsePort("0"), 0);
    assert.equal(parsePort("8080"), 8080);
    for (const bad of ["http", "-1", "70000", "1.5"])
      assert.throws(() => parsePort(bad), /--port ".*": expected a port number 0-65535 \(0 picks any free port\)/);
  });

  describe("fuzz: random and malformed requests (bounded)", function () {
    this.timeout(30_000);
    // Deterministic PRNG so a failure can be replayed.
    let seed = 20261124;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
    const junk = (n: number) =>
      Array.from({ length: Math.floor(rnd() * n) }, () => String.fromCharCode(32 + Math.floor(rnd() * 95))).join("");

    it("never answers 5xx and never crashes, over 600 requests and 300 raw-socket messages", async () => {
      const deadline = Date.now() + 20_000;
      const base = await sign(gw.dataUrl, caller, { region: "ap-northeast-1" });
      const statuses = new Map<number, number>();
      for (let i = 0; i < 600 && Date.now() < deadline; i++) {
        const headers: Record<string, string> = { ...base };
        const mutate = pick(["auth", "date", "path", "token", "all", "none", "credential", "signedheaders"]);
        if (mutate === "auth" || mutate === "all")
          headers.authorization = pick([
            junk(200),
            `AWS4-HMAC-SHA256 ${junk(120)}`,
            `AWS4-HMAC-SHA256 Credential=${junk(40)}, SignedHeaders=${junk(20)}, Signature=${junk(64)}`,
            "",
          ]);
        if (mutate === "date" || mutate === "all")
          headers["x-amz-date"] = pick([junk(20), "99999999T999999Z", "20261301T250000Z", "", "2026-11-24T00:00:00Z"]);
        if (mutate === "token") headers["x-amz-security-token"] = junk(100);
        if (mutate === "credential") headers.authorization = base.authorization.replace(/Credential=[^,]+/, `Credential=${junk(60)}`);
        if (mutate === "signedheaders")
          headers.authorization = base.authorization.replace(
            /SignedHeaders=[^,]+/,
            `SignedHeaders=${pick(["host", ";;;", "x-missing;host", junk(30)])}`,
          );
        const pathPart =
          mutate === "path" || mutate === "all"
            ? pick([
                "/dev/api/v1/data.json?%zz",
                "/dev/%",
                "/dev/api/v1/data.json?a=%E0%A4%A",
                `/dev/${encodeURIComponent(junk(30))}`,
                "/dev/api/v1/data.json/../../x",
                "//",
                "/dev/api/v1/data.json?" + "a=1&".repeat(200),
              ])
            : "/dev/api/v1/data.json";
        for (const k of Object.keys(headers)) if (headers[k] === "") delete headers[k];
        try {
          const r = await send(`${gw.url.replace(/\/dev$/, "")}${pathPart}`, { headers });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          assert.ok(r.status < 500, `5xx for ${mutate}: ${r.status} ${r.body}`);
        } catch (err) {
          // node:http refuses to send some junk itself (invalid characters); that never reached the gateway.
          assert.match((err as Error).message, /Invalid character|ERR_INVALID|Invalid header/i);
        }
      }
      for (let i = 0; i < 300 && Date.now() < deadline; i++) {
        const raw = pick([
          `GET /dev/api/v1/data.json HTTP/1.1\r\nHost: x\r\nAuthorization: ${junk(50)}\r\n\r\n`,
          `${junk(30)}\r\n\r\n`,
          `GET ${junk(40)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
          `GET /dev/api/v1/data.json HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n`,
          `GET /dev/api/v1/data.json HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(20_000)}\r\n\r\n`,
          `POST /dev/api/v1/data.json HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${"a".repeat(100_000)}`,
        ]);
        const status = await rawExchange(new URL(gw.url).port, raw);
        if (status !== undefined) assert.ok(status < 500, `raw message got ${status}`);
      }
      const still = await signedGet(caller);
      assert.equal(still.status, 200, "the gateway still serves after the fuzz");
      assert.ok((statuses.get(403) ?? 0) > 100);
    });
  });
});

/** Writes raw bytes and returns the HTTP status of the answer, if any came. */
function rawExchange(port: string, payload: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    let data = "";
    const done = () => {
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve(m ? Number(m[1]) : undefined);
    };
    socket.setTimeout(2000, done);
    socket.on("data", (c: Buffer) => {
      data += c.toString("latin1");
      if (/\r\n\r\n/.test(data)) done();
    });
    socket.on("error", done);
    socket.on("end", done);
    socket.write(payload);
  });
}
