/**
 * The one bundle path (deployed, built, benched and tested alike): minified CommonJS `index.js`, and
 * `credentialChain.js` beside it, required only without environment credentials, which a Lambda
 * always has: a cold start never parses the chain (docs/benchmarks.md).
 */
import { BuildOptions, buildSync, version as esbuildVersion } from "esbuild";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { deflateRawSync } from "node:zlib";

const ROOT = path.join(__dirname, "..");
const CALLER_ENTRY = path.join(ROOT, "lambda", "handler.ts");
const CHAIN_ENTRY = path.join(ROOT, "sigv4", "credentialChain.ts");
/** The entry file's name in the zip (the function's handler is `index.handler`). */
export const ENTRY_FILE = "index.js";
/**
 * The second file: the full credential chain. sigv4/credentials.ts requires `./credentialChain` at run
 * time; marked external by that import path, esbuild leaves the require as written, and Node resolves
 * it to this file beside index.js.
 */
export const CHAIN_FILE = "credentialChain.js";
/** Where `npm run build` and `npm start` put the deployable bundle. */
export const DEFAULT_BUNDLE_PATH = path.join(ROOT, "dist", "caller", "index.js");

export interface Bundle {
  /** The entry file's JavaScript (exports `handler`): `files[ENTRY_FILE]`. */
  code: string;
  /** Every file of the zip by name: {@link ENTRY_FILE} and {@link CHAIN_FILE}. */
  files: Record<string, string>;
  /** SHA-256 over every file (name and content, in name order), hex. */
  sha256: string;
}

const COMMON: BuildOptions = {
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
};

/** The import path of the chain in sigv4/credentials.ts, kept as a runtime require in index.js. */
const CHAIN_IMPORT = "./credentialChain";

/**
 * Bundles one entry with the caller's esbuild options and returns the code; `external` import paths
 * stay runtime requires. (The bench also builds its comparison variant with it.)
 */
export function bundleFile(entry: string, external: string[] = []): string {
  const options: BuildOptions = { ...COMMON, entryPoints: [entry], external: [...(COMMON.external ?? []), ...external] };
  const cacheFile = path.join(CACHE_DIR, `${sha256(JSON.stringify([esbuildVersion, process.cwd(), lockfileHash(), options]))}.json`);
  // HOLIDAYS_CACHES_OFF=bundle: no disk cache, so `npm run bench` can show what it buys.
  const off = (process.env.HOLIDAYS_CACHES_OFF ?? "").split(",").includes("bundle");
  const remembered = off ? undefined : readRemembered(cacheFile);
  if (remembered !== undefined) return remembered;
  const result = buildSync({ ...options, metafile: true });
  const [out] = result.outputFiles ?? [];
  if (!out) throw new Error(`esbuild wrote nothing for ${entry}`);
  if (!off) remember(cacheFile, out.text, Object.keys(result.metafile?.inputs ?? {}));
  return out.text;
}

// Bundles kept on disk: every planning process would otherwise run esbuild (≈0.4 s). Keyed by esbuild's
// version, options, folder and lockfile; an entry holds each input's SHA-256 (its metafile `inputs`,
// https://esbuild.github.io/api/#metafile) and serves only while they all still match; an unchanged
// size and mtime stand for an unchanged hash (git's index does the same).
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "holidays-api", "bundles");

interface RememberedBundle {
  /** Absolute path → SHA-256 (hex) of every file esbuild read. */
  inputs: Record<string, string>;
  /** Absolute path → size and nanosecond mtime when hashed: an unchanged stat skips the hash, as git's index does. */
  stats?: Record<string, string>;
  text: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function fileHash(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Size and mtime; undefined for a file changed in the last 2 s, which a same-tick edit could leave looking unchanged (git's "racy" entries). */
function statKey(file: string): string | undefined {
  const st = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  return st && st.mtimeNs < BigInt(Date.now() - 2000) * 1_000_000n ? `${st.size}:${st.mtimeNs}` : undefined;
}

function lockfileHash(): string {
  return fileHash(path.join(ROOT, "node_modules", ".package-lock.json")) ?? "none";
}

function readRemembered(cacheFile: string): string | undefined {
  let entry: RememberedBundle;
  try {
    entry = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as RememberedBundle;
  } catch {
    return undefined;
  }
  const files = Object.keys(entry.inputs ?? {});
  if (files.length === 0 || typeof entry.text !== "string") return undefined;
  for (const file of files) {
    if (entry.stats?.[file] !== undefined && statKey(file) === entry.stats[file]) continue;
    if (fileHash(file) !== entry.inputs[file]) return undefined;
  }
  return entry.text;
}

function remember(cacheFile: string, text: string, inputs: string[]): void {
  const hashes: Record<string, string> = {};
  const stats: Record<string, string> = {};
  for (const input of inputs) {
    const file = path.resolve(input); // metafile paths are relative to the working folder
    const stat = statKey(file);
    const hash = fileHash(file);
    if (hash === undefined) return; // an input esbuild read but we cannot (a virtual module): do not remember
    hashes[file] = hash;
    if (stat !== undefined) stats[file] = stat;
  }
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ inputs: hashes, stats, text } satisfies RememberedBundle));
    fs.renameSync(tmp, cacheFile);
  } catch {
    // A cache that cannot be written only costs the next process a build.
  }
}

/** Bundles `lambda/handler.ts` (and the credential chain beside it) for the Lambda Node.js runtime. */
export function bundleCaller(): Bundle {
  const files: Record<string, string> = { [CHAIN_FILE]: bundleFile(CHAIN_ENTRY), [ENTRY_FILE]: bundleFile(CALLER_ENTRY, [CHAIN_IMPORT]) };
  const hash = createHash("sha256");
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  return { code: files[ENTRY_FILE], files, sha256: hash.digest("hex") };
}

/**
 * Writes the entry file to `file` and the other files beside it, each atomically (a temporary file in
 * the same folder, then a rename), the chain first: concurrent runs never read a half-written file and
 * index.js never points at a missing one. Returns the entry's path and the bundle.
 */
export function writeCallerBundle(file: string = DEFAULT_BUNDLE_PATH): { path: string; bundle: Bundle } {
  const bundle = bundleCaller();
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const writeAtomically = (target: string, code: string) => {
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, target);
  };
  for (const [name, code] of Object.entries(bundle.files)) if (name !== ENTRY_FILE) writeAtomically(path.join(dir, name), code);
  writeAtomically(file, bundle.code);
  return { path: file, bundle };
}

/**
 * Deployment zip size: deflate level 9 plus 30 + 46 header bytes (each + the name) per file and a
 * 22-byte end record (PKWARE APPNOTE.TXT, .ZIP File Format Specification, sections 4.3.7, 4.3.12, 4.3.16).
 */
export function zippedSize(code: string, name?: string): number;
/** Size of the deployment zip holding every file (name → code): each entry as above, one end record. */
export function zippedSize(files: Record<string, string>): number;
export function zippedSize(codeOrFiles: string | Record<string, string>, name = "index.js"): number {
  const files = typeof codeOrFiles === "string" ? { [name]: codeOrFiles } : codeOrFiles;
  let size = 22;
  for (const [file, code] of Object.entries(files))
    size += deflateRawSync(code, { level: 9 }).length + 30 + 46 + 2 * Buffer.byteLength(file);
  return size;
}
