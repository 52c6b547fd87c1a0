/**
 * The gateway's own canonical request and signature arithmetic (twin/gateway/canonicalRequest.ts,
 * signingKey.ts) against AWS's SigV4 test suite (tests/fixtures/sigv4-test-suite): each `.req` is read as
 * it would arrive on the wire, and the canonical request must equal `.creq` and the signature the one
 * in `.authz`. This is what makes the verifier independent of the signing client (smithy).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { canonicalRequest, canonicalUri, headerLines, parseRawQuery } from "../../twin/gateway/canonicalRequest";
import { signature, signingKey, stringToSign } from "../../twin/gateway/signingKey";
import { findCases, readWire } from "../helpers/sigv4Suite";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SCOPE = "20150830/us-east-1/service/aws4_request";

/** Cases a wire request cannot express, with the reason. */
const NOT_ON_THE_WIRE: Record<string, string> = {
  "get-utf8":
    "a raw UTF-8 path; on the wire it is percent-encoded, and the service then encodes that once more (non-S3 double encoding), as tests/sigv4Suite.test.ts explains",
  "get-space": "a raw space in the path cannot be sent in an HTTP request line",
  "get-header-value-multiline": "obsolete line folding, which Node's HTTP parser (like API Gateway's front end) does not accept",
  "post-sts-header-after": "the token is added after signing: not part of the canonical request by design",
};

describe("the gateway's canonical request against AWS's SigV4 test suite", () => {
  for (const dir of findCases()) {
    const name = path.basename(dir);
    const read = (ext: string) => fs.readFileSync(path.join(dir, `${name}.${ext}`), "utf8");
    if (NOT_ON_THE_WIRE[name]) {
      it.skip(`${name}: ${NOT_ON_THE_WIRE[name]}`);
      continue;
    }
    it(`${name}: canonical request = .creq and signature = .authz`, () => {
      const wire = readWire(read("req"));
      const q = wire.target.indexOf("?");
      const signedHeadersText = /SignedHeaders=([^,]+)/.exec(read("authz"))![1];
      const creq = canonicalRequest({
        method: wire.method,
        wirePath: q === -1 ? wire.target : wire.target.slice(0, q),
        query: parseRawQuery(q === -1 ? "" : wire.target.slice(q + 1)).pairs,
        omitQueryIndex: -1,
        headers: headerLines(wire.rawHeaders, {}),
        signedNames: signedHeadersText.split(";"),
        signedHeadersText,
        body: Buffer.from(wire.body),
      });
      assert.equal(creq, read("creq"));
      const sig = signature(signingKey(SECRET, "20150830", "us-east-1", "service"), stringToSign("20150830T123600Z", SCOPE, creq!));
      assert.equal(sig, /Signature=([0-9a-f]{64})/.exec(read("authz"))![1]);
    });
  }

  it("encodes the wire path once more, as non-S3 services do (/a%20b → /a%2520b), and drops dot segments", () => {
    assert.equal(canonicalUri("/a%20b/"), "/a%2520b/");
    assert.equal(canonicalUri("/a/./b/../c//d"), "/a/c/d");
    assert.equal(canonicalUri("/"), "/");
  });

  it("keeps prototype names as ordinary query names", () => {
    assert.deepEqual(parseRawQuery("__proto__=x&constructor=y&%5F%5Fproto%5F%5F=z").pairs, [
      ["__proto__", "x"],
      ["constructor", "y"],
      ["__proto__", "z"],
    ]);
  });
});
