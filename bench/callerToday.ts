/**
 * The caller's cold path as it stood before issue 12, rebuilt so `npm run bench` measures it beside
 * today's in the same run: the full AWS credential chain bundled into the one file and created at
 * init, and undici's global fetch as the transport. Otherwise the same handler (lambda/handler.ts).
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { readCallerConfig } from "../lambda/config";
import { createSignedFetch, readJson } from "../sigv4/signedFetch";

const config = readCallerConfig(process.env);
const signedFetch = createSignedFetch({ region: config.region, credentials: defaultProvider(), fetch });

export async function handler(): Promise<Record<string, string>> {
  const url = config.apiUrl.href;
  const response = await signedFetch(url, { method: "GET", headers: { accept: "application/json" } });
  return readJson<Record<string, string>>(response, url);
}
