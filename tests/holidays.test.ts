import { strict as assert } from "node:assert";
import { HOLIDAY_YEAR_RANGE, defaultYears, holidaysDocument, holidaysForYears, yearInJapan } from "../lib/holidays";

describe("holidays", () => {
  // 2019-05-01 is the day of the Emperor's enthronement (天皇の即位の日). The dataset, like the Cabinet
  // Office's syukujitsu.csv it follows, labels it 休日（祝日扱い）; we serve the dataset verbatim.
  it("holds the known holidays of 2019 and 2020", () => {
    const h = holidaysForYears([2019, 2020]);
    assert.equal(h["2019-05-01"], "休日（祝日扱い）");
    assert.equal(h["2020-07-24"], "スポーツの日");
    assert.equal(h["2020-01-01"], "元日");
    assert.ok(Object.keys(h).every((d) => d.startsWith("2019-") || d.startsWith("2020-")));
  });

  it("renders valid JSON with sorted keys and no trailing comma", () => {
    const text = holidaysDocument([2026, 2025]);
    const parsed = JSON.parse(text) as Record<string, string>;
    const keys = Object.keys(parsed);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(keys.length > 30);
    assert.doesNotMatch(text, /,\s*}/);
    assert.ok(keys.every((k) => /^\d{4}-\d{2}-\d{2}$/.test(k)));
  });

  it("gives the same document whatever the process time zone is", () => {
    const saved = process.env.TZ;
    try {
      const results = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati"].map((tz) => {
        process.env.TZ = tz;
        return holidaysDocument([2025, 2026]);
      });
      assert.ok(results.every((r) => r === results[0]));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("takes the year in Japan for the defaults", () => {
    assert.equal(yearInJapan(new Date("2026-12-31T14:59:59Z")), 2026);
    assert.equal(yearInJapan(new Date("2026-12-31T15:00:00Z")), 2027);
    assert.deepEqual(defaultYears(new Date("2026-12-31T15:00:00Z")), [2026, 2027, 2028]);
  });

  it("knows the dataset's range", () => {
    assert.equal(HOLIDAY_YEAR_RANGE.min, 1970);
    assert.equal(HOLIDAY_YEAR_RANGE.max, 2050);
    assert.deepEqual(defaultYears(new Date("2050-06-01T00:00:00Z")), [2049, 2050]);
  });
});
