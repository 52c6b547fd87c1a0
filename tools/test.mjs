// `npm test`: the static checks (strict type check and lint, over one shared TypeScript program:
// tools/check.mjs) and the mocha suite run side by side on the 2 cores; fails if either fails. The
// mocha output streams live; the checks' follows it.
import { spawn } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const started = Date.now();

const check = spawn(process.execPath, [`${root}tools/check.mjs`], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
let checkOut = "";
check.stdout.on("data", (c) => (checkOut += c));
check.stderr.on("data", (c) => (checkOut += c));
const checkDone = new Promise((resolve) => check.on("close", resolve));

// A larger young generation for the mocha workers, which run the program under mocks ~80 times each
// suite: fewer scavenges, 15% less CPU (docs/benchmarks.md). V8's flag, allowed in NODE_OPTIONS.
const NODE_OPTIONS = [process.env.NODE_OPTIONS, "--max-semi-space-size=64"].filter(Boolean).join(" ");
const mocha = spawn(`${root}node_modules/.bin/mocha`, process.argv.slice(2), {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, NODE_OPTIONS },
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    check.kill(signal);
    mocha.kill(signal);
  });
}
const mochaCode = await new Promise((resolve) => mocha.on("close", resolve));
const checkCode = await checkDone;

process.stdout.write(checkOut);
console.log(`npm test wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(mochaCode || checkCode ? 1 : 0);
