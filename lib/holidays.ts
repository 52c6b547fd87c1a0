/**
 * Japanese public holidays as the API serves them (`{"YYYY-MM-DD": "祝日名"}`, from @holiday-jp/holiday_jp):
 * keyed by calendar-date strings and reading no clock, so the same release gives the same bytes anywhere.
 */
interface HolidayEntry {
  date: string;
  name: string;
}

// Typed locally: the package's own .d.ts spells out every holiday as a literal type (9,000 lines),
// which costs the type checker seconds for nothing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dataset = (require("@holiday-jp/holiday_jp") as { holidays: Record<string, HolidayEntry> }).holidays;

const datasetDates = Object.keys(dataset).sort();

/** Every year the bundled dataset has at least one holiday in, ascending (1970–2050 in 2.5.1). */
export const DATASET_YEARS: readonly number[] = Object.freeze([...new Set(datasetDates.map((d) => Number(d.slice(0, 4))))]);

/** The first and last year the bundled dataset covers. */
export const HOLIDAY_YEAR_RANGE: Readonly<{ min: number; max: number }> = Object.freeze({
  min: DATASET_YEARS[0],
  max: DATASET_YEARS[DATASET_YEARS.length - 1],
});

/**
 * Whose names the API serves: `dataset` (holiday_jp's, e.g. `建国記念の日 振替休日`) or `cabinetOffice`
 * (syukujitsu.csv, https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html: every 振替休日 is just `休日`).
 */
export type HolidayNames = "dataset" | "cabinetOffice";
export const HOLIDAY_NAMES: readonly HolidayNames[] = Object.freeze(["dataset", "cabinetOffice"]);

/** The dataset's suffix for a substitute holiday: `<holiday> 振替休日`. */
const SUBSTITUTE_SUFFIX = " 振替休日";
/** The Cabinet Office CSV's name for every substitute holiday and 国民の休日. */
export const CABINET_OFFICE_REST_DAY = "休日";

/** The name served for one dataset name under the chosen naming. */
export function holidayName(datasetName: string, names: HolidayNames): string {
  return names === "cabinetOffice" && datasetName.endsWith(SUBSTITUTE_SUFFIX) ? CABINET_OFFICE_REST_DAY : datasetName;
}

export type HolidayMap = Record<string, string>;

/** Holidays of the given years, keys sorted ascending. */
export function holidaysForYears(years: readonly number[], names: HolidayNames = "dataset"): HolidayMap {
  const wanted = new Set(years.map(String));
  const out: HolidayMap = {};
  for (const date of datasetDates) {
    if (wanted.has(date.slice(0, 4))) out[date] = holidayName(dataset[date].name, names);
  }
  return out;
}

/** The exact bytes of one served document: sorted keys, valid JSON, UTF-8, trailing newline. */
export function holidaysDocument(years: readonly number[], names: HolidayNames = "dataset"): string {
  return JSON.stringify(holidaysForYears(years, names), null, 2) + "\n";
}

/** Content type of the data objects and of the API responses. */
export const HOLIDAYS_CONTENT_TYPE = "application/json; charset=utf-8";
/** Where the API serves the configured years' document, and the S3 key it is stored under. */
export const HOLIDAYS_PATH = "api/v1/data.json";
