/** SigV4's date renderings from the UTC getters: the same text `Date#toISOString` gives, for every 4-digit year. */
import { strict as assert } from "node:assert";
import { signingDates } from "../../sigv4/signingDate";

/** The expectation, stated through a different route: toISOString's text without separators and milliseconds. */
function fromIsoString(date: Date): { longDate: string; shortDate: string } {
  const iso = date.toISOString(); // 2015-08-30T12:36:00.000Z
  const longDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return { longDate, shortDate: longDate.slice(0, 8) };
}

describe("signingDates", () => {
  it("renders AWS's SigV4 test-suite time as the suite's X-Amz-Date and scope date", () => {
    // aws-sig-v4-test-suite (tests/fixtures/sigv4-test-suite): every vector is signed at X-Amz-Date 20150830T123600Z,
    // credential scope 20150830/us-east-1/service/aws4_request.
    assert.deepEqual(signingDates(new Date("2015-08-30T12:36:00Z")), { longDate: "20150830T123600Z", shortDate: "20150830" });
  });

  it("zero-pads every field and drops the milliseconds", () => {
    assert.deepEqual(signingDates(new Date("2026-01-02T03:04:05.999Z")), { longDate: "20260102T030405Z", shortDate: "20260102" });
    assert.deepEqual(signingDates(new Date("2024-02-29T23:59:59.999Z")), { longDate: "20240229T235959Z", shortDate: "20240229" });
    assert.deepEqual(signingDates(new Date("1000-01-01T00:00:00Z")), { longDate: "10000101T000000Z", shortDate: "10000101" });
  });

  it("agrees with toISOString on 20,000 times spread over years 1000–9999, and on the ends of each month", () => {
    const lo = Date.UTC(1000, 0, 1);
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const times = Array.from({ length: 20_000 }, () => lo + Math.floor(next() * (hi - lo)));
    for (let m = 0; m < 24; m++) times.push(Date.UTC(2025, m + 1, 1) - 1, Date.UTC(2025, m + 1, 1));
    for (const t of times) {
      const d = new Date(t);
      assert.deepEqual(signingDates(d), fromIsoString(d), d.toISOString());
    }
  });

  it("declines what toISOString would not print with a 4-digit year, or at all (the signer then formats with smithy's)", () => {
    assert.equal(signingDates(new Date("0999-12-31T23:59:59Z")), undefined);
    assert.equal(signingDates(new Date(Date.UTC(10000, 0, 1))), undefined);
    assert.equal(signingDates(new Date(Number.NaN)), undefined);
  });
});
