import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, DateInput, HttpRequest } from "@smithy/types";
import { SigningScope, needsQuerySafeSigning, presignQuerySafe, signQuerySafe } from "./querySafeSigning";

/** SHA-256 and HMAC-SHA-256 from node:crypto, as the AWS SDK for JavaScript v3 uses in Node. */
const Sha256 = Hash.bind(null, "sha256");

/** Signs and presigns a request (smithy's `HttpRequest`); the options are the ones this project uses. */
export interface RequestSigner {
  sign(request: HttpRequest, options?: { signingDate?: DateInput }): Promise<HttpRequest>;
  presign(request: HttpRequest, options?: { signingDate?: DateInput; expiresIn?: number }): Promise<HttpRequest>;
}

/**
 * The one way this project signs SigV4: smithy's public sign()/presign(), node:crypto SHA-256, no
 * x-amz-content-sha256 (execute-api does not need it), paths double-encoded as non-S3 services want;
 * a `__proto__` query parameter goes to querySafeSigning.ts, as smithy signs it as `[object Object]`.
 */
export function createSigner(opts: {
  region: string;
  service?: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}): RequestSigner {
  const service = opts.service ?? "execute-api";
  if (typeof opts.credentials === "function") return newSigner({ region: opts.region, service, credentials: opts.credentials });
  // One signer per static credential set: smithy's cache of the day's signing key then survives
  // between requests, instead of four HMACs every time.
  const { accessKeyId, secretAccessKey, sessionToken } = opts.credentials;
  const key = JSON.stringify([opts.region, service, accessKeyId, secretAccessKey, sessionToken ?? null]);
  let signer = signers.get(key);
  if (signer === undefined) {
    signer = newSigner({ region: opts.region, service, credentials: { accessKeyId, secretAccessKey, sessionToken } });
    if (signers.size >= MAX_SHARED_SIGNERS) signers.delete(signers.keys().next().value as string);
    signers.set(key, signer);
  }
  return signer;
}

/** Signers kept for static credentials; beyond this the oldest is dropped (only memory is bounded). */
export const MAX_SHARED_SIGNERS = 256;
const signers = new Map<string, RequestSigner>();

function newSigner(scope: SigningScope): RequestSigner {
  const smithy = new SignatureV4({ ...scope, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
  return {
    sign: async (request, options = {}) =>
      needsQuerySafeSigning(request.query)
        ? signQuerySafe(request, scope, options.signingDate)
        : ((await smithy.sign(request, options)) as HttpRequest),
    presign: async (request, options = {}) =>
      needsQuerySafeSigning(request.query)
        ? presignQuerySafe(request, scope, options.signingDate, options.expiresIn)
        : ((await smithy.presign(request, options)) as HttpRequest),
  };
}
