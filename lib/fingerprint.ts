import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson";

/**
 * A stable SHA-256 over everything a REST API deployment snapshots (resource policy, methods,
 * integrations, responses). Used as the Deployment's `triggers`, so any change redeploys and no
 * change never does.
 */
export function deploymentFingerprint(parts: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(parts)).digest("hex");
}
