/**
 * The one bundle path: esbuild bundles the caller Lambda (`lambda/handler.ts` and the `sigv4/` client
 * it imports) into one minified CommonJS file. The CallerFunction component deploys `bundleCaller()`;
 * `npm run build`, `npm start`, the bench and the tests write it with `writeCallerBundle()`, so what
 * is tested is what is deployed.
 */
import { buildSync } from "esbuild";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { deflateRawSync } from "node:zlib";

const ROOT = path.join(__dirname, "..");
const CALLER_ENTRY = path.join(ROOT, "lambda", "handler.ts");
/** Where `npm run build` and `npm start` put the deployable bundle. */
export const DEFAULT_BUNDLE_PATH = path.join(ROOT, "dist", "caller", "index.js");

export interface Bundle {
  /** The bundled JavaScript (exports `handler`). */
  code: string;
  /** SHA-256 of the code, hex. */
  sha256: string;
}

let cached: Bundle | undefined;

/** Bundles `lambda/handler.ts` for the Lambda Node.js runtime (memoized per process). */
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

/**
 * Writes the bundle to `file` atomically (a temporary file in the same folder, then a rename), so
 * concurrent runs never read a half-written bundle. Returns the path and the bundle.
 */
export function writeCallerBundle(file: string = DEFAULT_BUNDLE_PATH): { path: string; bundle: Bundle } {
  const bundle = bundleCaller();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, bundle.code);
  fs.renameSync(tmp, file);
  return { path: file, bundle };
}

/**
 * Size of the Lambda deployment zip holding the bundle as its one entry (`index.js`), deflated at level
 * 9: the data plus a 30-byte local file header and a 46-byte central directory header (each followed
 * by the name) and the 22-byte end-of-central-directory record (PKWARE APPNOTE.TXT, .ZIP File Format
 * Specification, sections "Local file header", "Central directory structure", "End of central dir record").
 */
export function zippedSize(code: string, name = "index.js"): number {
  return deflateRawSync(code, { level: 9 }).length + 30 + 46 + 22 + 2 * Buffer.byteLength(name);
}
