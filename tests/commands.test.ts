/**
 * Every npm script command, run as a child process the way its package.json script runs it: `--help`
 * answers with exit 0, an unknown flag is refused in one line with exit 2, and expected errors print
 * one clear message (no stack trace). The commands are read from package.json, so a new script is
 * covered (or this test says what to do).
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CommandSpec, helpText, runCommand, stackArgs } from "../local/cli";
import { GATEWAY_COMMAND, parsePort } from "../local/gateway/server";
import { PLAN_COMMAND } from "../local/plan";
import { readStackConfig } from "../local/stackConfig";
import { writeCallerBundle } from "../scripts/bundle";
import { loadBundledHandler, withEnv } from "./helpers/loadBundle";

const ROOT = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
/** Scripts that are tool wrappers, not our commands: mocha's and tsc's own --help apply. */
const TOOL_SCRIPTS = new Set(["test", "typecheck", "lint", "format"]);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a ts-node entry point as its npm script does (`exec ts-node --transpile-only FILE`), without npm. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, file), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One line on stderr, no stack frame ("    at …"). */
function assertOneLine(r: Run, what: string): void {
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, `${what}: expected one line on stderr, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: a stack trace`);
}

const commands = Object.entries(pkg.scripts)
  .filter(([name]) => !TOOL_SCRIPTS.has(name))
  .map(([name, script]) => {
    const file = /^exec ts-node --transpile-only (\S+\.ts)$/.exec(script)?.[1];
    return { name, script, file, npm: name === "start" ? "npm start" : `npm run ${name}` };
  });

