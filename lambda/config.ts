import { REGION } from "../lib/arn";

/** The caller's environment, validated once at cold start. */
export interface CallerConfig {
  apiUrl: URL;
  region: string;
}

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** How errors name the inputs: the Lambda's environment variables, or a command's own arguments. */
export interface InputNames {
  url: string;
  /** What to do to give the region, e.g. "set API_REGION". */
  setRegion: string;
}
const LAMBDA_ENV: InputNames = { url: "API_URL", setRegion: "set API_REGION" };

/**
 * Reads `API_URL` (required, https://…; http:// only for a loopback gateway) and the signing region
 * (`API_REGION`, else the region in an execute-api host name, else `AWS_REGION`). Errors name the
 * inputs as `names` says (the Lambda's environment variables by default).
 */
export function readCallerConfig(env: Record<string, string | undefined>, names: InputNames = LAMBDA_ENV): CallerConfig {
  const raw = env.API_URL;
  if (!raw)
    throw new Error(
      `${names.url} is not set: expected the holidays data URL, e.g. https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json`,
    );
  let apiUrl: URL;
  try {
    apiUrl = new URL(raw);
  } catch {
    throw new Error(
      `${names.url} ${JSON.stringify(raw)} is not a valid URL: expected https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/api/v1/data.json`,
    );
  }
  const loopback = apiUrl.hostname === "127.0.0.1" || apiUrl.hostname === "localhost" || apiUrl.hostname === "[::1]";
  if (apiUrl.protocol !== "https:" && !(apiUrl.protocol === "http:" && loopback)) {
    throw new Error(`${names.url} ${JSON.stringify(raw)} must use https:// (http:// is accepted only for a loopback gateway on 127.0.0.1)`);
  }
  if (apiUrl.username || apiUrl.password) throw new Error(`${names.url} must not contain credentials`);
  const region = env.API_REGION || EXECUTE_API_HOST.exec(apiUrl.hostname)?.[1] || env.AWS_REGION;
  if (!region || !REGION.test(region)) {
    throw new Error(
      `Cannot tell the signing region for ${apiUrl.host}: ${names.setRegion} (e.g. ap-northeast-1); got ${JSON.stringify(region ?? null)}`,
    );
  }
  return { apiUrl, region };
}
