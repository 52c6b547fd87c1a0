/**
 * `npm run call -- <url> [--region R] [--profile P] [--presign [--expires S]]`: GET a URL signed with
 * SigV4 (execute-api) using the local AWS credential chain, and print the JSON — the job awscurl
 * does. With `--presign`, print a presigned (query-string SigV4) URL instead of calling. Works against
 * the real API and the local gateway (export the gateway's allowed credentials as AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN).
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { readCallerConfig } from "../lambda/config";
import { SignedFetchError } from "../sigv4/errors";
import { MAX_PRESIGN_EXPIRES_S, createSignedFetch, presignUrl, readJson } from "../sigv4/signedFetch";

const USAGE = "usage: npm run call -- <url> [--region REGION] [--profile PROFILE] [--presign [--expires SECONDS]]";

export interface CallArgs {
  url: string;
  region?: string;
  profile?: string;
  /** Print a presigned URL instead of calling. */
  presign?: boolean;
  /** X-Amz-Expires of the presigned URL, seconds (1–604800). */
  expires?: number;
}

export function parseCallArgs(args: string[]): CallArgs {
  const out: Partial<CallArgs> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--region" || a === "--profile") {
      const v = args[++i];
      if (!v) throw new Error(`${a} needs a value. ${USAGE}`);
      out[a === "--region" ? "region" : "profile"] = v;
    } else if (a === "--presign") out.presign = true;
    else if (a === "--expires") {
      const v = args[++i];
      const n = Number(v);
      if (!v || !Number.isInteger(n) || n < 1 || n > MAX_PRESIGN_EXPIRES_S) {
        throw new Error(`--expires ${JSON.stringify(v ?? "")}: expected whole seconds from 1 to ${MAX_PRESIGN_EXPIRES_S}. ${USAGE}`);
      }
      out.expires = n;
    } else if (a.startsWith("--")) throw new Error(`Unknown option ${a}. ${USAGE}`);
    else if (out.url) throw new Error(`Only one URL, got ${out.url} and ${a}. ${USAGE}`);
    else out.url = a;
  }
  if (!out.url) throw new Error(`Missing the URL. ${USAGE}`);
  if (out.expires !== undefined && !out.presign) throw new Error(`--expires applies only with --presign. ${USAGE}`);
  return out as CallArgs;
}

/** A presigned GET URL for the same URL, region and credentials `call` would use. */
export async function presign(args: CallArgs, signingDate?: Date): Promise<string> {
  const { apiUrl, region } = readCallerConfig({ API_URL: args.url, API_REGION: args.region, AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION });
  return presignUrl(apiUrl, { region, credentials: defaultProvider(args.profile ? { profile: args.profile } : {}), expiresIn: args.expires, signingDate });
}

/** Signs and sends the GET with the standard credential chain (or a profile) and returns the parsed JSON. */
export async function call(args: CallArgs): Promise<unknown> {
  const { apiUrl, region } = readCallerConfig({ API_URL: args.url, API_REGION: args.region, AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION });
  const send = createSignedFetch({ region, credentials: defaultProvider(args.profile ? { profile: args.profile } : {}) });
  const response = await send(apiUrl.href, { headers: { accept: "application/json" } });
  return readJson(response, apiUrl.href);
}

async function main(): Promise<void> {
  const args = parseCallArgs(process.argv.slice(2));
  if (args.presign) {
    console.log(await presign(args));
    console.error("note: API Gateway honours a presigned URL only within 5 minutes of its X-Amz-Date, whatever X-Amz-Expires says (README, gateway section)");
    return;
  }
  console.log(JSON.stringify(await call(args), null, 2));
}

if (require.main === module) {
  main().catch((err: Error) => {
    const e = err as Partial<SignedFetchError>;
    console.error(`${err.name}: ${err.message}${e.attempts ? ` [attempts: ${e.attempts}]` : ""}`);
    process.exit(1);
  });
}
