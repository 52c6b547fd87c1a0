/**
 * sigv4/querySafeSigning.ts, checked against two signers nobody here wrote: for any query smithy can
 * sign, smithy's own sign()/presign() give the same request; for a `__proto__` parameter (smithy's
 * weak spot), botocore (python3-botocore) gives the same Authorization and presigned signature.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { needsQuerySafeSigning, presignQuerySafe, signQuerySafe } from "../../sigv4/querySafeSigning";
import { createSigner } from "../../sigv4/signer";
import { toHttpRequest, wireUrl } from "../../sigv4/signingRequest";

const DATE = new Date("2026-01-02T03:04:05Z");
const SCOPE = {
  region: "ap-northeast-1",
  service: "execute-api",
  credentials: { accessKeyId: "AKIDQUERYSAFE0000001", secretAccessKey: "query/safe/secret", sessionToken: "query-safe-token" },
};
const smithy = new SignatureV4({ ...SCOPE, sha256: Sha256, applyChecksum: false });
const BASE = "https://abc123.execute-api.ap-northeast-1.amazonaws.com";

const component = fc.string({
  unit: fc.constantFrom("a", "Z", "0", "-", "_", ".", "~", " ", "+", "%", "=", "&", "/", "é", "日", "!", "*"),
  maxLength: 6,
});
const queryArb = fc.array(fc.tuple(component, component), { maxLength: 5 });
const pathArb = fc.array(fc.constantFrom("dev", "api", "v1", "data.json", "a b", "%41", ".", "..", "", "日本"), {
  minLength: 1,
  maxLength: 5,
});

function urlOf(segments: string[], pairs: [string, string][]): string {
  const q = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return `${BASE}/${segments.map(encodeURIComponent).join("/")}${q ? `?${q}` : ""}`;
}

describe("querySafeSigning", () => {
  it("signs and presigns every query smithy can sign exactly as smithy's public sign()/presign() do", async () => {
    await fc.assert(
      fc.asyncProperty(pathArb, queryArb, fc.constantFrom(undefined, "", "body"), async (segments, pairs, body) => {
        const request = toHttpRequest(urlOf(segments, pairs), {
          method: body === undefined ? "GET" : "POST",
          headers: { accept: "a  b " },
          body,
        });
        fc.pre(!needsQuerySafeSigning(request.query));
        const theirs = await smithy.sign(request, { signingDate: DATE });
        const ours = await signQuerySafe(request, SCOPE, DATE);
        assert.deepEqual({ ...ours.headers }, { ...theirs.headers });
        const theirUrl = await smithy.presign(request, { signingDate: DATE, expiresIn: 300 });
        const ourUrl = await presignQuerySafe(request, SCOPE, DATE, 300);
        assert.deepEqual({ ...ourUrl.query }, { ...theirUrl.query });
      }),
      { numRuns: 300 },
    );
  });

  it("is used by createSigner only for a `__proto__` parameter, which smithy signs as [object Object]", async () => {
    const request = toHttpRequest(`${BASE}/dev/api/v1/data.json?__proto__=x&a=1`);
    assert.equal(needsQuerySafeSigning(request.query), true);
    assert.equal(needsQuerySafeSigning(toHttpRequest(`${BASE}/p?constructor=x&toString=y`).query), false);
    const signer = createSigner(SCOPE);
    assert.notEqual(
      String((await signer.sign(request, { signingDate: DATE })).headers.authorization),
      String((await smithy.sign(request, { signingDate: DATE })).headers.authorization),
    );
  });

  it("refuses a presigned URL valid for more than a week, as smithy does", async () => {
    await assert.rejects(presignQuerySafe(toHttpRequest(`${BASE}/p?__proto__=x`), SCOPE, DATE, 604_801), /within one week/);
  });

  describe("a `__proto__` parameter, against botocore", function () {
    const python = ["/usr/bin/python3", "python3"].find(
      (p) => spawnSync(p, ["-c", "import botocore.auth"], { stdio: "ignore" }).status === 0,
    );
    before(function () {
      if (!python) this.skip(); // CI installs python3-botocore (.ci/run)
    });
    const BOTOCORE = `
import sys, datetime
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, region, ak, sk, tk = sys.argv[1:6]
fixed = datetime.datetime(2026, 1, 2, 3, 4, 5)
class Fixed(datetime.datetime):  # botocore < 1.31 reads datetime.datetime.utcnow(), newer get_current_datetime()
    @classmethod
    def utcnow(cls): return fixed
botocore.auth.datetime = type(sys)("datetime"); botocore.auth.datetime.datetime = Fixed
botocore.auth.get_current_datetime = lambda *a, **k: fixed
creds = Credentials(ak, sk, tk)
h = AWSRequest(method="GET", url=url)
SigV4Auth(creds, "execute-api", region).add_auth(h)
q = AWSRequest(method="GET", url=url)
SigV4QueryAuth(creds, "execute-api", region, expires=300).add_auth(q)
print(h.headers["Authorization"])
print(q.url)
`;
    const botocore = (url: string): [string, URL] => {
      const { accessKeyId, secretAccessKey, sessionToken } = SCOPE.credentials;
      const r = spawnSync(python!, ["-c", BOTOCORE, url, SCOPE.region, accessKeyId, secretAccessKey, sessionToken], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const [authorization, presigned] = r.stdout.trim().split("\n");
      return [authorization, new URL(presigned)];
    };

    for (const query of ["__proto__=x", "__proto__=x&constructor=y&a=1", "a=1&__proto__=%2F%20&z="]) {
      it(`?${query}: the same Authorization header and presigned signature`, async () => {
        const url = wireUrl(toHttpRequest(`${BASE}/dev/api/v1/data.json?${query}`));
        const [authorization, presigned] = botocore(url);
        const signer = createSigner(SCOPE);
        const signed = await signer.sign(toHttpRequest(url), { signingDate: DATE });
        assert.equal(signed.headers.authorization, authorization);
        const ours = await signer.presign(toHttpRequest(url), { signingDate: DATE, expiresIn: 300 });
        assert.equal(ours.query?.["X-Amz-Signature"], presigned.searchParams.get("X-Amz-Signature"));
        assert.equal(new URL(wireUrl(ours)).searchParams.getAll("__proto__").join(), presigned.searchParams.getAll("__proto__").join());
      });
    }
  });
});
