/** The caller Lambda, exercised as the esbuild bundle that CallerFunction deploys. */
import { strict as assert } from "node:assert";
import { bundleCaller } from "../../lambda/bundle";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { BundledHandler, captureStdoutLines, loadBundledHandler, withEnv, writeBundleCopy } from "../helpers/loadBundle";
import { VerifyingServer, startVerifyingServer } from "../../tools/testkit/verifyingServer";

const REGION = "ap-northeast-1";
const KEY = { accessKeyId: "ASIAHANDLERTEST00001", secretAccessKey: "handler/secret", sessionToken: "handler-token" };
const credsEnv = { AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_SESSION_TOKEN: KEY.sessionToken };

describe("caller handler (bundled)", () => {
  let server: VerifyingServer;
  let restoreEnv: () => void = () => undefined;
  before(async () => {
    server = await startVerifyingServer({ region: REGION, credentials: [KEY] });
  });
  after(() => server.close());
  afterEach(() => restoreEnv());
  /** A cold start with the caller's Lambda environment (credentials as the Lambda runtime provides them). */
  const coldStart = () => {
    restoreEnv = withEnv({ ...credsEnv, API_URL: `${server.url}/dev/api/v1/data.json`, API_REGION: REGION });
    return loadBundledHandler();
  };

  it("is minified CommonJS: index.js exports handler, the credential chain is a second file it requires only by name", () => {
    const { code, files } = bundleCaller();
    assert.deepEqual(Object.keys(files).sort(), ["credentialChain.js", "index.js"]);
    assert.equal(files["index.js"], code);
    // The chain's STS/SSO clients may load the native CRT signer for SigV4a, inside a try/catch; we sign SigV4.
    const allowedExternal: Record<string, string[]> = { "index.js": [], "credentialChain.js": ["@aws-sdk/signature-v4-crt"] };
    for (const [name, text] of Object.entries(files)) {
      const packages = [...text.matchAll(/\brequire\("(@[^"]+)"\)/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(packages)], allowedExternal[name], `${name}: SDK code is bundled, not required from node_modules`);
      // Minified: nearly all the code sits on a few very long lines (a newline survives only inside a string,
      // which esbuild prints as a template literal); readable code has no line near 1,000 characters.
      const onLongLines = text.split("\n").reduce((n, line) => n + (line.length > 1000 ? line.length : 0), 0);
      assert.ok(onLongLines / text.length > 0.9, `${name}: minified (long lines, no indentation)`);
    }
    assert.match(code, /exports|module\.exports/);
    const relative = [...code.matchAll(/\brequire\("(\.[^"]*)"\)/g)].map((m) => m[1]);
    assert.deepEqual(relative, ["./credentialChain"], "index.js names the chain's file and nothing else beside it");
    // The chain's providers live only in the second file: the SSO and IMDS code is not in index.js.
    for (const marker of ["169.254.169.254", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "sso_start_url"]) {
      assert.ok(!code.includes(marker), `index.js must not contain ${marker}`);
      assert.ok(files["credentialChain.js"].includes(marker), `credentialChain.js contains ${marker}`);
    }
  });

  const chainLoaded = (indexPath: string) => Object.keys(require.cache).includes(path.join(path.dirname(indexPath), "credentialChain.js"));
  /** Runs the handler of a fresh copy of the bundle; answers whether it required credentialChain.js. */
  const runBundleCopy = async (): Promise<boolean> => {
    const copy = writeBundleCopy();
    const logs = captureStdoutLines();
    try {
      const { handler } = require(copy.index) as BundledHandler; // eslint-disable-line @typescript-eslint/no-require-imports
      await handler();
    } finally {
      logs.restore();
      copy.remove();
    }
    return chainLoaded(copy.index);
  };

  it("signs with the Lambda's environment credentials without loading the credential chain's file", async () => {
    restoreEnv = withEnv({ ...credsEnv, AWS_PROFILE: undefined, API_URL: `${server.url}/dev/api/v1/data.json`, API_REGION: REGION });
    const chainWasLoaded = await runBundleCopy();
    assert.equal(server.seen.at(-1)?.accessKeyId, KEY.accessKeyId);
    assert.equal(chainWasLoaded, false, "credentialChain.js was never required");
  });

  it("a cold start in a fresh process loads neither undici (the fetch globals) nor the credential chain", async () => {
    // The two costs kept off the cold path: undici's first use (≈20 ms) and parsing the full credential chain.
    const copy = writeBundleCopy();
    const probe = `
      const mod = require(${JSON.stringify(copy.index)});
      mod.handler({}, { getRemainingTimeInMillis: () => 5000 }).then((r) => {
        const loaded = process.moduleLoadList.filter((m) => /undici/.test(m));
        const chain = Object.keys(require.cache).filter((f) => f.endsWith("credentialChain.js"));
        process.stdout.write("\\u0000" + JSON.stringify({ count: Object.keys(r).length, loaded, chain }) + "\\n");
      });`;
    server.script.push({ status: 200, body: JSON.stringify({ "2026-01-01": "元日" }), headers: { "content-type": "application/json" } });
    // Asynchronously: the verifying server answers from this process.
    const child = await promisify(execFile)(process.execPath, ["-e", probe], {
      env: { PATH: process.env.PATH ?? "", ...credsEnv, API_URL: `${server.url}/dev/api/v1/data.json`, API_REGION: REGION },
      encoding: "utf8",
      timeout: 20_000,
    }).finally(() => copy.remove());
    const line = child.stdout.split("\n").find((l) => l.startsWith("\u0000"));
    assert.deepEqual(JSON.parse(line!.slice(1)), { count: 1, loaded: [], chain: [] });
  });

  it("without environment credentials, loads the full chain from credentialChain.js and signs with a profile's keys", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-creds-"));
    const credentialsFile = path.join(dir, "credentials");
    fs.writeFileSync(
      credentialsFile,
      `[default]\naws_access_key_id = ${KEY.accessKeyId}\naws_secret_access_key = ${KEY.secretAccessKey}\naws_session_token = ${KEY.sessionToken}\n`,
    );
    restoreEnv = withEnv({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_CONFIG_FILE: path.join(dir, "no-config"),
      AWS_EC2_METADATA_DISABLED: "true",
      API_URL: `${server.url}/dev/api/v1/data.json`,
      API_REGION: REGION,
    });
    let chainWasLoaded: boolean;
    try {
      chainWasLoaded = await runBundleCopy();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(server.seen.at(-1)?.verified, true, server.seen.at(-1)?.failure);
    assert.equal(server.seen.at(-1)?.accessKeyId, KEY.accessKeyId);
    assert.equal(chainWasLoaded, true, "credentialChain.js was required");
  });

  const badUrls: [string | undefined, RegExp][] = [
    [undefined, /API_URL is not set: expected the holidays data URL/],
    ["not a url", /API_URL "not a url" is not a valid URL: expected https:\/\//],
    ["http://example.com/dev/api/v1/data.json", /must use https:\/\//],
    ["https://example.com/dev/api/v1/data.json", /Cannot tell the signing region .* set API_REGION/],
  ];
  for (const [value, message] of badUrls) {
    it(`fails the cold start on API_URL=${JSON.stringify(value)} with a clear message`, () => {
      const restore = withEnv({ ...credsEnv, API_URL: value, API_REGION: undefined, AWS_REGION: undefined });
      try {
        assert.throws(() => loadBundledHandler(), message);
      } finally {
        restore();
      }
    });
  }

  it("returns the parsed holidays and logs one JSON line without credentials", async () => {
    const holidays = { "2026-01-01": "元日", "2026-01-12": "成人の日" };
    server.script.push({ status: 200, body: JSON.stringify(holidays), headers: { "content-type": "application/json" } });
    const { handler } = coldStart();
    const logs = captureStdoutLines();
    try {
      assert.deepEqual(await handler({}, { getRemainingTimeInMillis: () => 5000, awsRequestId: "req-1" }), holidays);
    } finally {
      logs.restore();
    }
    assert.equal(server.seen.at(-1)?.verified, true, server.seen.at(-1)?.failure);
    assert.equal(logs.lines.length, 1);
    const line = JSON.parse(logs.lines[0]) as Record<string, unknown>;
    assert.equal(line.status, 200);
    assert.equal(line.attempts, 1);
    assert.equal(line.count, 2);
    assert.equal(typeof line.latencyMs, "number");
    assert.equal(line.requestId, "req-1");
    for (const secret of [KEY.secretAccessKey, KEY.sessionToken, KEY.accessKeyId]) assert.ok(!logs.lines[0].includes(secret));
  });

  it("keeps the document and its ETag while warm, and revalidates with If-None-Match (304 → the kept copy)", async () => {
    const first = { "2026-01-01": "元日" };
    const second = { "2026-01-01": "元日", "2026-01-12": "成人の日" };
    server.script.push(
      { status: 200, body: JSON.stringify(first), headers: { "content-type": "application/json", etag: '"etag-1"' } },
      { status: 304, headers: { etag: '"etag-1"' } },
      { status: 200, body: JSON.stringify(second), headers: { "content-type": "application/json", etag: '"etag-2"' } },
      { status: 304, headers: { etag: '"etag-2"' } },
    );
    const { handler } = coldStart();
    const logs = captureStdoutLines();
    const seenBefore = server.seen.length;
    try {
      assert.deepEqual(await handler(), first, "cold: the document");
      assert.deepEqual(await handler(), first, "warm, unchanged: the kept copy");
      assert.deepEqual(await handler(), second, "warm, changed: the new document");
      assert.deepEqual(await handler(), second, "warm, unchanged again: the new kept copy");
    } finally {
      logs.restore();
    }
    const sent = server.seen.slice(seenBefore);
    assert.deepEqual(
      sent.map((s) => s.headers["if-none-match"]),
      [undefined, '"etag-1"', '"etag-1"', '"etag-2"'],
      "revalidates with the ETag it keeps",
    );
    assert.ok(
      sent.every((s) => s.verified),
      "If-None-Match travels inside the signed request",
    );
    const lines = logs.lines.map((l) => JSON.parse(l) as { status: number; cache: string; count: number });
    assert.deepEqual(
      lines.map((l) => [l.status, l.cache, l.count]),
      [
        [200, "stored", 1],
        [304, "revalidated", 1],
        [200, "stored", 2],
        [304, "revalidated", 2],
      ],
    );
  });

  it("sends no If-None-Match after a cold start, even when an earlier environment kept an ETag", async () => {
    server.script.push({ status: 200, body: "{}", headers: { "content-type": "application/json", etag: '"e"' } });
    const warm = coldStart();
    const logs = captureStdoutLines();
    try {
      await warm.handler();
      restoreEnv();
      server.script.push({ status: 200, body: "{}", headers: { "content-type": "application/json", etag: '"e"' } });
      await coldStart().handler();
    } finally {
      logs.restore();
    }
    assert.equal(server.seen.at(-1)?.headers["if-none-match"], undefined);
  });

  it("treats a 304 it did not ask for as an invalid response, and keeps nothing from an error", async () => {
    server.script.push({ status: 304 });
    const { handler } = coldStart();
    const logs = captureStdoutLines();
    try {
      await assert.rejects(
        handler(),
        (err: Error) => err.name === "InvalidResponseError" && /304 Not Modified .* without having sent If-None-Match/.test(err.message),
      );
      server.script.push({ status: 200, body: "{}", headers: { "content-type": "application/json" } });
      await handler();
    } finally {
      logs.restore();
    }
    assert.equal(server.seen.at(-1)?.headers["if-none-match"], undefined, "no ETag came, so none is sent");
  });

  it("raises AccessDeniedError on a 403 from the API and logs it", async () => {
    server.script.push({
      status: 403,
      headers: { "x-amzn-errortype": "AccessDeniedException" },
      body: JSON.stringify({
        Message:
          "User: arn:aws:sts::222222222222:assumed-role/other/s is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:ap-northeast-1:111111111111:abc/dev/GET/api/v1/data.json",
      }),
    });
    const { handler } = coldStart();
    const logs = captureStdoutLines();
    try {
      await assert.rejects(handler(), (err: Error & { status?: number }) => {
        assert.equal(err.name, "AccessDeniedError");
        assert.equal(err.status, 403);
        assert.match(err.message, /AccessDeniedException \(HTTP 403\).*is not authorized to perform: execute-api:Invoke/);
        return true;
      });
    } finally {
      logs.restore();
    }
    assert.equal((JSON.parse(logs.lines[0]) as { level: string; errorType: string }).errorType, "AccessDeniedException");
  });

  it("raises InvalidResponseError on a non-JSON body", async () => {
    server.script.push({ status: 200, body: '<?xml version="1.0"?><Error/>', headers: { "content-type": "application/xml" } });
    const { handler } = coldStart();
    const logs = captureStdoutLines();
    try {
      await assert.rejects(handler(), (err: Error) => err.name === "InvalidResponseError" && /Expected JSON/.test(err.message));
    } finally {
      logs.restore();
    }
  });
});
