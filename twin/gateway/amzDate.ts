/**
 * The request time SigV4 signs: `X-Amz-Date` (ISO 8601 basic), else the `Date` header converted ("When X-Amz-Date
 * is used, it always overrides the value of the Date header", STS API Reference, Common Parameters).
 */

/** `20150830T123600Z` → Date, or undefined when not a real ISO-8601 basic-format UTC time. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  if (formatAmzDate(d) !== value) return undefined;
  return d;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** RFC 9110 §5.6.7 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) → Date, strictly (weekday must agree). */
export function parseHttpDate(value: string): Date | undefined {
  const m =
    /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
      value,
    );
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[4], MONTHS.indexOf(m[3]), +m[2], +m[5], +m[6], +m[7]));
  if (d.getUTCDate() !== +m[2] || d.getUTCHours() !== +m[5] || d.getUTCMinutes() !== +m[6] || d.getUTCSeconds() !== +m[7]) return undefined;
  return DAYS[d.getUTCDay()] === m[1] ? d : undefined;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Date → `20150830T123600Z` (seconds precision, UTC), as toISOString writes it without `-`, `:` and milliseconds. */
export function formatAmzDate(d: Date): string {
  const year = d.getUTCFullYear();
  if (year >= 1000 && year <= 9999) {
    return `${year}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  }
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}
