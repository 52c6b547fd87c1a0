/**
 * AWS's Signature V4 test suite (../shared/sigv4-test-suite, 31 cases). Each `.req` is parsed and
 * built into a request by our own `toHttpRequest`, signed by @smithy/signature-v4, and the canonical
 * request, string to sign and Authorization header are compared with `.creq`, `.sts` and `.authz`.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { HeaderBag, HttpRequest } from "@smithy/types";
import { toHttpRequest } from "../sigv4/signingRequest";

const SUITE = path.resolve(__dirname, "..", "..", "shared", "sigv4-test-suite");
const DATE = new Date("2015-08-30T12:36:00Z");
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

/** Exposes the signer's own canonical-request and string-to-sign steps. */
class InspectableSigner extends SignatureV4 {
  canonicalRequest(req: HttpRequest, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(req, headers, payloadHash);
  }
  stringToSign(longDate: string, scope: string, canonical: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonical, "AWS4-HMAC-SHA256");
  }
}

interface ParsedReq {
  method: string;
  target: string;
  headers: [string, string][];
  body: string;
}

/** Parses a raw `.req`: request line, headers (with folded continuation lines), blank line, body. */
function parseReq(text: string): ParsedReq {
  const [head, ...bodyParts] = text.split("\n\n");
  const lines = head.split("\n");
  const m = /^(\S+) (.+) HTTP\/1\.1$/.exec(lines[0]);
  assert.ok(m, `bad request line ${lines[0]}`);
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (/^\s/.test(line) && headers.length > 0) headers[headers.length - 1][1] += `\n${line}`;
    else {
      const i = line.indexOf(":");
      headers.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return { method: m[1], target: m[2], headers, body: bodyParts.join("\n\n") };
}

function findCases(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (fs.existsSync(path.join(full, `${entry.name}.req`))) out.push(full);
    else out.push(...findCases(full));
  }
  return out.sort();
}

/** Cases where execute-api deliberately differs from the suite's assumption, with the reason. */
const DIFFERS: Record<string, string> = {
  "get-utf8":
    "execute-api (like every non-S3 service) URI-encodes each path segment twice. A URL's path is already encoded once, so SignatureV4 yields /%25E1%2588%25B4; the suite encodes the raw path once. Checked below with the decoded path instead.",
  "get-space":
    "same double-encoding rule as get-utf8: /example%2520space/ on the wire-encoded path. Checked below with the decoded path instead.",
  "get-header-value-multiline":
    "obsolete HTTP line folding: the suite joins folded lines with commas, SignatureV4 collapses them to spaces. A value with line breaks cannot be sent by fetch (it throws), so our client never signs one.",
  "post-sts-header-after":
    "the token is added after signing; SignatureV4 always signs X-Amz-Security-Token, which execute-api accepts, so this variant never occurs with our client.",
};

describe("SigV4 test suite (../shared/sigv4-test-suite)", () => {
  const cases = findCases(SUITE);

  it("has the 31 documented cases", () => {
    assert.equal(cases.length, 31);
  });

  it("cannot send a folded header value through fetch (why get-header-value-multiline does not apply)", () => {
    assert.throws(() => new Headers({ "my-header1": "value1\n  value2" }), TypeError);
  });

  for (const dir of cases) {
    const name = path.basename(dir);
    const read = (ext: string) => fs.readFileSync(path.join(dir, `${name}.${ext}`), "utf8");

    async function sign(decodePath: boolean) {
      const req = parseReq(read("req"));
      const host = req.headers.find(([k]) => k.toLowerCase() === "host")?.[1] ?? "";
      const url = new URL(`http://${host}${req.target.replace(/ /g, "%20")}`);
      const httpRequest = toHttpRequest(url, { method: req.method, headers: req.headers, body: req.body || undefined });
      if (decodePath) httpRequest.path = decodeURIComponent(httpRequest.path);
      const withToken = /X-Amz-Security-Token/i.test(read("creq"));
      const credentials = withToken ? { ...CREDENTIALS, sessionToken: TOKEN } : CREDENTIALS;
      const signer = new InspectableSigner({ service: "service", region: "us-east-1", credentials, sha256: Sha256, applyChecksum: false });
      const signed = await signer.sign(httpRequest, { signingDate: DATE });
      const authz = String(signed.headers.authorization);
      const signedHeaders = /SignedHeaders=([^,]+)/.exec(authz)![1].split(";");
      const bag: HeaderBag = {};
      for (const h of signedHeaders) bag[h] = String(signed.headers[h]).trim().replace(/\s+/g, " ");
      const payloadHash = (await import("node:crypto")).createHash("sha256").update(req.body).digest("hex");
      const creq = signer.canonicalRequest(signed, bag, payloadHash);
      const sts = await signer.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", creq);
      return { creq, sts, authz };
    }

    if (DIFFERS[name]) {
      it(`${name}: skipped as written (${DIFFERS[name].split(".")[0]})`, function () {
        this.skip();
      });
      if (name === "post-sts-header-after" || name === "get-header-value-multiline") continue;
      it(`${name}: matches once the path is decoded to the suite's single-encoding form`, async () => {
        const { creq, sts, authz } = await sign(true);
        assert.equal(creq, read("creq"));
        assert.equal(sts, read("sts"));
        assert.equal(authz, read("authz"));
      });
      continue;
    }
    it(`${name}: canonical request, string to sign and Authorization match`, async () => {
      const { creq, sts, authz } = await sign(false);
      assert.equal(creq, read("creq"));
      assert.equal(sts, read("sts"));
      assert.equal(authz, read("authz"));
    });
  }
});
