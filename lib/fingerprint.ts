import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson";

/**
 * SHA-256 over the canonical JSON of every API-definition resource a deployment snapshots, with all its
 * properties: the Deployment's `triggers`, so any change redeploys and no change never does.
 */
export function deploymentFingerprint(definition: unknown): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}
