/**
 * Japanese public holidays as the API serves them: `{"YYYY-MM-DD": "祝日名"}` for the years asked,
 * from the @holiday-jp/holiday_jp dataset. The dataset is keyed by calendar-date strings, so nothing
 * here depends on the process time zone.
 */
interface HolidayEntry {
  date: string;
  name: string;
}

// Typed locally: the package's own .d.ts spells out every holiday as a literal type (9,000 lines),
// which costs the type checker seconds for nothing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dataset = (require("@holiday-jp/holiday_jp") as { holidays: Record<string, HolidayEntry> }).holidays;

const datasetYears = Object.keys(dataset).map((d) => Number(d.slice(0, 4)));

/** The first and last year the bundled dataset covers. */
export const HOLIDAY_YEAR_RANGE: Readonly<{ min: number; max: number }> = Object.freeze({
  min: Math.min(...datasetYears),
  max: Math.max(...datasetYears),
});

export type HolidayMap = Record<string, string>;

/** Holidays of the given years, keys sorted ascending. */
export function holidaysForYears(years: readonly number[]): HolidayMap {
  const wanted = new Set(years.map(String));
  const out: HolidayMap = {};
  for (const date of Object.keys(dataset).sort()) {
    if (wanted.has(date.slice(0, 4))) out[date] = dataset[date].name;
  }
  return out;
}

/** The exact bytes of `api/v1/data.json`: sorted keys, valid JSON, UTF-8, trailing newline. */
export function holidaysDocument(years: readonly number[]): string {
  return JSON.stringify(holidaysForYears(years), null, 2) + "\n";
}

/** The calendar year in Japan (JST, UTC+9, no daylight saving) at the given instant. */
export function yearInJapan(now: Date): number {
  return new Date(now.getTime() + 9 * 3600_000).getUTCFullYear();
}

/** Default years: last year, this year and next year, in Japan, clipped to the dataset. */
export function defaultYears(now: Date): number[] {
  const y = yearInJapan(now);
  return [y - 1, y, y + 1].filter((v) => v >= HOLIDAY_YEAR_RANGE.min && v <= HOLIDAY_YEAR_RANGE.max);
}

/** Content type of the data object and of the API response. */
export const HOLIDAYS_CONTENT_TYPE = "application/json; charset=utf-8";
/** Where the API serves the document, and the S3 key it is stored under. */
export const HOLIDAYS_PATH = "api/v1/data.json";
