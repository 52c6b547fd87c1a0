/**
 * `npm run call -- <url> [--region R] [--profile P]`: GET a URL signed with SigV4 (execute-api) using
 * the local AWS credential chain, and print the JSON — the job awscurl does. Works against the real
 * API and the local gateway (export the gateway's allowed credentials as AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN).
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { readCallerConfig } from "../lambda/config";
import { SignedFetchError } from "../sigv4/errors";
import { createSignedFetch, readJson } from "../sigv4/signedFetch";

const USAGE = "usage: npm run call -- <url> [--region REGION] [--profile PROFILE]";

export interface CallArgs {
  url: string;
  region?: string;
  profile?: string;
}

export function parseCallArgs(args: string[]): CallArgs {
  const out: Partial<CallArgs> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--region" || a === "--profile") {
      const v = args[++i];
      if (!v) throw new Error(`${a} needs a value. ${USAGE}`);
      out[a === "--region" ? "region" : "profile"] = v;
    } else if (a.startsWith("--")) throw new Error(`Unknown option ${a}. ${USAGE}`);
    else if (out.url) throw new Error(`Only one URL, got ${out.url} and ${a}. ${USAGE}`);
    else out.url = a;
  }
  if (!out.url) throw new Error(`Missing the URL. ${USAGE}`);
  return out as CallArgs;
}

/** Signs and sends the GET with the standard credential chain (or a profile) and returns the parsed JSON. */
export async function call(args: CallArgs): Promise<unknown> {
  const { apiUrl, region } = readCallerConfig({ API_URL: args.url, API_REGION: args.region, AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION });
  const send = createSignedFetch({ region, credentials: defaultProvider(args.profile ? { profile: args.profile } : {}) });
  const response = await send(apiUrl.href, { headers: { accept: "application/json" } });
  return readJson(response, apiUrl.href);
}

async function main(): Promise<void> {
  console.log(JSON.stringify(await call(parseCallArgs(process.argv.slice(2))), null, 2));
}

if (require.main === module) {
  main().catch((err: Error) => {
    const e = err as Partial<SignedFetchError>;
    console.error(`${err.name}: ${err.message}${e.attempts ? ` [attempts: ${e.attempts}]` : ""}`);
    process.exit(1);
  });
}