describe("commands: --help, unknown flags, one-line errors", function () {
  this.timeout(120_000);

  it("every npm script is a ts-node entry point (so the checks below cover it)", () => {
    assert.ok(commands.length >= 6, "start, plan, gateway, call, build, bench");
    for (const c of commands) assert.ok(c.file, `package.json script ${c.name} ("${c.script}") is not "exec ts-node --transpile-only FILE.ts": cover it here`);
  });

  it("each answers --help with its usage and exit 0, and refuses an unknown flag with exit 2 in one line", async () => {
    const results = await Promise.all(commands.map(async (c) => ({
      c,
      help: await run(c.file as string, ["--help"]),
      unknown: await run(c.file as string, ["--no-such-flag"]),
    })));
    for (const { c, help, unknown } of results) {
      assert.equal(help.code, 0, `${c.npm} -- --help: exit ${help.code}\n${help.stderr}`);
      assert.ok(help.stdout.startsWith(`usage: ${c.npm}`), `${c.npm} -- --help printed:\n${help.stdout}`);
      assert.match(help.stdout, /^  -h, --help +print this help and exit$/m);
      assert.equal(unknown.code, 2, `${c.npm} -- --no-such-flag: exit ${unknown.code}\n${unknown.stdout}${unknown.stderr}`);
      assert.equal(unknown.stderr, `${c.npm}: unknown option --no-such-flag. Run \`${c.npm} -- --help\` for usage.\n`);
      assert.equal(unknown.stdout, "", `${c.npm} must not start its work on a usage error`);
    }
  });

  it("expected errors: one line naming the problem and the fix, exit 2 for the command line, 1 otherwise", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const cases: [string, string[], number, RegExp][] = [
        ["local/plan.ts", ["--stack", "nosuch"], 2, /^npm run plan: --stack "nosuch": there is no .*Pulumi\.nosuch\.yaml\. Stacks here: dev; pass one of them, or copy Pulumi\.dev\.yaml to Pulumi\.nosuch\.yaml/],
        ["local/plan.ts", ["--set", "holidays-api:exclusve=false"], 1, /^npm run plan: Invalid stack configuration: +- holidays-api:exclusve: expected one of the keys .*Fix: did you mean holidays-api:exclusive\? Rename it$/],
        ["local/gateway/server.ts", ["--port", String(busy)], 1, new RegExp(`^npm run gateway: --port ${busy}: 127\\.0\\.0\\.1:${busy} is already in use .*pass --port 0 to pick a free port$`)],
        ["local/start.ts", ["--stak", "dev"], 2, /^npm start: unknown option --stak \(did you mean --stack\?\)/],
        ["local/call.ts", ["not-a-url"], 2, /^npm run call: <url> "not-a-url" is not a valid URL/],
      ];
      const runs = await Promise.all(cases.map(([file, args]) => run(file, args)));
      for (const [i, [file, args, code, message]] of cases.entries()) {
        const r = runs[i];
        const what = `${file} ${args.join(" ")}`;
        assert.equal(r.code, code, `${what}: exit ${r.code}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: a stack trace:\n${r.stderr}`);
        // A config error lists each bad key on its own line; everything else is one line.
        assert.match(r.stderr.replace(/\n(?= {2}- )/g, " ").trimEnd(), message, what);
        if (!/Invalid stack configuration/.test(r.stderr)) assertOneLine(r, what);
      }
    } finally {
      blocker.close();
    }
  });

  it("usage errors in process: missing values, malformed --set, --port in anything but decimal digits", async () => {
    const lines: string[] = [];
    const code = (spec: CommandSpec, ...argv: string[]) => runCommand(spec, argv, () => 0, { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    assert.equal(await code(PLAN_COMMAND, "--stack"), 2);
    assert.equal(lines.pop(), "npm run plan: --stack needs a value (NAME); a value starting with \"-\" goes as --stack=VALUE. Run `npm run plan -- --help` for usage.");
    assert.equal(await code(PLAN_COMMAND, "--stack="), 2);
    assert.match(String(lines.pop()), /^npm run plan: --stack needs a value \(NAME\): read Pulumi\.NAME\.yaml/);
    assert.equal(await code(GATEWAY_COMMAND, "--port", "1", "extra"), 2);
    assert.match(String(lines.pop()), /^npm run gateway: unexpected argument "extra" \(this command takes only options\)/);
    assert.throws(() => stackArgs({ set: ["novalue"] }), /^UsageError: --set "novalue": expected NAMESPACE:KEY=VALUE/);
    assert.throws(() => stackArgs({ set: ["holidays-api:=1"] }), /expected NAMESPACE:KEY=VALUE/);
    for (const bad of ["0x50", "1e3", "", " 80", "+80", "65536", "-1", "1.5", "８０"]) {
      assert.throws(() => parsePort(bad), /^UsageError: --port ".*": expected a port number 0-65535 \(0 picks any free port\) in decimal digits$/, bad);
    }
    assert.equal(parsePort("080"), 80);
    assert.equal(parsePort("65535"), 65535);
  });

  it("a malformed stack file names the file, line and column; a missing one lists the stacks", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-stack-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  a: b\n   c: d\n");
      assert.throws(() => readStackConfig("bad", dir), (err: Error) => {
        assert.equal(err.name, "CommandError");
        assert.equal(err.message, `${path.join(dir, "Pulumi.bad.yaml")}:2:6: not valid YAML: Nested mappings are not allowed in compact mappings. Fix the YAML there (compare with Pulumi.dev.yaml).`);
        return true;
      });
      assert.throws(() => readStackConfig("dev", dir), /^UsageError: --stack "dev": there is no .*Stacks here: bad;/);
      fs.writeFileSync(path.join(dir, "Pulumi.list.yaml"), "config:\n  - a\n");
      assert.throws(() => readStackConfig("list", dir), /Pulumi\.list\.yaml: `config:` must be a mapping/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("help text lists every option with its value placeholder", () => {
    const text = helpText({ command: "npm run x", summary: "Does x.", options: { stack: { type: "string", value: "NAME", help: "the stack" }, set: { type: "string", multiple: true, value: "K=V", help: "a value" } } });
    assert.equal(text, [
      "usage: npm run x -- [--stack NAME] [--set K=V]...",
      "",
      "Does x.",
      "",
      "  --stack NAME  the stack",
      "  --set K=V     a value (repeatable)",
      "  -h, --help    print this help and exit",
    ].join("\n"));
  });

  it("the deployable bundle's init error prints only its message (no 300 KB source line, no stack)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-init-"));
    try {
      const { path: file } = writeCallerBundle(path.join(dir, "index.js"));
      const env = { ...process.env };
      delete env.API_URL;
      const r = await new Promise<Run>((resolve) => {
        const child = spawn(process.execPath, ["-e", `require(${JSON.stringify(file)})`], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c));
        child.stderr.on("data", (c: Buffer) => (stderr += c));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(r.code, 1);
      // Node's own format for an uncaught error whose stack is its message, then its version line.
      assert.equal(r.stderr, `[Error: API_URL is not set: expected the holidays data URL, e.g. https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json]\n\nNode.js ${process.version}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loading the bundle in the tests leaves nothing in the temporary folder", () => {
    const mine = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`holidays-caller-${process.pid}-`));
    const restore = withEnv({ API_URL: "https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json" });
    try {
      assert.equal(typeof loadBundledHandler().handler, "function");
    } finally {
      restore();
    }
    const failing = withEnv({ API_URL: undefined });
    try {
      assert.throws(() => loadBundledHandler(), /API_URL is not set/);
    } finally {
      failing();
    }
    assert.deepEqual(mine(), []);
  });

  it("npm itself is not silenced: `npm run nosuch` says the script is missing", async () => {
    const r = await new Promise<Run>((resolve) => {
      const child = spawn("npm", ["run", "nosuch"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Missing script: "nosuch"/);
  });
});
