/** The signer factory: one signer per static credential set, signing exactly as a fresh one does. */
import { strict as assert } from "node:assert";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { MAX_SHARED_SIGNERS, RequestSigner, createSigner } from "../../sigv4/signer";
import { toHttpRequest } from "../../sigv4/signingRequest";

const URL = "https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json?b=2&a=1";
const DATE = new Date("2026-01-02T03:04:05Z");
const CREDS = { accessKeyId: "AKIDSIGNERTEST000001", secretAccessKey: "signer/test/secret", sessionToken: "signer-token" };

/** The expected Authorization: an independent signer (pure-JS SHA-256), built afresh for this one call. */
async function expectedAuthorization(
  creds: typeof CREDS,
  region = "ap-northeast-1",
  signingDate: Date | number | string = DATE,
): Promise<string> {
  const fresh = new SignatureV4({
    service: "execute-api",
    region,
    credentials: creds,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  return String((await fresh.sign(toHttpRequest(URL), { signingDate })).headers.authorization);
}

const authorizationOf = async (signer: RequestSigner, signingDate: Date | number | string = DATE) =>
  String((await signer.sign(toHttpRequest(URL), { signingDate })).headers.authorization);

describe("createSigner", () => {
  it("reuses one signer for equal static credentials, and signs as a fresh signer would", async () => {
    const a = createSigner({ region: "ap-northeast-1", credentials: { ...CREDS } });
    const b = createSigner({ region: "ap-northeast-1", credentials: { ...CREDS } });
    assert.equal(a, b, "the same credential set gets the same signer (its signing-key cache survives)");
    const expected = await expectedAuthorization(CREDS);
    assert.equal(await authorizationOf(a), expected);
    assert.equal(await authorizationOf(b), expected, "a second signature from the reused signer is still right");
  });

  it("keeps credential sets, regions and services apart", async () => {
    const base = createSigner({ region: "ap-northeast-1", credentials: CREDS });
    const otherSecret = { ...CREDS, secretAccessKey: "another/secret" };
    const variants = [
      createSigner({ region: "ap-northeast-1", credentials: otherSecret }),
      createSigner({ region: "ap-northeast-1", credentials: { ...CREDS, sessionToken: "other-token" } }),
      createSigner({ region: "us-east-1", credentials: CREDS }),
      createSigner({ region: "ap-northeast-1", service: "s3", credentials: CREDS }),
    ];
    for (const v of variants) assert.notEqual(v, base);
    assert.equal(await authorizationOf(variants[0]), await expectedAuthorization(otherSecret));
    assert.equal(await authorizationOf(variants[2]), await expectedAuthorization(CREDS, "us-east-1"));
  });

  it("signs every form of signing date as smithy's own signer does (a Date, epoch seconds, a date string, a 5-digit year)", async () => {
    const signer = createSigner({ region: "ap-northeast-1", credentials: CREDS });
    const dates: (Date | number | string)[] = [
      DATE,
      new Date("2024-02-29T23:59:59.999Z"),
      DATE.getTime() / 1000,
      "2026-01-02T03:04:05Z",
      new Date(Date.UTC(10000, 0, 1)),
    ];
    for (const date of dates)
      assert.equal(await authorizationOf(signer, date), await expectedAuthorization(CREDS, "ap-northeast-1", date), String(date));
    // And the rendering itself, stated independently: the date's own X-Amz-Date and scope.
    const signed = await signer.sign(toHttpRequest(URL), { signingDate: DATE });
    assert.equal(signed.headers["x-amz-date"], "20260102T030405Z");
    assert.match(
      String(signed.headers.authorization),
      /Credential=AKIDSIGNERTEST000001\/20260102\/ap-northeast-1\/execute-api\/aws4_request,/,
    );
  });

  it("never shares a signer built on a credential provider (it may rotate)", () => {
    const provider = async () => CREDS;
    assert.notEqual(
      createSigner({ region: "ap-northeast-1", credentials: provider }),
      createSigner({ region: "ap-northeast-1", credentials: provider }),
    );
  });

  it("bounds how many signers it keeps and still signs right past the bound", async () => {
    const first = createSigner({ region: "ap-northeast-1", credentials: { ...CREDS, accessKeyId: "AKIDBOUND00000000000" } });
    for (let i = 0; i < MAX_SHARED_SIGNERS; i++)
      createSigner({ region: "ap-northeast-1", credentials: { ...CREDS, accessKeyId: `AKIDBOUND${String(i + 1).padStart(11, "0")}` } });
    const again = createSigner({ region: "ap-northeast-1", credentials: { ...CREDS, accessKeyId: "AKIDBOUND00000000000" } });
    assert.notEqual(again, first, "the oldest was dropped and is built anew");
    assert.equal(await authorizationOf(again), await expectedAuthorization({ ...CREDS, accessKeyId: "AKIDBOUND00000000000" }));
  });
});
