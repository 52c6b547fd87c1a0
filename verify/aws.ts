/**
 * `npm run verify -- --stack NAME`: the checks against the real deployment.
 *
 * Reading the stack: the Automation API's `LocalWorkspace` (part of @pulumi/pulumi, no new dependency)
 * rather than parsing `pulumi stack output --json` by hand. It runs the same Pulumi CLI underneath,
 * and gives the outputs (`stackOutputs`, secrets shown) and the stack's config (`getAllConfig`, with
 * secrets decrypted, e.g. an externalId) as typed values, with one error type for a missing CLI or stack.
 *
 * Credentials: the profile (or the static keys an ESC environment injects) and/or role of
 * `holidays-api:accountA` / `accountB`, exactly as the program's providers use them (the deploying identities).
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { AccountAccess, parseSettings, rawConfigFromFlat } from "../lib/config";
import { PROJECT_ROOT, readProjectName } from "../tools/cli/stackConfig";
import { parseDeployedOutputs } from "./outputs";
import type { VerifyTarget } from "./target";

export class StackReadError extends Error {}

export function credentialsFor(access: AccountAccess, region: string): AwsCredentialIdentityProvider {
  const { accessKeyId, secretAccessKey, sessionToken } = access;
  const base: AwsCredentialIdentityProvider =
    accessKeyId && secretAccessKey
      ? () => Promise.resolve({ accessKeyId, secretAccessKey, sessionToken })
      : access.profile
        ? fromIni({ profile: access.profile })
        : fromNodeProviderChain();
  if (!access.roleArn) return base;
  return fromTemporaryCredentials({
    masterCredentials: base,
    params: { RoleArn: access.roleArn, ExternalId: access.externalId, RoleSessionName: access.sessionName ?? "holidays-api-verify" },
    clientConfig: { region },
  });
}

export async function awsTarget(stack: string): Promise<VerifyTarget> {
  let outputs: Record<string, unknown>;
  let config: Record<string, string>;
  try {
    // Loaded here, not at import: `--local` and `--help` never read a stack through the CLI.
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const ws = await LocalWorkspace.create({ workDir: PROJECT_ROOT });
    const out = await ws.stackOutputs(stack);
    outputs = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value as unknown]));
    const cfg = await ws.getAllConfig(stack);
    config = Object.fromEntries(Object.entries(cfg).map(([k, v]) => [k, v.value]));
  } catch (err) {
    const text = (err as Error).message ?? String(err);
    const why =
      /ENOENT|not found|could not find|Failed to find/i.test(text) && /pulumi/i.test(text)
        ? "the Pulumi CLI was not found. Fix: install the Pulumi CLI 3.x and `pulumi login`, or run `npm run verify -- --local` to check the offline twin"
        : `${
            text
              .split("\n")
              .find((l) => l.trim() !== "")
              ?.slice(0, 300) ?? text
          }. Fix: check the stack name (pulumi stack ls) and that you are logged in (pulumi whoami)`;
    throw new StackReadError(`Could not read stack ${stack} through the Pulumi CLI (Automation API LocalWorkspace): ${why}`);
  }
  const settings = parseSettings(rawConfigFromFlat(config, readProjectName()), { project: readProjectName() });
  const parsed = parseDeployedOutputs(stack, outputs);
  return {
    description: `stack ${stack} on AWS (accounts ${parsed.accountAId} and ${parsed.accountBId}, ${parsed.region})`,
    outputs: parsed,
    exclusive: settings.exclusive,
    accountA: credentialsFor(settings.accountA, settings.region),
    accountB: credentialsFor(settings.accountB ?? settings.accountA, settings.region),
    resolveUrl: (url) => url,
    close: async () => undefined,
  };
}
