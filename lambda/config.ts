import { REGION } from "../lib/arn";

/** The caller's environment, validated once at cold start. */
export interface CallerConfig {
  apiUrl: URL;
  region: string;
}

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * Reads `API_URL` (required, https://…; http:// only for a loopback gateway) and the signing region
 * (`API_REGION`, else the region in an execute-api host name, else `AWS_REGION`).
 */
export function readCallerConfig(env: Record<string, string | undefined>): CallerConfig {
  const raw = env.API_URL;
  if (!raw) throw new Error("API_URL is not set: expected the holidays data URL, e.g. https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json");
  let apiUrl: URL;
  try {
    apiUrl = new URL(raw);
  } catch {
    throw new Error(`API_URL ${JSON.stringify(raw)} is not a valid URL: expected https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/api/v1/data.json`);
  }
  const loopback = apiUrl.hostname === "127.0.0.1" || apiUrl.hostname === "localhost" || apiUrl.hostname === "[::1]";
  if (apiUrl.protocol !== "https:" && !(apiUrl.protocol === "http:" && loopback)) {
    throw new Error(`API_URL ${JSON.stringify(raw)} must use https:// (http:// is accepted only for a loopback gateway on 127.0.0.1)`);
  }
  if (apiUrl.username || apiUrl.password) throw new Error("API_URL must not contain credentials");
  const region = env.API_REGION || EXECUTE_API_HOST.exec(apiUrl.hostname)?.[1] || env.AWS_REGION;
  if (!region || !REGION.test(region)) {
    throw new Error(`Cannot tell the signing region for ${apiUrl.host}: set API_REGION (e.g. ap-northeast-1); got ${JSON.stringify(region ?? null)}`);
  }
  return { apiUrl, region };
}
