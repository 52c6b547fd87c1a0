/**
 * Hostile input at the local gateway: one named regression test per reproducer. Each
 * starts from a valid signed request and changes one thing; the expected answer is stated from AWS's
 * documented behaviour (sources beside each case), not computed by the verifier.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as net from "node:net";
import aws4 from "aws4";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { LocalIdentity } from "../../twin/identities";
import { Plan, buildPlan } from "../../twin/plan";
import { createSigner } from "../../sigv4/signer";
import { toHttpRequest, wireUrl } from "../../sigv4/signingRequest";
import { RawAnswer, RawRequest, answerMessage, rawExchange } from "../../tools/testkit/rawHttp";
import { sign } from "../../tools/testkit/http";

const REGION = "ap-northeast-1";
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/** The response head a raw socket receives (or what it had when it failed). */
function responseHead(socket: net.Socket): Promise<string> {
  return new Promise<string>((resolve) => {
    let data = "";
    socket.on("data", (c: Buffer) => {
      data += c.toString("latin1");
      if (data.includes("\r\n\r\n")) resolve(data);
    });
    socket.on("error", () => resolve(data));
  });
}

describe("hostile input at the gateway: regression tests", function () {
  this.timeout(30_000);
  let plan: Plan;
  let gw: RunningGateway;
  let port: number;
  let host: string;
  let caller: LocalIdentity;
  let intruder: LocalIdentity;
  before(async () => {
    plan = await buildPlan("dev");
    gw = await startGateway(plan);
    port = Number(new URL(gw.url).port);
    host = `127.0.0.1:${port}`;
    [caller, intruder] = gw.identities;
  });
  after(() => gw.close());
  afterEach(() => assert.equal(gw.stats().internalErrors, 0, "no request may reach an internal exception"));

  const path = () => new URL(gw.dataUrl).pathname;
  /** A valid request signed in the Authorization header by smithy, as raw header lines. */
  const signedRaw = async (who: LocalIdentity = caller, target = path(), extra: Record<string, string> = {}): Promise<RawRequest> => {
    const headers = await sign(`http://${host}${target}`, who, { region: REGION, headers: extra });
    return { target, headers: [["Host", host], ...Object.entries(headers).filter(([n]) => n !== "host")] };
  };
  const send = (r: RawRequest | Buffer) => rawExchange(port, r);
  const expectAnswer = (a: RawAnswer | undefined, status: number, errorType?: string, message?: string | RegExp) => {
    assert.ok(a, "an answer");
    assert.equal(a.status, status, a.body);
    if (errorType !== undefined) assert.equal(a.headers.get("x-amzn-errortype"), errorType, a.body);
    if (typeof message === "string") assert.equal(answerMessage(a), message);
    else if (message) assert.match(answerMessage(a) ?? "", message);
  };

  it("the unmodified signed request gets the holidays (baseline for every case below)", async () => {
    const a = await send(await signedRaw());
    expectAnswer(a, 200);
    assert.equal(a?.body, plan.dataDocument);
  });

  describe("false accepts", () => {
    for (const extra of ["__proto__=x", "%5F%5Fproto%5F%5F=x", "__proto__%5Ba%5D=1", "constructor=x", "hasOwnProperty=1"]) {
      it(`refuses a signed request replayed with ?${extra} (InvalidSignatureException)`, async () => {
        const r = await signedRaw();
        const a = await send({ ...r, target: `${r.target}?${extra}` });
        expectAnswer(a, 403, "InvalidSignatureException", MISMATCH);
      });
    }

    it("our client signs a ?__proto__=x query as __proto__=x (not [object Object]) and it verifies", async () => {
      const url = `http://${host}${path()}?__proto__=x&constructor=y`;
      const signed = await createSigner({ region: REGION, credentials: caller }).sign(toHttpRequest(url));
      const wire = wireUrl(signed);
      assert.equal(new URL(wire).search, "?__proto__=x&constructor=y");
      const target = new URL(wire).pathname + new URL(wire).search;
      const headers = Object.entries(signed.headers)
        .filter(([n]) => n !== "host")
        .map(([n, v]) => [n, String(v)] as [string, string]);
      expectAnswer(await send({ target, headers: [["Host", host], ...headers] }), 200);
    });

    it("refuses ?X-Amz-Signature=… added to a request signed in the Authorization header", async () => {
      const r = await signedRaw();
      // Only a presigned URL leaves X-Amz-Signature out of the canonical query ("Authenticating Requests: Using Query Parameters").
      expectAnswer(await send({ ...r, target: `${r.target}?X-Amz-Signature=anything` }), 403, "InvalidSignatureException", MISMATCH);
    });

    it("answers two Host headers with 400 (RFC 9112 §3.2), same or different values", async () => {
      const r = await signedRaw();
      for (const second of [host, "evil.example"]) {
        const a = await send({ ...r, headers: [...r.headers, ["Host", second]] });
        expectAnswer(a, 400, undefined, "Bad Request");
      }
    });

    it("refuses a signature made for another host or port", async () => {
      // Signed for, and sent with, a Host that is not this gateway: API Gateway routes by host → 403 Forbidden.
      const other = await sign(`http://127.0.0.1:${port + 1}${path()}`, caller, { region: REGION });
      const asSigned = {
        target: path(),
        headers: [["Host", other.host], ...Object.entries(other).filter(([n]) => n !== "host")] as [string, string][],
      };
      expectAnswer(await send(asSigned), 403, "ForbiddenException", "Forbidden");
      // Signed for another port, sent with this gateway's Host: the signed host differs → mismatch.
      expectAnswer(
        await send({ ...asSigned, headers: [["Host", host], ...asSigned.headers.slice(1)] }),
        403,
        "InvalidSignatureException",
        MISMATCH,
      );
    });
  });

  describe("internal exceptions any valid key could reach", () => {
    for (const name of ["constructor", "toString", "valueOf", "__proto__", "hasOwnProperty"]) {
      it(`SignedHeaders naming ${name} (not sent) is a signature mismatch, not an exception`, async () => {
        const r = await signedRaw();
        const headers = r.headers.map(
          ([n, v]) => [n, n === "authorization" ? v.replace("SignedHeaders=host;", `SignedHeaders=${name};host;`) : v] as [string, string],
        );
        expectAnswer(await send({ ...r, headers }), 403, "InvalidSignatureException", MISMATCH);
      });
    }

    it("a header really named constructor, signed, verifies like any other", async () => {
      expectAnswer(await send(await signedRaw(caller, path(), { constructor: "x", tostring: "y" })), 200);
    });
  });

  describe("lenient parsing that AWS rejects", () => {
    it("refuses `Credential= AKIA…` (space after =): missing equal-sign", async () => {
      const r = await signedRaw();
      const auth = r.headers.find(([n]) => n === "authorization")![1];
      const bad = auth.replace("Credential=", "Credential= ");
      const id = caller.accessKeyId;
      const a = await send({ ...r, headers: r.headers.map(([n, v]) => [n, n === "authorization" ? bad : v]) });
      expectAnswer(
        a,
        403,
        "IncompleteSignatureException",
        new RegExp(
          `^'${id}/\\d{8}/${REGION}/execute-api/aws4_request' not a valid key=value pair \\(missing equal-sign\\) in Authorization header: 'AWS4-HMAC-SHA256 Credential= ${id}/`,
        ),
      );
    });

    it("refuses a trailing `, garbage` part: missing equal-sign", async () => {
      const r = await signedRaw();
      const a = await send({ ...r, headers: r.headers.map(([n, v]) => [n, n === "authorization" ? `${v}, garbage` : v]) });
      expectAnswer(
        a,
        403,
        "IncompleteSignatureException",
        /^'garbage' not a valid key=value pair \(missing equal-sign\) in Authorization header: 'AWS4-HMAC-SHA256 /,
      );
    });

    for (const part of ["Credential", "Signature", "SignedHeaders"]) {
      it(`refuses a repeated ${part} part (a denied key placed first must not ride along)`, async () => {
        const mine = await signedRaw();
        const theirs = await signedRaw(intruder);
        const get = (r: RawRequest, p: string) => new RegExp(`${p}=([^, ]+)`).exec(r.headers.find(([n]) => n === "authorization")![1])![1];
        const auth = mine.headers.find(([n]) => n === "authorization")![1].replace(`${part}=`, `${part}=${get(theirs, part)}, ${part}=`);
        const a = await send({ ...mine, headers: mine.headers.map(([n, v]) => [n, n === "authorization" ? auth : v]) });
        expectAnswer(a, 403, "IncompleteSignatureException", new RegExp(`^'${part}' appears more than once in Authorization header: `));
      });
    }

    it("answers `Authorization: Bearer x` on a missing path with IncompleteSignatureException, as API Gateway does", async () => {
      const a = await send({
        target: `/${plan.stageName}/nope`,
        headers: [
          ["Host", host],
          ["Authorization", "Bearer x"],
        ],
      });
      expectAnswer(
        a,
        403,
        "IncompleteSignatureException",
        "'x' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer x'.",
      );
      // Without an Authorization header it stays Missing Authentication Token.
      expectAnswer(
        await send({ target: `/${plan.stageName}/nope`, headers: [["Host", host]] }),
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
      );
    });
  });

  describe("what AWS accepts", () => {
    /** aws4 (mhart/aws4), an implementation independent of ours and of smithy, signs the variants smithy cannot. */
    const aws4Raw = (headers: Record<string, string | string[]>, target = path(), signingTime?: string): RawRequest => {
      const signer = new aws4.RequestSigner(
        {
          host,
          path: target,
          method: "GET",
          service: "execute-api",
          region: REGION,
          headers: { Host: host, "X-Amz-Security-Token": caller.sessionToken, ...headers } as Record<string, string>,
          doNotModifyHeaders: true,
        },
        { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey },
      );
      // aws4 reads the time from the Date header with `new Date()`, which cannot parse ISO-8601 basic.
      if (signingTime) signer.datetime = signingTime;
      const opts = signer.sign();
      const lines: [string, string][] = [];
      for (const [n, v] of Object.entries(opts.headers ?? {})) for (const one of Array.isArray(v) ? v : [String(v)]) lines.push([n, one]);
      return { target, headers: lines };
    };
    const httpDate = (d: Date) => d.toUTCString(); // IMF-fixdate
    const isoBasic = (d: Date) =>
      d
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z")
        .replace(/[-:]/g, "");

    it("accepts a Date header (ISO-8601 basic) instead of X-Amz-Date", async () => {
      const now = isoBasic(new Date());
      expectAnswer(await send(aws4Raw({ Date: now }, path(), now)), 200);
    });

    it("accepts a Date header as an HTTP-date, signed (AWS's original suite signed `Date: Mon, 09 Sep 2011 23:36:00 GMT`)", async () => {
      expectAnswer(await send(aws4Raw({ Date: httpDate(new Date()) })), 200);
    });

    it("accepts a signed `date` header next to X-Amz-Date, and refuses it when the date is changed", async () => {
      const now = new Date();
      const r = aws4Raw({ "X-Amz-Date": isoBasic(now), Date: httpDate(now) });
      expectAnswer(await send(r), 200);
      const changed = r.headers.map(([n, v]) => [n, n === "Date" ? httpDate(new Date(now.getTime() - 1000)) : v] as [string, string]);
      expectAnswer(await send({ ...r, headers: changed }), 403, "InvalidSignatureException", MISMATCH);
    });

    it("accepts repeated headers signed as `a,b` (SigV4 suite get-header-value-order) and refuses them reordered", async () => {
      const r = aws4Raw({ "X-Amz-Date": isoBasic(new Date()), "X-Repeated": ["a", "b"] });
      assert.equal(r.headers.filter(([n]) => n === "X-Repeated").length, 2, "sent as two header lines");
      expectAnswer(await send(r), 200);
      const swapped = r.headers.map(([n, v]) => [n, n === "X-Repeated" ? (v === "a" ? "b" : "a") : v] as [string, string]);
      expectAnswer(await send({ ...r, headers: swapped }), 403, "InvalidSignatureException", MISMATCH);
    });

    it("refuses a Date header that is not a date, with AWS's ISO-8601 message", async () => {
      const now = isoBasic(new Date());
      const r = aws4Raw({ Date: now }, path(), now);
      const a = await send({ ...r, headers: r.headers.map(([n, v]) => [n, n === "Date" ? "yesterday" : v]) });
      expectAnswer(
        a,
        403,
        "IncompleteSignatureException",
        "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601",
      );
    });
  });

  describe("bodies and x-amz-content-sha256", () => {
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    const withBody = async (body: string, contentSha?: string): Promise<RawRequest> => {
      const headers = await sign(`http://${host}${path()}`, caller, {
        region: REGION,
        headers: contentSha ? { "x-amz-content-sha256": contentSha } : {},
      });
      // smithy takes the payload hash from x-amz-content-sha256 when present; otherwise it hashes no body (GET).
      return { target: path(), headers: [["Host", host], ...Object.entries(headers).filter(([n]) => n !== "host")], body };
    };

    it("accepts a signed x-amz-content-sha256 that matches the body", async () => {
      expectAnswer(await send(await withBody("abc", sha("abc"))), 200);
    });

    it("refuses a signed x-amz-content-sha256 that does not match the body (outside S3 the body is always hashed)", async () => {
      expectAnswer(await send(await withBody("abc", sha("xyz"))), 403, "InvalidSignatureException", MISMATCH);
      expectAnswer(await send(await withBody("abc", "UNSIGNED-PAYLOAD")), 403, "InvalidSignatureException", MISMATCH);
    });

    it("reads a body of 2 MB (over the old 64 KB limit) and answers by the signature", async () => {
      const a = await send(await withBody("x".repeat(2 * 1024 * 1024)));
      expectAnswer(a, 403, "InvalidSignatureException", MISMATCH); // signed without the body: the body changes the hash
    });

    it("answers 413 to a Content-Length over API Gateway's 10 MB at once, without waiting for the body", async () => {
      const socket = net.connect(port, "127.0.0.1");
      const started = Date.now();
      const head = responseHead(socket);
      socket.write(`POST ${path()} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${10 * 1024 * 1024 + 1}\r\n\r\nabc`);
      const answer = await head;
      socket.destroy();
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.ok(Date.now() - started < 2000, "answered before any body arrived");
    });

    it("answers 413 to a chunked body while it streams, once it passes 10 MB", async () => {
      const socket = net.connect(port, "127.0.0.1");
      let sent = 0;
      const head = responseHead(socket);
      socket.write(`POST ${path()} HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const chunk = Buffer.alloc(1024 * 1024, 97);
      const pump = () => {
        if (socket.destroyed || sent > 40 * chunk.length) return;
        sent += chunk.length;
        if (socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]))) setImmediate(pump);
        else socket.once("drain", pump);
      };
      pump();
      const answer = await head;
      socket.destroy();
      assert.match(answer, /^HTTP\/1\.1 413 /);
      assert.ok(sent < 40 * 1024 * 1024, `answered while the body was still streaming (${sent} bytes sent)`);
    });
  });

  describe("HTTP framing", () => {
    it("answers HTTP/1.1 without Host with 400 and a JSON body", async () => {
      const a = await send({ target: path(), headers: [] });
      expectAnswer(a, 400, undefined, "Bad Request");
    });
  });
});
