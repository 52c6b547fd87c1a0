/**
 * Property-based hostile test (fast-check, seeded, bounded in count and time). Every generated case
 * is a freshly signed valid request with one hostile mutation (tests/helpers/hostileRequests.ts),
 * sent over a raw socket while a loop of valid requests measures latency. Asserted for every case:
 * - no 5xx (API Gateway answers none of these with one);
 * - no false accept: a 200 only for a request whose signed content is byte-identical to the valid one;
 * - no crash and no internal exception (the gateway's own count), no unhandled rejection;
 * - no stall: every valid request beside the load is answered 200, within 1 s.
 * A failure prints fast-check's seed and path; rerun with HOSTILE_SEED=<seed>.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { RunningGateway, startGateway } from "../../twin/gateway/server";
import { buildPlan } from "../../twin/plan";
import {
  FuzzTarget,
  applyMutation,
  expectedErrorType,
  fixBodyHash,
  legitimateAccept,
  mutatedRequest,
  mutationArb,
  validRequest,
} from "../../tools/testkit/hostileRequests";
import { rawExchange } from "../../tools/testkit/rawHttp";

const SEED = Number(process.env.HOSTILE_SEED ?? 20261125);
/** At most this many cases, and at most TIME_LIMIT_MS of them (a slower machine runs a prefix of the same seeded sequence). */
const RUNS = 300;
const TIME_LIMIT_MS = 6_000;

