/**
 * AWS's Signature V4 test suite (tests/fixtures/sigv4-test-suite, 31 cases; provenance and
 * licence in its PROVENANCE.md). Each `.req` is parsed and
 * built into a request by our own `toHttpRequest`, signed by @smithy/signature-v4 through its public
 * `sign()` and by sigv4/querySafeSigning.ts, and only public output is asserted, as smithy's own `suite.spec.ts` does: the
 * Authorization header against `.authz` (its signature is an HMAC over the string to sign, itself a
 * hash of the canonical request, so a match proves `.creq` and `.sts` too), and the signed request's
 * headers against `.sreq`.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { signQuerySafe } from "../../sigv4/querySafeSigning";
import { toHttpRequest } from "../../sigv4/signingRequest";
import { findCases } from "../helpers/sigv4Suite";

const DATE = new Date("2015-08-30T12:36:00Z");
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const TOKEN =
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

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

describe("SigV4 test suite (tests/fixtures/sigv4-test-suite)", () => {
  const cases = findCases();

  it("has the 31 documented cases", () => {
    assert.equal(cases.length, 31);
  });

  it("cannot send a folded header value through fetch (why get-header-value-multiline does not apply)", () => {
    assert.throws(() => new Headers({ "my-header1": "value1\n  value2" }), TypeError);
  });

  for (const dir of cases) {
    const name = path.basename(dir);
    const read = (ext: string) => fs.readFileSync(path.join(dir, `${name}.${ext}`), "utf8");

    async function sign(decodePath: boolean, own: boolean) {
      const req = parseReq(read("req"));
      const host = req.headers.find(([k]) => k.toLowerCase() === "host")?.[1] ?? "";
      const url = new URL(`http://${host}${req.target.replace(/ /g, "%20")}`);
      const httpRequest = toHttpRequest(url, { method: req.method, headers: req.headers, body: req.body || undefined });
      if (decodePath) httpRequest.path = decodeURIComponent(httpRequest.path);
      const withToken = /X-Amz-Security-Token/i.test(read("creq"));
      const credentials = withToken ? { ...CREDENTIALS, sessionToken: TOKEN } : CREDENTIALS;
      const signer = new SignatureV4({ service: "service", region: "us-east-1", credentials, sha256: Sha256, applyChecksum: false });
      const signed = own
        ? await signQuerySafe(httpRequest, { service: "service", region: "us-east-1", credentials }, DATE)
        : await signer.sign(httpRequest, { signingDate: DATE });
      return { authz: String(signed.headers.authorization), headers: signed.headers };
    }

    /** The headers the signer adds, as `.sreq` lists them (name lower-cased → value). */
    function addedBySigner(): Record<string, string> {
      const sreq = parseReq(read("sreq"));
      const out: Record<string, string> = {};
      for (const [k, v] of sreq.headers) {
        const name = k.toLowerCase();
        if (name === "authorization" || name === "x-amz-date" || name === "x-amz-security-token") out[name] = v.trim();
      }
      return out;
    }

    async function assertMatches(decodePath: boolean): Promise<void> {
      for (const own of [false, true]) {
        const { authz, headers } = await sign(decodePath, own);
        const who = own ? "querySafeSigning" : "smithy";
        assert.equal(authz, read("authz"), who);
        for (const [name, value] of Object.entries(addedBySigner()))
          assert.equal(String(headers[name]), value, `${who}: ${name} as in ${name}.sreq`);
      }
    }

    if (DIFFERS[name]) {
      it(`${name}: skipped as written (${DIFFERS[name].split(".")[0]})`, function () {
        this.skip();
      });
      if (name === "post-sts-header-after" || name === "get-header-value-multiline") continue;
      it(`${name}: matches once the path is decoded to the suite's single-encoding form`, () => assertMatches(true));
      continue;
    }
    it(`${name}: the signed request's Authorization and signing headers match`, () => assertMatches(false));
  }
});
