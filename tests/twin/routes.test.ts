/**
 * Every route through the offline twin's full path — SigV4, the resource and identity policies on the
 * path as called, the S3 integration ({year} → key, If-None-Match → S3) and the response mapping —
 * signed by our client, by `curl --aws-sigv4` and by botocore; and the bundled caller revalidating
 * against it while warm.
 */
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { LocalIdentity } from "../../twin/identities";
import { Plan, buildPlan } from "../../twin/plan";
import { captureStdoutLines, loadBundledHandler, withEnv } from "../helpers/loadBundle";
import { RawResponse, send, sign } from "../../tools/testkit/http";

const run = promisify(execFile);
const md5Etag = (body: string) => `"${createHash("md5").update(body).digest("hex")}"`;
const json = (r: RawResponse) => JSON.parse(r.body) as Record<string, string>;

describe("routes through the offline twin (full path)", function () {
  this.timeout(30_000);
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

  const yearUrl = (year: string) => `${gw.url}/api/v1/${year}/data.json`;
  const get = async (url: string, who: LocalIdentity = caller, headers: Record<string, string> = {}) =>
    send(url, { headers: { ...(await sign(url, who, { region: gw.region, headers })), ...headers } });

  it("serves GET /api/v1/{year}/data.json for a dataset year: that year only, with ETag and Last-Modified", async () => {
    const r = await get(yearUrl("2026"));
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
    const doc = json(r);
    // 2026-09-22 lies between 敬老の日 (09-21) and 秋分の日 (09-23): a 国民の休日, named 休日.
    assert.equal(doc["2026-09-22"], "休日");
    assert.equal(doc["2026-01-01"], "元日");
    assert.ok(
      Object.keys(doc).every((d) => d.startsWith("2026-")),
      "only 2026",
    );
    // S3's ETag for a single PUT with SSE-S3 is the MD5 of the bytes: computed here from what arrived.
    assert.equal(r.headers.etag, md5Etag(r.body));
    assert.ok(!Number.isNaN(Date.parse(String(r.headers["last-modified"]))), "an HTTP-date");
  });

  it("serves the first and last dataset years (1970, 2050)", async () => {
    for (const year of ["1970", "2050"]) {
      const r = await get(yearUrl(year));
      assert.equal(r.status, 200, year);
      assert.ok(Object.keys(json(r)).length > 0 && Object.keys(json(r)).every((d) => d.startsWith(`${year}-`)), year);
    }
  });

  it("answers If-None-Match with the current ETag by 304 with no body, and a stale ETag with the document", async () => {
    for (const url of [gw.dataUrl, yearUrl("2019")]) {
      const first = await get(url);
      assert.equal(first.status, 200);
      const etag = String(first.headers.etag);
      const again = await get(url, caller, { "if-none-match": etag });
      assert.deepEqual([again.status, again.body, again.headers.etag], [304, "", etag], url);
      assert.equal(again.headers["last-modified"], first.headers["last-modified"]);
      const stale = await get(url, caller, { "if-none-match": '"0123456789abcdef0123456789abcdef"' });
      assert.deepEqual([stale.status, stale.body], [200, first.body], url);
    }
  });

  it("answers a year the dataset lacks, or a malformed one, with a JSON 404 that names no bucket", async () => {
    const bucket = plan.run.outputs.bucketName as string;
    for (const year of ["1969", "2051", "abc", "0", "%E5%B9%B4", "2026%2F.."]) {
      const r = await get(yearUrl(year));
      assert.deepEqual([r.status, r.headers["content-type"], r.body], [404, "application/json", '{"message":"Not Found"}'], year);
      assert.ok(!r.body.includes(bucket) && !JSON.stringify(r.headers).includes(bucket), year);
    }
  });

  it("answers paths that are no route with Missing Authentication Token, signed or not", async () => {
    for (const path of ["/api/v1/2026", "/api/v1/2026/x/data.json", "/api/v1/2026/data.json/", "/api/v1//data.json"]) {
      const r = await get(`${gw.url}${path}`);
      assert.deepEqual([r.status, r.headers["x-amzn-errortype"]], [403, "MissingAuthenticationTokenException"], path);
    }
    const unsigned = await send(yearUrl("2026"));
    assert.deepEqual([unsigned.status, unsigned.headers["x-amzn-errortype"]], [403, "MissingAuthenticationTokenException"]);
  });

  it("authorizes the year route on the path as called: the intruder is denied on …/GET/api/v1/2026/data.json", async () => {
    const r = await get(yearUrl("2026"), intruder);
    assert.equal(r.status, 403);
    assert.equal(r.headers["x-amzn-errortype"], "AccessDeniedException");
    const resource = `${String(plan.run.outputs.executionArn)}/dev/GET/api/v1/2026/data.json`;
    assert.equal(
      (JSON.parse(r.body) as { Message: string }).Message,
      `User: ${intruder.caller.userArn} is not authorized to perform: execute-api:Invoke on resource: ${resource} with an explicit deny`,
    );
  });

  it("denies the year route to a caller whose identity policy grants only data.json (cross-account: both policies must allow)", async () => {
    const narrow = await buildPlan("dev");
    const onlyData = await startGateway(narrow, {
      identities: (base) => [
        {
          ...base[0],
          identityPolicies: [
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["execute-api:Invoke"], Resource: [narrow.methodArn] }] },
          ],
        },
      ],
    });
    try {
      const who = onlyData.identities[0];
      const data = await send(onlyData.dataUrl, { headers: await sign(onlyData.dataUrl, who, { region: onlyData.region }) });
      assert.equal(data.status, 200);
      const url = `${onlyData.url}/api/v1/2026/data.json`;
      const year = await send(url, { headers: await sign(url, who, { region: onlyData.region }) });
      assert.deepEqual([year.status, year.headers["x-amzn-errortype"]], [403, "AccessDeniedException"]);
    } finally {
      await onlyData.close();
    }
  });

  it("works for curl --aws-sigv4 on both routes, including a 304", async function () {
    try {
      execFileSync("curl", ["--version"], { stdio: "ignore" });
    } catch {
      this.skip();
    }
    const curl = async (url: string, extra: string[] = []) => {
      const { stdout } = await run("curl", [
        "-s",
        "-w",
        "\n%{http_code}",
        "--aws-sigv4",
        `aws:amz:${gw.region}:execute-api`,
        "--user",
        `${caller.accessKeyId}:${caller.secretAccessKey}`,
        "-H",
        `x-amz-security-token: ${caller.sessionToken}`,
        ...extra,
        url,
      ]);
      const cut = stdout.lastIndexOf("\n");
      return { body: stdout.slice(0, cut), status: Number(stdout.slice(cut + 1)) };
    };
    const data = await curl(gw.dataUrl);
    assert.equal(data.status, 200);
    assert.equal(data.body, plan.dataDocument);
    const year = await curl(yearUrl("2027"));
    assert.equal(year.status, 200);
    assert.ok(Object.keys(JSON.parse(year.body) as object).every((d) => d.startsWith("2027-")));
    const notModified = await curl(yearUrl("2027"), ["-H", `If-None-Match: ${md5Etag(year.body)}`]);
    assert.deepEqual([notModified.status, notModified.body], [304, ""]);
    assert.equal((await curl(yearUrl("1969"))).status, 404);
  });

  it("works for botocore's SigV4Auth on both routes", async function () {
    try {
      execFileSync("python3", ["-c", "import botocore"], { stdio: "ignore" });
    } catch {
      this.skip();
    }
    const script = [
      "import sys, json, urllib.request",
      "from botocore.auth import SigV4Auth",
      "from botocore.awsrequest import AWSRequest",
      "from botocore.credentials import Credentials",
      "ak, sk, tk, region = sys.argv[1:5]",
      "out = []",
      "for url in sys.argv[5:]:",
      "    req = AWSRequest(method='GET', url=url)",
      "    SigV4Auth(Credentials(ak, sk, tk), 'execute-api', region).add_auth(req)",
      "    try:",
      "        with urllib.request.urlopen(urllib.request.Request(url, headers=dict(req.headers))) as r: out.append([r.status, r.read().decode()])",
      "    except urllib.error.HTTPError as e: out.append([e.code, e.read().decode()])",
      "print(json.dumps(out))",
    ].join("\n");
    const { stdout } = await run("python3", [
      "-c",
      script,
      caller.accessKeyId,
      caller.secretAccessKey,
      caller.sessionToken,
      gw.region,
      gw.dataUrl,
      yearUrl("2020"),
      yearUrl("1969"),
    ]);
    const [data, year, missing] = JSON.parse(stdout) as [number, string][];
    assert.deepEqual(data, [200, plan.dataDocument]);
    assert.equal(year[0], 200);
    assert.equal((JSON.parse(year[1]) as Record<string, string>)["2020-07-24"], "スポーツの日");
    assert.deepEqual(missing, [404, '{"message":"Not Found"}']);
  });

  it("the bundled caller keeps the year's document while warm and revalidates: 200, then 304 → the kept copy", async () => {
    const restore = withEnv({
      API_URL: yearUrl("2025"),
      API_REGION: gw.region,
      AWS_ACCESS_KEY_ID: caller.accessKeyId,
      AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
      AWS_SESSION_TOKEN: caller.sessionToken,
    });
    const { lines, restore: restoreStdout } = captureStdoutLines();
    try {
      const { handler } = loadBundledHandler();
      const first = await handler();
      const second = await handler();
      assert.equal(first["2025-02-24"], "天皇誕生日 振替休日");
      assert.deepEqual(second, first);
    } finally {
      restoreStdout();
      restore();
    }
    const logged = lines.map((l) => JSON.parse(l) as { status: number; cache: string });
    assert.deepEqual(
      logged.map((l) => [l.status, l.cache]),
      [
        [200, "stored"],
        [304, "revalidated"],
      ],
    );
  });
});

describe("routes through the offline twin: Cabinet Office naming", function () {
  this.timeout(30_000);

  it("serves 休日 for substitute holidays on both routes when holidayNames is cabinetOffice", async () => {
    const plan = await buildPlan("dev", { "holidays-api:holidayNames": "cabinetOffice" });
    const gw = await startGateway(plan);
    try {
      const caller = gw.identities[0];
      for (const url of [gw.dataUrl, `${gw.url}/api/v1/2025/data.json`]) {
        const r = await send(url, { headers: await sign(url, caller, { region: gw.region }) });
        assert.equal(r.status, 200, url);
        // 2025-02-24: 天皇誕生日 (02-23) fell on a Sunday → substitute holiday, 休日 in the Cabinet Office's CSV.
        assert.equal(json(r)["2025-02-24"], "休日", url);
      }
    } finally {
      await gw.close();
    }
  });
});
