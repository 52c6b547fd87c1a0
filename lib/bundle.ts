/**
 * Bundles the caller Lambda handler into one minified CommonJS file with esbuild. `npm run build`,
 * the CallerFunction component, the tests and the benchmark all call this one function, so what is
 * tested is what is deployed.
 */
import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import * as path from "node:path";

const CALLER_ENTRY = path.join(__dirname, "..", "handlers", "caller.ts");

export interface Bundle {
  /** The bundled JavaScript (exports `handler`). */
  code: string;
  /** SHA-256 of the code, hex. */
  sha256: string;
}

let cached: Bundle | undefined;

/** Bundles `handlers/caller.ts` for the Lambda Node.js runtime (memoized per process). */
export function bundleCaller(): Bundle {
  if (cached) return cached;
  const result = buildSync({
    entryPoints: [CALLER_ENTRY],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // Prefer the SDK packages' ES module builds: they tree-shake, the CommonJS ones do not
    // (≈25% smaller and faster to initialize).
    mainFields: ["module", "main"],
    minify: true,
    keepNames: true, // error class names (AccessDeniedError, …) must survive minification for logs and callers
    legalComments: "none",
    write: false,
    logLevel: "silent",
    // Only SigV4a (multi-region) signing would load the native CRT signer, inside a try/catch; we sign SigV4.
    external: ["@aws-sdk/signature-v4-crt"],
  });
  const code = result.outputFiles[0].text;
  cached = { code, sha256: createHash("sha256").update(code).digest("hex") };
  return cached;
}
