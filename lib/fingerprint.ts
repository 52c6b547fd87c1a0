import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson";

/**
 * A stable SHA-256 over everything a REST API deployment snapshots: each API-definition resource
 * (resource policy, path resources, methods, integrations, responses) with all of its properties.
 * Used as the Deployment's `triggers`, so any change redeploys and no change never does. Canonical
 * JSON (sorted keys) makes equal definitions give equal hashes whatever the property order.
 */
export function deploymentFingerprint(definition: unknown): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}
