/**
 * Hostile clients at the transport: slow clients are cut at the configured deadline (not
 * 24–40 s later), 200 slowloris connections do not delay a valid request, the connection cap holds,
 * and a stderr nobody reads can neither stall nor kill the gateway, started as users start it (its
 * contract line first, stopped by SIGTERM).
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import * as readline from "node:readline";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { buildPlan } from "../../twin/plan";
import { send, sign } from "../../tools/testkit/http";

const ROOT = path.join(__dirname, "..", "..");
const REGION = "ap-northeast-1";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Opens a connection that sends a request line and then one header byte every `everyMs`, never finishing. */
function slowloris(port: number, everyMs: number): { socket: net.Socket; closedAt: Promise<number> } {
  const socket = net.connect(port, "127.0.0.1");
  const timer = setInterval(() => socket.writable && socket.write("a"), everyMs);
  socket.on("connect", () => socket.write("GET /dev/api/v1/data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  socket.on("error", () => undefined);
  const closedAt = new Promise<number>((resolve) =>
    socket.on("close", () => {
      clearInterval(timer);
      resolve(Date.now());
    }),
  );
  return { socket, closedAt };
}

describe("hostile clients at the transport", function () {
  this.timeout(60_000);

  describe("deadlines and the connection cap", () => {
    let gw: RunningGateway;
    let port: number;
    before(async () => {
      gw = await startGateway(await buildPlan("dev"), { limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, maxConnections: 300 } });
      port = Number(new URL(gw.url).port);
    });
    after(() => gw.close());

    it("closes a client that never finishes its headers at the header deadline (400 ms here), not 24–40 s later", async () => {
      const started = Date.now();
      const { closedAt } = slowloris(port, 50);
      const elapsed = (await closedAt) - started;
      assert.ok(elapsed >= 350 && elapsed < 1500, `closed after ${elapsed} ms`);
    });

    it("closes a client that never finishes its body at the request deadline (800 ms here)", async () => {
      const socket = net.connect(port, "127.0.0.1");
      const started = Date.now();
      const timer = setInterval(() => socket.writable && socket.write("a"), 50);
      socket.on("error", () => undefined);
      socket.write(`POST /dev/api/v1/data.json HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 100000\r\n\r\n`);
      const elapsed = await new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now() - started)));
      clearInterval(timer);
      assert.ok(elapsed >= 750 && elapsed < 2000, `closed after ${elapsed} ms`);
    });

    it("200 slowloris connections do not delay a valid request by more than a few milliseconds", async () => {
      const timeValid = async (n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) {
          const headers = await sign(gw.dataUrl, gw.identities[0], { region: REGION });
          const t = process.hrtime.bigint();
          const r = await send(gw.dataUrl, { headers });
          out.push(Number(process.hrtime.bigint() - t) / 1e6);
          assert.equal(r.status, 200);
        }
        return out;
      };
      await timeValid(5); // warm up
      const before = median(await timeValid(30));
      // Headers are due in 400 ms here; 1 byte per 100 ms keeps each connection alive until then.
      const gw2 = await startGateway(gw.plan, {
        identities: () => gw.identities,
        limits: { headersTimeoutMs: 10_000, maxConnections: 1024 },
      });
      const port2 = Number(new URL(gw2.url).port);
      const attackers = Array.from({ length: 200 }, () => slowloris(port2, 100));
      try {
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(gw2.stats().openConnections, 200, "all 200 slow connections are open");
        const timeOn = async (n: number) => {
          const out: number[] = [];
          for (let i = 0; i < n; i++) {
            const headers = await sign(gw2.dataUrl, gw2.identities[0], { region: REGION });
            const t = process.hrtime.bigint();
            const r = await send(gw2.dataUrl, { headers });
            out.push(Number(process.hrtime.bigint() - t) / 1e6);
            assert.equal(r.status, 200);
          }
          return out;
        };
        const during = median(await timeOn(30));
        console.log(`      valid request median: ${before.toFixed(2)} ms alone, ${during.toFixed(2)} ms beside 200 slowloris connections`);
        assert.ok(during - before < 10, `median grew from ${before.toFixed(2)} to ${during.toFixed(2)} ms`);
      } finally {
        attackers.forEach((a) => a.socket.destroy());
        await gw2.close();
      }
    });

    it("caps open connections: past the cap, new ones are closed on arrival", async () => {
      const gw3 = await startGateway(gw.plan, { limits: { maxConnections: 5 } });
      const port3 = Number(new URL(gw3.url).port);
      const held = Array.from({ length: 5 }, () => slowloris(port3, 100));
      try {
        await new Promise((r) => setTimeout(r, 200));
        const extra = net.connect(port3, "127.0.0.1");
        extra.on("error", () => undefined);
        const closed = await new Promise<boolean>((resolve) => {
          extra.on("close", () => resolve(true));
          setTimeout(() => resolve(false), 2000);
        });
        assert.ok(closed, "the sixth connection was closed");
      } finally {
        held.forEach((h) => h.socket.destroy());
        await gw3.close();
      }
    });
  });

  describe("npm run --silent gateway, as a user starts it, with a stderr nobody reads", () => {
    it("prints the contract line first, neither stalls nor dies on an unread then closed stderr, and stops on SIGTERM", async function () {
      this.timeout(90_000);
      // --silent: npm prints its own "> script" banner on stdout otherwise (docs/twin.md). stderr is a
      // pipe this test never reads: the gateway must survive a reader that never comes, then goes away.
      const child = spawn("npm", ["run", "--silent", "gateway", "--", "--port", "0", "--log-requests"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const exit = new Promise<[number | null, string | null]>((resolve) => child.once("exit", (code, signal) => resolve([code, signal])));
      try {
        const first = await new Promise<string>((resolve, reject) => {
          readline.createInterface({ input: child.stdout }).once("line", resolve);
          child.once("exit", (code) => reject(new Error(`gateway exited early with ${code}`)));
        });
        const contract = JSON.parse(first) as {
          url: string;
          dataUrl: string;
          region: string;
          allowed: { arn: string; accessKeyId: string; secretAccessKey: string; sessionToken: string }[];
          denied: { arn: string }[];
        };
        assert.match(contract.url, /^http:\/\/127\.0\.0\.1:\d+\/dev$/);
        assert.equal(contract.dataUrl, `${contract.url}/api/v1/data.json`);
        assert.equal(contract.region, "ap-northeast-1");
        assert.equal(contract.allowed.length, 1);
        assert.deepEqual(Object.keys(contract.allowed[0]).sort(), ["accessKeyId", "arn", "secretAccessKey", "sessionToken"]);
        assert.ok(contract.denied.length >= 1);
        const signed = await send(contract.dataUrl, {
          headers: await sign(contract.dataUrl, contract.allowed[0], { region: contract.region }),
        });
        assert.equal(signed.status, 200);
        // Each request logs a line of ~300 bytes; 3,000 of them are far past a pipe's 64 KiB buffer.
        const longPath = `${contract.dataUrl}?${"pad=".repeat(60)}`;
        const batch = async (n: number) => {
          for (let i = 0; i < n; i += 50) {
            const answers = await Promise.all(Array.from({ length: 50 }, () => send(longPath)));
            answers.forEach((a) => assert.equal(a.status, 403));
          }
        };
        const t0 = Date.now();
        await batch(3000);
        console.log(`      3,000 logged requests with stderr unread: ${Date.now() - t0} ms`);
        child.stderr.destroy(); // the reader goes away: writes now fail with EPIPE
        await batch(500);
        assert.equal(child.exitCode, null, "the gateway is still running");
        const ok = await send(contract.dataUrl);
        assert.equal(ok.status, 403);
        child.kill("SIGTERM");
        // npm forwards SIGTERM to the gateway, waits for it, then re-raises the signal on itself.
        const [code, signal] = await exit;
        assert.ok(code === 0 || signal === "SIGTERM", `npm ended with ${code} / ${signal}`);
        await assert.rejects(send(contract.dataUrl), /ECONNREFUSED/, "the gateway has stopped listening");
      } finally {
        child.kill("SIGTERM");
        await exit;
      }
    });
  });
});
