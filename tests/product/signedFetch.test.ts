import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import type { AwsCredentialIdentity } from "@smithy/types";
import {
  AccessDeniedError,
  ApiError,
  InvalidResponseError,
  InvalidSecurityTokenError,
  InvalidSignatureError,
  MissingAuthenticationTokenError,
  NetworkError,
  RequestTimeoutError,
  ThrottlingError,
} from "../../sigv4/errors";
import { createSignedFetch, readJson } from "../../sigv4/signedFetch";
import { VerifyingServer, startVerifyingServer } from "../../tools/testkit/verifyingServer";

const REGION = "ap-northeast-1";
const KEY = { accessKeyId: "ASIALOCALTEST0000001", secretAccessKey: "local/secret/key/1", sessionToken: "token-1" };
const KEY2 = { accessKeyId: "ASIALOCALTEST0000002", secretAccessKey: "local/secret/key/2", sessionToken: "token-2" };
const fast = { backoffBaseMs: 5, backoffCapMs: 20 };

describe("signed fetch client against a verifying loopback server", () => {
  let server: VerifyingServer;
  beforeEach(async () => {
    server = await startVerifyingServer({ region: REGION, credentials: [KEY, KEY2] });
  });
  afterEach(() => server.close());

  const client = (extra: Partial<Parameters<typeof createSignedFetch>[0]> = {}) =>
    createSignedFetch({ region: REGION, credentials: async () => KEY, ...fast, ...extra });

  it("signs a GET that verifies, on a non-default port, with the session token", async () => {
    const res = await client()(`${server.url}/dev/api/v1/data.json`);
    assert.equal(res.status, 200);
    assert.equal(res.attempts, 1);
    assert.deepEqual(await readJson(res, server.url), { ok: true });
    assert.equal(server.seen[0].verified, true, server.seen[0].failure);
  });

  it("signs query strings with ordering, repeated keys, empty values, reserved and UTF-8 characters", async () => {
    const url = `${server.url}/dev/search?z=1&a=2&a=1&empty=&flag&sp=a%20b&plus=a+b&res=%2F%3F%26%3D&jp=${encodeURIComponent("祝日")}&tilde=~`;
    await client()(url);
    assert.equal(server.seen[0].verified, true, server.seen[0].failure);
    assert.match(server.seen[0].rawUrl, /a=1&a=2/, "repeated keys are sent in canonical order");
  });

  it("signs percent-encoded paths", async () => {
    await client()(`${server.url}/dev/files/${encodeURIComponent("年 2026")}/a%2Fb.json`);
    assert.equal(server.seen[0].verified, true, server.seen[0].failure);
  });

  it("signs bodies on POST and PUT", async () => {
    const send = client();
    await send(`${server.url}/dev/items`, {
      method: "POST",
      body: JSON.stringify({ 日付: "2026-01-01" }),
      headers: { "content-type": "application/json" },
    });
    await send(`${server.url}/dev/items/1`, { method: "PUT", body: new TextEncoder().encode("binary\u0000body") });
    assert.deepEqual(
      server.seen.map((s) => [s.method, s.verified]),
      [
        ["POST", true],
        ["PUT", true],
      ],
    );
    assert.equal(server.seen[0].body, JSON.stringify({ 日付: "2026-01-01" }));
  });

  it("retries 503 and 429 with backoff, re-signing each attempt, then succeeds", async () => {
    server.script.push({ status: 503, body: "{}" }, { status: 429, body: JSON.stringify({ message: "Too Many Requests" }) });
    const res = await client({ maxAttempts: 3 })(`${server.url}/dev/api/v1/data.json`);
    assert.equal(res.status, 200);
    assert.equal(res.attempts, 3);
    assert.equal(server.seen.length, 3);
    assert.ok(server.seen.every((s) => s.verified));
  });

  it("never retries a 403", async () => {
    server.script.push({
      status: 403,
      headers: { "x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/" },
      body: JSON.stringify({
        Message: "User: arn:aws:sts::222222222222:assumed-role/r/s is not authorized to perform: execute-api:Invoke on resource: arn:x",
      }),
    });
    await assert.rejects(client({ maxAttempts: 5 })(`${server.url}/x`), (err: unknown) => {
      assert.ok(err instanceof AccessDeniedError);
      assert.equal(err.status, 403);
      assert.equal(err.errorType, "AccessDeniedException");
      assert.match(err.apiMessage, /^User: .* is not authorized to perform: execute-api:Invoke/);
      assert.equal(err.attempts, 1);
      assert.equal(err.url, `${server.url}/x`);
      return true;
    });
    assert.equal(server.seen.length, 1);
  });

  it("times out a slow attempt, retries, and reports the timeout with the attempt count", async () => {
    server.script.push({ status: 200, body: "{}", delayMs: 1000 }, { status: 200, body: "{}", delayMs: 1000 });
    const started = Date.now();
    await assert.rejects(client({ attemptTimeoutMs: 100, maxAttempts: 2 })(`${server.url}/slow`), (err: unknown) => {
      assert.ok(err instanceof RequestTimeoutError, String(err));
      assert.equal(err.attempts, 2);
      return true;
    });
    assert.ok(Date.now() - started < 900);
  });

  it("respects an overall deadline (the Lambda's remaining time)", async () => {
    server.script.push({ status: 503, body: "{}" }, { status: 200, body: "{}", delayMs: 2000 });
    const started = Date.now();
    await assert.rejects(
      client({ maxAttempts: 5, attemptTimeoutMs: 5000 })(`${server.url}/x`, { deadline: Date.now() + 300 }),
      RequestTimeoutError,
    );
    assert.ok(Date.now() - started < 1500);
  });

  it("asks its credential provider at every attempt, so rotated credentials sign the next one", async () => {
    let calls = 0;
    const provider = async (): Promise<AwsCredentialIdentity> => (++calls === 1 ? KEY : KEY2);
    const send = createSignedFetch({ region: REGION, credentials: provider });
    await send(`${server.url}/a`);
    await send(`${server.url}/b`);
    assert.deepEqual(
      server.seen.map((s) => s.accessKeyId),
      [KEY.accessKeyId, KEY2.accessKeyId],
    );
    assert.equal(calls, 2);
  });

  const errorCases: [string, number, string, unknown][] = [
    ["MissingAuthenticationTokenException", 403, "Missing Authentication Token", MissingAuthenticationTokenError],
    [
      "InvalidSignatureException",
      403,
      "The request signature we calculated does not match the signature you provided.",
      InvalidSignatureError,
    ],
    ["UnrecognizedClientException", 403, "The security token included in the request is invalid.", InvalidSecurityTokenError],
    ["TooManyRequestsException", 429, "Too Many Requests", ThrottlingError],
  ];
  for (const [type, status, message, Cls] of errorCases) {
    it(`raises ${(Cls as { name: string }).name} for ${type}`, async () => {
      for (let i = 0; i < 3; i++) server.script.push({ status, headers: { "x-amzn-errortype": type }, body: JSON.stringify({ message }) });
      await assert.rejects(client({ maxAttempts: 3 })(`${server.url}/e`), (err: unknown) => {
        assert.ok(err instanceof (Cls as typeof ApiError), `got ${String(err)}`);
        assert.equal(err.apiMessage, message);
        assert.equal(err.attempts, status === 429 ? 3 : 1);
        assert.match(err.message, new RegExp(`${type} \\(HTTP ${status}\\)`));
        return true;
      });
    });
  }

  it("gets a real InvalidSignatureException and UnrecognizedClientException from the verifier", async () => {
    await assert.rejects(
      createSignedFetch({ region: REGION, credentials: async () => ({ ...KEY, secretAccessKey: "wrong" }) })(`${server.url}/x`),
      InvalidSignatureError,
    );
    await assert.rejects(
      createSignedFetch({ region: REGION, credentials: async () => ({ ...KEY, accessKeyId: "AKIAUNKNOWN" }) })(`${server.url}/x`),
      InvalidSecurityTokenError,
    );
    await assert.rejects(
      createSignedFetch({ region: REGION, credentials: async () => ({ ...KEY, sessionToken: "stale" }) })(`${server.url}/x`),
      InvalidSecurityTokenError,
    );
  });

  it("turns a non-JSON body into InvalidResponseError, not a crash", async () => {
    server.script.push({ status: 200, body: "<html>oops</html>", headers: { "content-type": "text/html" } });
    const res = await client()(`${server.url}/x`);
    await assert.rejects(readJson(res, `${server.url}/x`), (err: unknown) => {
      assert.ok(err instanceof InvalidResponseError);
      assert.match(err.message, /Expected JSON from .*HTTP 200, content-type text\/html.*<html>oops/);
      return true;
    });
  });

  // Warm Lambda invocations are event-loop turns apart; the keep-alive agent reuses the one socket.
  it("reuses one keep-alive connection for 100 sequential warm calls", async () => {
    const send = client();
    for (let i = 0; i < 100; i++) {
      await (await send(`${server.url}/k`)).text();
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(server.seen.length, 100);
    assert.ok(server.seen.every((s) => s.verified));
    assert.equal(server.connections, 1);
  });

  it("answers a standard Response: status, headers as the Fetch Standard combines them, a body read once", async () => {
    server.script.push({
      status: 201,
      headers: { "Content-Type": "application/json", "X-Multi": ["a", "b"], "Set-Cookie": ["s=1", "t=2"] },
      body: JSON.stringify({ 祝日: "元日" }),
    });
    const url = `${server.url}/dev/r`;
    const res = await client()(url);
    assert.equal(res.status, 201);
    assert.equal(res.statusText, "Created");
    assert.equal(res.ok, true);
    assert.equal(res.url, url);
    assert.equal(res.headers.get("content-type"), "application/json", "names are case-insensitive");
    assert.equal(res.headers.get("X-MULTI"), "a, b", "repeated fields are combined with a comma and a space");
    assert.deepEqual(res.headers.getSetCookie(), ["s=1", "t=2"], "set-cookie values stay separate");
    assert.equal(res.headers.has("x-absent"), false);
    const names = [...res.headers.keys()];
    assert.deepEqual(names, [...names].sort(), "iterated in name order");
    assert.throws(() => res.headers.set("x", "y"), TypeError, "response headers are immutable");
    const copy = res.clone();
    assert.deepEqual(await res.json(), { 祝日: "元日" });
    assert.equal(res.bodyUsed, true);
    await assert.rejects(res.text(), TypeError, "a body is read once");
    assert.equal(new TextDecoder().decode(await copy.arrayBuffer()), JSON.stringify({ 祝日: "元日" }));
  });

  it("gives a null body for 204 and a readable stream otherwise", async () => {
    server.script.push({ status: 204 }, { status: 200, body: "streamed" });
    const send = client();
    const empty = await send(`${server.url}/204`);
    assert.equal(empty.body, null);
    assert.equal(await empty.text(), "");
    const streamed = await send(`${server.url}/200`);
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamed.body!) chunks.push(chunk as Uint8Array);
    assert.equal(Buffer.concat(chunks).toString("utf8"), "streamed");
  });

  it("decodes a gzip body when the caller asked for one, as fetch does", async () => {
    server.script.push({
      status: 200,
      headers: { "content-encoding": "gzip", "content-type": "application/json" },
      body: gzipSync(JSON.stringify({ a: 1 })),
    });
    const res = await client()(`${server.url}/gz`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(server.seen[0].verified, true, server.seen[0].failure);
    assert.deepEqual(await readJson(res, server.url), { a: 1 });
  });

  it("counts a stalled body against the attempt's time budget", async () => {
    server.script.push({ status: 200, body: "{}", bodyDelayMs: 1000 }, { status: 200, body: "{}", bodyDelayMs: 1000 });
    const started = Date.now();
    await assert.rejects(client({ attemptTimeoutMs: 100, maxAttempts: 2 })(`${server.url}/stall`), RequestTimeoutError);
    assert.ok(Date.now() - started < 900);
  });

  it("returns the last non-2xx answer as is when throwOnError is false", async () => {
    server.script.push({ status: 404, headers: { "x-amzn-errortype": "NotFoundException" }, body: JSON.stringify({ message: "nope" }) });
    const res = await client()(`${server.url}/missing`, { throwOnError: false });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-amzn-errortype"), "NotFoundException");
    assert.deepEqual(await res.json(), { message: "nope" });
  });

  it("sends with any fetch-compatible transport, e.g. the global fetch", async () => {
    const res = await client({ fetch })(`${server.url}/dev/api/v1/data.json`);
    assert.ok(res instanceof Response);
    assert.deepEqual(await readJson(res, server.url), { ok: true });
    assert.equal(server.seen[0].verified, true, server.seen[0].failure);
  });

  it("reports a refused connection as NetworkError after bounded retries", async () => {
    const url = server.url;
    await server.close();
    await assert.rejects(client({ maxAttempts: 2 })(`${url}/x`), (err: unknown) => {
      assert.ok(err instanceof NetworkError, String(err));
      assert.equal(err.attempts, 2);
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
    server = await startVerifyingServer({ region: REGION, credentials: [KEY] });
  });
});
