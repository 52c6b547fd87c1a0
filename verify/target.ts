/**
 * What `npm run verify` checks: a deployed stack's outputs and settings, and how to reach its two
 * accounts. The real deployment (aws.ts) and the offline twin (local.ts) build one each; the checks
 * (checks.ts) are the same code for both — the twin only overrides the endpoints.
 */
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { DeployedOutputs } from "./outputs";

export interface VerifyTarget {
  /** e.g. `stack dev (AWS)` or `stack dev (offline twin)`. */
  description: string;
  outputs: DeployedOutputs;
  /** From the stack's config: whether `exclusive` is on (what the deny check expects). */
  exclusive: boolean;
  /** The deploying identity of account A (TestInvokeMethod, GetRestApi…; the signed GET under exclusive). */
  accountA: AwsCredentialIdentityProvider;
  /** An identity of account B that may invoke the caller function (the one that deployed it). */
  accountB: AwsCredentialIdentityProvider;
  /** AWS service endpoint override for the Lambda and API Gateway clients (the twin); undefined on AWS. */
  endpoint?: string;
  /** Where a URL the stack exports is reached: unchanged on AWS, the local gateway for the twin. */
  resolveUrl(url: string): string;
  close(): Promise<void>;
}