describe("hostile input, property-based (fast-check)", function () {
  this.timeout(60_000);
  let gw: RunningGateway;
  let target: FuzzTarget;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  before(async () => {
    // Short deadlines so a generated request that never completes costs half a second, not ten.
    gw = await startGateway(await buildPlan("dev"), { limits: { headersTimeoutMs: 500, requestTimeoutMs: 2_000 } });
    const port = Number(new URL(gw.url).port);
    target = {
      port,
      host: `127.0.0.1:${port}`,
      dataPath: new URL(gw.dataUrl).pathname,
      region: gw.region,
      caller: gw.identities[0],
      denied: gw.identities[1],
    };
    process.on("unhandledRejection", onUnhandled);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    await gw.close();
  });

  it(`no 5xx, no false accept, no internal exception, no stall (≤${RUNS} cases in ≤${TIME_LIMIT_MS / 1000} s, seed ${SEED})`, async () => {
    const latencies: number[] = [];
    let stop = false;
    const validLoop = (async () => {
      while (!stop) {
        const req = await validRequest(target, latencies.length % 2 === 1);
        const t = process.hrtime.bigint();
        const a = await rawExchange(target.port, req, 5000);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        assert.equal(a?.status, 200, `a valid request beside the load got ${a?.status} ${a?.body}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const counts = new Map<string, number>();
    let cases = 0;
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(mutationArb, fc.boolean(), async (m, presigned) => {
          const { valid, sent } = await mutatedRequest(target, m, presigned);
          const a = await rawExchange(target.port, sent, 5000);
          cases++;
          const label = `${m.kind}/${presigned ? "query" : "header"} → ${a?.status ?? "closed"}`;
          counts.set(label, (counts.get(label) ?? 0) + 1);
          if (a) assert.ok(a.status < 500, `5xx: ${a.status} ${a.body} for ${JSON.stringify(m)}`);
          if (a?.status === 200) assert.ok(legitimateAccept(target, valid, sent), `false accept: 200 for ${JSON.stringify(m)}`);
          const expected = expectedErrorType(m, presigned);
          if (expected) assert.equal(a?.headers.get("x-amzn-errortype"), expected, `${JSON.stringify(m)} got ${a?.status} ${a?.body}`);
          assert.equal(gw.stats().internalErrors, 0, `internal exception for ${JSON.stringify(m)}`);
        }),
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true },
      );
    } finally {
      stop = true;
      await validLoop;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    console.log(
      `      ${cases} hostile cases in ${Date.now() - started} ms; ${latencies.length} valid requests beside them: p50 ${p(0.5).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
    );
    assert.ok(latencies.length > 0, "valid requests ran beside the load");
    assert.ok(cases >= 50, `only ${cases} cases ran`);
    assert.ok(sorted[sorted.length - 1] < 1000, `a valid request took ${sorted[sorted.length - 1].toFixed(0)} ms beside the load`);
    assert.deepEqual(unhandled, []);
    const still = await rawExchange(target.port, await validRequest(target, false));
    assert.equal(still?.status, 200, "the gateway still serves afterwards");
    assert.ok(
      [...counts.keys()].some((k) => k.startsWith("none/") && k.endsWith("200")),
      "unmodified requests were accepted",
    );
  });
});

/**
 * The same generator and oracle through a VPC endpoint's listener of the private stack (requests there
 * carry aws:SourceVpce; x-apigw-api-id and Host may name another API), and at its main listener, where a
 * PRIVATE API accepts nothing: every answer there must be a refusal.
 */
describe("hostile input, property-based, on the private stack (endpointType private)", function () {
  this.timeout(60_000);
  const PRIVATE_RUNS = 150;
  const PRIVATE_TIME_MS = 4_000;
  let gw: RunningGateway;
  const targetAt = (url: string, apiId?: string): FuzzTarget => {
    const u = new URL(url);
    return {
      port: Number(u.port),
      host: u.host,
      dataPath: `${u.pathname}/api/v1/data.json`,
      region: gw.region,
      caller: gw.identities[0],
      denied: gw.identities[1],
      apiId,
    };
  };
  before(async () => {
    gw = await startGateway(await buildPlan("dev", { "holidays-api:endpointType": "private" }), {
      limits: { headersTimeoutMs: 500, requestTimeoutMs: 2_000 },
    });
  });
  after(() => gw.close());

  it(`through the endpoint's listener: no 5xx, no false accept, no internal exception (≤${PRIVATE_RUNS} cases, seed ${SEED})`, async () => {
    assert.equal(gw.endpoints.length, 1, "the private stack declares one endpoint");
    const target = targetAt(gw.endpoints[0].url, gw.plan.declared.api.restApiId);
    const counts = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutationArb, fc.boolean(), async (m, presigned) => {
        const { valid, sent } = await mutatedRequest(target, m, presigned);
        const a = await rawExchange(target.port, sent, 5000);
        const label = `${m.kind} → ${a?.status ?? "closed"}`;
        counts.set(label, (counts.get(label) ?? 0) + 1);
        if (a) assert.ok(a.status < 500, `5xx: ${a.status} ${a.body} for ${JSON.stringify(m)}`);
        if (a?.status === 200) assert.ok(legitimateAccept(target, valid, sent), `false accept: 200 for ${JSON.stringify(m)}`);
        assert.equal(gw.stats().internalErrors, 0, `internal exception for ${JSON.stringify(m)}`);
      }),
      { seed: SEED, numRuns: PRIVATE_RUNS, interruptAfterTimeLimit: PRIVATE_TIME_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    assert.ok(
      [...counts.keys()].some((k) => k === "none → 200"),
      "unmodified requests through the endpoint were accepted",
    );
    assert.ok(
      [...counts.keys()].some((k) => k.startsWith("apiIdHeader → 403")),
      "requests naming another API were refused",
    );
  });

  it("at the main listener (outside any endpoint): nothing is accepted, not even the unmodified request", async () => {
    const target = targetAt(gw.url);
    const statuses = new Set<number | undefined>();
    await fc.assert(
      fc.asyncProperty(mutationArb, fc.boolean(), async (m, presigned) => {
        const valid = await validRequest(target, presigned);
        const sent = fixBodyHash(applyMutation(target, valid, m, valid));
        const a = await rawExchange(target.port, sent, 5000);
        statuses.add(a?.status);
        if (a) assert.ok(a.status !== 200 && a.status < 500, `${a.status} ${a.body} for ${JSON.stringify(m)}`);
      }),
      { seed: SEED, numRuns: 80, interruptAfterTimeLimit: 2_000, markInterruptAsFailure: false, endOnFailure: true },
    );
    const a = await rawExchange(target.port, await validRequest(target, false));
    assert.deepEqual([a?.status, a?.headers.get("x-amzn-errortype"), a?.body], [403, "ForbiddenException", '{"message":"Forbidden"}']);
    assert.ok(statuses.size > 0);
  });
});
