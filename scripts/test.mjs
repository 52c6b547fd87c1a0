// `npm test`: lint (eslint), the type check (tsc --noEmit) and the mocha suite run side by side on
// the 2 cores; fails if any fails. The mocha output streams live; lint's and the type check's follow it.
import { spawn } from "node:child_process";

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const started = Date.now();

const tsc = spawn(bin("tsc"), ["-p", "tsconfig.json"], { stdio: ["ignore", "pipe", "pipe"] });
let tscOut = "";
tsc.stdout.on("data", (c) => (tscOut += c));
tsc.stderr.on("data", (c) => (tscOut += c));
const tscDone = new Promise((resolve) => tsc.on("close", resolve));

const lint = spawn(bin("eslint"), ["."], { stdio: ["ignore", "pipe", "pipe"] });
let lintOut = "";
lint.stdout.on("data", (c) => (lintOut += c));
lint.stderr.on("data", (c) => (lintOut += c));
const lintDone = new Promise((resolve) => lint.on("close", resolve));

const mocha = spawn(bin("mocha"), process.argv.slice(2), { stdio: "inherit" });
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

if (tscCode === 0) console.log("Type check (tsc --noEmit, strict): passed");
else console.log(`Type check (tsc --noEmit, strict): FAILED\n${tscOut}`);
if (lintCode === 0) console.log("Lint (eslint, typescript-eslint + @pulumi/eslint-plugin): passed");
else console.log(`Lint (eslint): FAILED\n${lintOut}`);
console.log(`npm test wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(mochaCode || tscCode || lintCode ? 1 : 0);
