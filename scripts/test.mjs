// `npm test`: lint (eslint), the strict type check and the mocha suite run side by side on the 2
// cores; fails if any fails. The mocha output streams live; lint's and the type check's follow it.
//
// The type check is `tsc -b` over tsconfig.json, which is incremental with its build info in
// node_modules/.cache/holidays-api/ (gitignored, and gone with every `npm ci`): when no source file
// changed since a passing check it answers in well under a second; otherwise it re-checks what changed.
// Errors are never cached: a failing check leaves build info that says so, and the next run checks
// again. `tsc -b` decides from our sources' timestamps only, so the cache is also dropped whenever
// package-lock.json (the type definitions in node_modules) or the TypeScript version differ.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => `${root}node_modules/.bin/${name}`;
const started = Date.now();

function dropStaleTypeCheckCache() {
  const dir = `${root}node_modules/.cache/holidays-api`;
  const stampFile = `${dir}/tsconfig.tsbuildinfo.key`;
  const { version } = JSON.parse(fs.readFileSync(`${root}node_modules/typescript/package.json`, "utf8"));
  const key = createHash("sha256").update(version).update(fs.readFileSync(`${root}package-lock.json`)).digest("hex");
  let previous = "";
  try {
    previous = fs.readFileSync(stampFile, "utf8");
  } catch {
    // no cache yet
  }
  if (previous === key) return;
  fs.rmSync(`${dir}/tsconfig.tsbuildinfo`, { force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(stampFile, key);
}

dropStaleTypeCheckCache();
const tsc = spawn(bin("tsc"), ["-b", "tsconfig.json"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
let tscOut = "";
tsc.stdout.on("data", (c) => (tscOut += c));
tsc.stderr.on("data", (c) => (tscOut += c));
const tscDone = new Promise((resolve) => tsc.on("close", resolve));

const lint = spawn(bin("eslint"), ["."], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
let lintOut = "";
lint.stdout.on("data", (c) => (lintOut += c));
lint.stderr.on("data", (c) => (lintOut += c));
const lintDone = new Promise((resolve) => lint.on("close", resolve));

const mocha = spawn(bin("mocha"), process.argv.slice(2), { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    tsc.kill(signal);
    lint.kill(signal);
    mocha.kill(signal);
  });
}
const mochaCode = await new Promise((resolve) => mocha.on("close", resolve));
const tscCode = await tscDone;
const lintCode = await lintDone;

if (tscCode === 0) console.log("Type check (tsc -b, strict, incremental): passed");
else console.log(`Type check (tsc -b, strict, incremental): FAILED\n${tscOut}`);
if (lintCode === 0) console.log("Lint (eslint, typescript-eslint + @pulumi/eslint-plugin): passed");
else console.log(`Lint (eslint): FAILED\n${lintOut}`);
console.log(`npm test wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(mochaCode || tscCode || lintCode ? 1 : 0);
