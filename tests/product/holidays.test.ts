import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { DATASET_YEARS, HOLIDAY_YEAR_RANGE, holidayName, holidaysDocument, holidaysForYears } from "../../lib/holidays";

/** The Cabinet Office's syukujitsu.csv (see tests/fixtures/cabinet-office/PROVENANCE.md): date → name. */
function cabinetOfficeCsv(): Map<string, string> {
  const text = fs.readFileSync(path.join(__dirname, "..", "fixtures", "cabinet-office", "syukujitsu.csv"), "utf8");
  const rows = text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(","));
  return new Map(
    rows.map(([date, name]) => {
      const [y, m, d] = date.split("/");
      return [`${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`, name];
    }),
  );
}

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

  it("knows every year of the dataset: 1970 to 2050, none missing", () => {
    assert.deepEqual([HOLIDAY_YEAR_RANGE.min, HOLIDAY_YEAR_RANGE.max], [1970, 2050]);
    assert.equal(DATASET_YEARS.length, 2050 - 1970 + 1);
    assert.deepEqual(
      DATASET_YEARS,
      Array.from({ length: 81 }, (_, i) => 1970 + i),
    );
    assert.deepEqual(holidaysForYears([1969, 2051]), {}, "outside the dataset there is nothing to serve");
  });

  describe("naming", () => {
    // Known dates, each with the reason it is what it is:
    // - 2025-02-24 (Mon): 天皇誕生日 fell on Sunday 02-23, so the Monday is a substitute holiday (art. 3(2)).
    // - 2024-02-12 (Mon): 建国記念の日 fell on Sunday 02-11 → substitute holiday.
    // - 2019-05-06 (Mon): こどもの日 fell on Sunday 05-05 → substitute holiday.
    // - 2026-09-22 (Tue): between 敬老の日 (09-21) and 秋分の日 (09-23) → 国民の休日 (art. 3(3)).
    // - 2019-04-30 (Tue): between 昭和の日 and the enthronement day → 国民の休日.
    // - 2019-05-01: the enthronement day, 休日（祝日扱い） in both namings.
    const known: [date: string, dataset: string, cabinetOffice: string][] = [
      ["2025-02-24", "天皇誕生日 振替休日", "休日"],
      ["2024-02-12", "建国記念の日 振替休日", "休日"],
      ["2019-05-06", "こどもの日 振替休日", "休日"],
      ["2026-09-22", "休日", "休日"],
      ["2019-04-30", "休日", "休日"],
      ["2019-05-01", "休日（祝日扱い）", "休日（祝日扱い）"],
      ["2026-01-01", "元日", "元日"],
    ];
    for (const [date, datasetName, cabinetOfficeName] of known) {
      it(`names ${date} "${datasetName}" (dataset) and "${cabinetOfficeName}" (cabinetOffice)`, () => {
        const year = Number(date.slice(0, 4));
        assert.equal(holidaysForYears([year], "dataset")[date], datasetName);
        assert.equal(holidaysForYears([year])[date], datasetName, "dataset is the default");
        assert.equal(holidaysForYears([year], "cabinetOffice")[date], cabinetOfficeName);
      });
    }

    it("reproduces every row of the Cabinet Office CSV from 1970 with cabinetOffice naming, and no extra date", () => {
      const csv = cabinetOfficeCsv();
      const last = Math.max(...[...csv.keys()].map((d) => Number(d.slice(0, 4))));
      assert.equal(last, 2027, "the fixture covers 1955-2027");
      const years = DATASET_YEARS.filter((y) => y <= last);
      const ours = holidaysForYears(years, "cabinetOffice");
      const theirs = Object.fromEntries([...csv].filter(([d]) => d >= "1970"));
      assert.equal(Object.keys(theirs).length, 920);
      assert.deepEqual(ours, theirs);
    });

    it("changes only substitute-holiday names", () => {
      const dataset = holidaysForYears(DATASET_YEARS, "dataset");
      const office = holidaysForYears(DATASET_YEARS, "cabinetOffice");
      assert.deepEqual(Object.keys(office), Object.keys(dataset), "the same dates");
      const changed = Object.keys(dataset).filter((d) => dataset[d] !== office[d]);
      assert.ok(changed.length > 100);
      for (const d of changed) {
        assert.match(dataset[d], / 振替休日$/, d);
        assert.equal(office[d], "休日", d);
      }
    });

    it("maps a name by its suffix, not by a list", () => {
      assert.equal(holidayName("新しい祝日 振替休日", "cabinetOffice"), "休日");
      assert.equal(holidayName("新しい祝日 振替休日", "dataset"), "新しい祝日 振替休日");
      assert.equal(holidayName("振替休日の日", "cabinetOffice"), "振替休日の日");
    });
  });
});
