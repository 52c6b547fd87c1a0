/**
 * SigV4's two renderings of the signing time: X-Amz-Date "in UTC and in the ISO 8601 format
 * YYYYMMDDTHHMMSSZ … Do not include milliseconds", and the credential scope's date as YYYYMMDD (IAM
 * User Guide, "Elements of an AWS API request signature",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html).
 *
 * Why not `@smithy/signature-v4`'s own `formatDate`: it renders through `Date#toISOString`, and the
 * first `toISOString` in a Node 20 process costs 0.7–2 ms here against ≈5 µs for the first UTC getter
 * (measured, fresh process each). A Lambda cold start signs once, so that first call is ≈1 ms of its
 * ≈33 ms (`npm run bench`, issue 12). The fields are the same UTC fields `toISOString` prints.
 */

/** Both renderings, or undefined for a date `toISOString` would not print with a 4-digit year (or cannot print). */
export function signingDates(date: Date): { longDate: string; shortDate: string } | undefined {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return undefined;
  const shortDate = `${year}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}`;
  return { shortDate, longDate: `${shortDate}T${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z` };
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
