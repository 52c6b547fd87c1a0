/**
 * `npm run call -- <url> [--region R] [--profile P] [--presign [--expires S]]`: GET a URL signed with
 * SigV4 (execute-api) using the local AWS credential chain, and print the JSON — the job awscurl
 * does. With `--presign`, print a presigned (query-string SigV4) URL instead of calling. Works against
 * the real API and the local gateway (export the gateway's allowed credentials as AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN).
 */
import { fromIni } from "@aws-sdk/credential-providers";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { readCallerConfig } from "../lambda/config";
import { SignedFetchError } from "../sigv4/errors";
import { MAX_PRESIGN_EXPIRES_S, createSignedFetch, presignUrl, readJson } from "../sigv4/signedFetch";
import { CommandError, UsageError, parseCommandLine, runMain } from "./cli/args";
export const CALL_COMMAND = {
  command: "npm run call",
  summary:
    "GETs a URL signed with SigV4 (service execute-api) using your AWS credential chain, and prints the JSON — the job awscurl does. Works against the deployed API and the local gateway (export the gateway's allowed credentials as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and pass --region).",
  positionals: [{ name: "url", help: "the URL to GET, e.g. the stack output dataUrl", required: true }],
  options: {
    region: { type: "string", value: "REGION", help: "signing region (default: the region in an execute-api host name, else AWS_REGION)" },
    profile: {
      type: "string",
      value: "PROFILE",
      help: "use this profile of ~/.aws/config and ~/.aws/credentials instead of the default chain",
    },
    presign: { type: "boolean", help: "print a presigned URL (query-string SigV4) instead of sending the GET" },
    expires: { type: "string", value: "SECONDS", help: `lifetime of the presigned URL, 1-${MAX_PRESIGN_EXPIRES_S} (with --presign)` },
  },
  examples: [
    'npm run call -- "$(pulumi stack output dataUrl)" --profile account-b',
    "npm run call -- http://127.0.0.1:8787/dev/api/v1/data.json --region ap-northeast-1",
  ],
} as const;

export interface CallArgs {
  url: string;
  region?: string;
  profile?: string;
  /** Print a presigned URL instead of sending the request. */
  presign?: boolean;
  /** Lifetime of the presigned URL in seconds. */
  expires?: number;
}

/** Parses the command line of `npm run call` (a {@link UsageError} for anything malformed). */
export function parseCallArgs(args: readonly string[]): CallArgs {
  const { values, positionals } = parseCommandLine(CALL_COMMAND, args);
  const out: CallArgs = { url: positionals[0] };
  if (values.region !== undefined) out.region = values.region;
  if (values.profile !== undefined) out.profile = values.profile;
  if (values.presign) out.presign = true;
  if (values.expires !== undefined) {
    const n = /^[0-9]{1,6}$/.test(values.expires) ? Number(values.expires) : NaN;
    if (!(n >= 1 && n <= MAX_PRESIGN_EXPIRES_S))
      throw new UsageError(
        `--expires ${JSON.stringify(values.expires)}: expected whole seconds, 1-${MAX_PRESIGN_EXPIRES_S} (seven days, SigV4's limit)`,
      );
    if (!values.presign) throw new UsageError("--expires applies to a presigned URL: add --presign");
    out.expires = n;
  }
  return out;
}

/** Errors name this command's arguments, not the Lambda's environment variables. */
const ARG_NAMES = { url: "<url>", setRegion: "pass --region REGION" };

/** The credential chain: one named profile (as `aws --profile` reads it), or the default chain. */
function credentialsFor(profile: string | undefined): AwsCredentialIdentityProvider {
  const provider = profile ? fromIni({ profile }) : defaultProvider();
  return async () => {
    try {
      return await provider();
    } catch (err) {
      if ((err as Error).name !== "CredentialsProviderError") throw err;
      throw new CommandError(
        profile
          ? `--profile ${profile}: ${(err as Error).message} Looked in ${process.env.AWS_CONFIG_FILE ?? "~/.aws/config"} and ${process.env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials"}. Fix: \`aws configure --profile ${profile}\` (or \`aws sso login --profile ${profile}\`), or pass a profile that exists`
          : `no AWS credentials found (${(err as Error).message}). Fix: pass --profile PROFILE, or export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)`,
      );
    }
  };
}

/** The URL and signing region from the arguments; errors name the arguments (a {@link UsageError}). */
function targetOf(args: CallArgs): ReturnType<typeof readCallerConfig> {
  try {
    return readCallerConfig(
      { API_URL: args.url, API_REGION: args.region, AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION },
      ARG_NAMES,
    );
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A presigned GET URL for the same URL, region and credentials `call` would use. */
export async function presign(args: CallArgs, signingDate?: Date): Promise<string> {
  const { apiUrl, region } = targetOf(args);
  return presignUrl(apiUrl, { region, credentials: credentialsFor(args.profile), expiresIn: args.expires, signingDate });
}

/** Signs and sends the GET with the standard credential chain (or a profile) and returns the parsed JSON. */
export async function call(args: CallArgs): Promise<unknown> {
  const { apiUrl, region } = targetOf(args);
  const send = createSignedFetch({ region, credentials: credentialsFor(args.profile) });
  const response = await send(apiUrl.href, { headers: { accept: "application/json" } });
  return readJson(response, apiUrl.href);
}

/** Failures of the request itself (denied, unreachable, timed out): expected, printed as one line. */
const isRequestError = (err: unknown): boolean => err instanceof SignedFetchError;

if (require.main === module) {
  runMain(CALL_COMMAND, async () => {
    try {
      const args = parseCallArgs(process.argv.slice(2));
      if (args.presign) {
        console.log(await presign(args));
        console.error(
          "note: API Gateway honours a presigned URL only within 5 minutes of its X-Amz-Date, whatever X-Amz-Expires says (README, gateway section)",
        );
      } else console.log(JSON.stringify(await call(args), null, 2));
    } catch (err) {
      const e = err as SignedFetchError;
      if (isRequestError(err)) throw new CommandError(`${e.name}: ${e.message}${e.attempts ? ` [attempts: ${e.attempts}]` : ""}`);
      throw err;
    }
    return 0;
  });
}
