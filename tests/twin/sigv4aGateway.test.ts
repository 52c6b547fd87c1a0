/**
 * SigV4a at the loopback gateway, signed by clients nobody here wrote: `@smithy/signature-v4a`
 * (header form) and AWS's own C signer through Debian's python3-awscrt (header and presigned query
 * form). Expected answers are the ones the gateway gives SigV4 (authErrors.ts, with their sources).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4a } from "@smithy/signature-v4a";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { LocalIdentity } from "../../twin/identities";
import { buildPlan } from "../../twin/plan";
import { toHttpRequest } from "../../sigv4/signingRequest";
import { RawResponse, send } from "../../tools/testkit/http";
import { rawExchange } from "../../tools/testkit/rawHttp";
import { sigV4aRequest } from "../../tools/testkit/sigv4aHostile";

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const AWSCRT = `
import sys, datetime
from awscrt import auth, http
url, region_set, ak, sk, tk, form = sys.argv[1:7]
from urllib.parse import urlsplit
u = urlsplit(url)
req = http.HttpRequest("GET", u.path + ("?" + u.query if u.query else ""), http.HttpHeaders([("host", u.netloc)]))
creds = auth.AwsCredentialsProvider.new_static(ak, sk, tk)
kind = auth.AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS if form == "query" else auth.AwsSignatureType.HTTP_REQUEST_HEADERS
config = auth.AwsSigningConfig(auth.AwsSigningAlgorithm.V4_ASYMMETRIC, kind, creds, region_set, "execute-api",
    date=datetime.datetime.now(datetime.timezone.utc), expiration_in_seconds=300 if form == "query" else None,
    signed_body_value=None)
signed = auth.aws_sign_request(req, config).result(10)
print(signed.path)
for name, value in signed.headers:
    print(name + ":" + value)
`;

const awscrtAvailable = spawnSync("/usr/bin/python3", ["-c", "import awscrt.auth"], { stdio: "ignore" }).status === 0;

describe("SigV4a at the gateway (AWS4-ECDSA-P256-SHA256)", function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let caller: LocalIdentity;
  before(async () => {
    gw = await startGateway(await buildPlan("dev"));
    [caller] = gw.identities;
  });
  after(() => gw.close());

  const creds = () => ({ accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey, sessionToken: caller.sessionToken });
  const errorOf = (r: RawResponse) => [r.status, r.headers["x-amzn-errortype"], (JSON.parse(r.body) as { message: string }).message];

  async function smithyHeaders(regionSet: string): Promise<Record<string, string>> {
    const signer = new SignatureV4a({
      service: "execute-api",
      region: regionSet,
      credentials: creds(),
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(toHttpRequest(gw.dataUrl), {});
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) if (k !== "host") out[k] = String(v);
    return out;
  }

  it("@smithy/signature-v4a, header-signed GET for the API's region: 200 and the holidays", async () => {
    const headers = await smithyHeaders(gw.region);
    assert.match(
      headers.authorization,
      /^AWS4-ECDSA-P256-SHA256 Credential=[^/]+\/\d{8}\/execute-api\/aws4_request, SignedHeaders=[^,]*x-amz-region-set/,
    );
    const r = await send(gw.dataUrl, { headers });
    assert.equal(r.status, 200, r.body);
    assert.equal(typeof (JSON.parse(r.body) as Record<string, string>)["2026-01-01"], "string");
  });

  it("a region set of '*' or one naming the API's region among others: 200", async () => {
    for (const set of ["*", `eu-west-1,${gw.region}`])
      assert.equal((await send(gw.dataUrl, { headers: await smithyHeaders(set) })).status, 200, set);
  });

  it("a region set without the API's region: 403 InvalidSignatureException, as a SigV4 scope for another region", async () => {
    assert.deepEqual(errorOf(await send(gw.dataUrl, { headers: await smithyHeaders("eu-west-1") })), [
      403,
      "InvalidSignatureException",
      "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    ]);
  });

  it("a tampered signature or region set: 403 InvalidSignatureException, signature mismatch", async () => {
    const headers = await smithyHeaders(gw.region);
    const sig = /Signature=([0-9a-f]+)/.exec(headers.authorization)![1];
    const flipped = sig.slice(0, 20) + (sig[20] === "0" ? "1" : "0") + sig.slice(21);
    for (const changed of [
      { ...headers, authorization: headers.authorization.replace(sig, flipped) },
      { ...headers, "x-amz-region-set": "*" },
    ]) {
      assert.deepEqual(errorOf(await send(gw.dataUrl, { headers: changed })), [403, "InvalidSignatureException", MISMATCH]);
    }
  });

  it("the hostile generator's SigV4a forms (bad region sets, bad DER, algorithms mixed, region set unsigned or altered): all 403", async () => {
    const u = new URL(gw.dataUrl);
    for (const form of ["header", "query"] as const)
      for (let variant = 0; variant <= 8; variant++) {
        const m = { kind: "sigv4a" as const, form, variant, regionSet: "us-*", text: "x" };
        const a = await rawExchange(
          Number(u.port),
          sigV4aRequest(u.host, u.pathname, gw.region, creds(), { target: u.pathname, headers: [] }, m),
        );
        assert.equal(a?.status, 403, `${form} variant ${variant}: ${a?.body?.toString()}`);
      }
  });

  describe("AWS's C signer (python3-awscrt)", () => {
    before(function () {
      if (!awscrtAvailable) this.skip(); // CI installs python3-awscrt (.ci/run)
    });
    const awscrt = (regionSet: string, form: "header" | "query") => {
      const { accessKeyId, secretAccessKey, sessionToken } = creds();
      const r = spawnSync(
        "/usr/bin/python3",
        ["-c", AWSCRT, gw.dataUrl, regionSet, accessKeyId, secretAccessKey, sessionToken ?? "", form],
        {
          encoding: "utf8",
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const [target, ...lines] = r.stdout.trim().split("\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(":");
        if (line.slice(0, i).toLowerCase() !== "host") headers[line.slice(0, i)] = line.slice(i + 1);
      }
      return { url: new URL(target, gw.dataUrl).href, headers };
    };

    it("header-signed and presigned GETs: 200", async () => {
      for (const form of ["header", "query"] as const) {
        const { url, headers } = awscrt(gw.region, form);
        if (form === "query") assert.match(url, /X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256.*X-Amz-Region-Set=/);
        const r = await send(url, { headers });
        assert.equal(r.status, 200, `${form}: ${r.body}`);
      }
    });

    it("a presigned URL with a tampered signature or another region set: refused", async () => {
      const { url } = awscrt(gw.region, "query");
      const u = new URL(url);
      const sig = u.searchParams.get("X-Amz-Signature")!;
      u.searchParams.set("X-Amz-Signature", sig.slice(0, 20) + (sig[20] === "0" ? "1" : "0") + sig.slice(21));
      assert.deepEqual(errorOf(await send(u.href)), [403, "InvalidSignatureException", MISMATCH]);
      assert.deepEqual(errorOf(await send(awscrt("us-west-2", "query").url)), [
        403,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region, not 'us-west-2'. ",
      ]);
    });
  });
});
