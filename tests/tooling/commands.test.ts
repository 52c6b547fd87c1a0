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
import { CALL_COMMAND } from "../../tools/call";
import { CommandSpec, helpText, runCommand, stackArgs } from "../../tools/cli/args";
import { GATEWAY_COMMAND, gatewayMain, parsePort } from "../../twin/gateway/server";
import { PLAN_COMMAND, isProgramError, planMain } from "../../twin/plan";
import { START_COMMAND } from "../../twin/story";
import { BUILD_COMMAND } from "../../tools/build";
import { FUZZ_COMMAND } from "../../tools/fuzz";
import { VERIFY_COMMAND, verify } from "../../verify/cli";
import { readStackConfig } from "../../tools/cli/stackConfig";
import { writeCallerBundle } from "../../lambda/bundle";
import { loadBundledHandler, withEnv } from "../helpers/loadBundle";

const ROOT = path.join(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
/** Scripts that are tool wrappers, not our commands: mocha's and tsc's own --help apply. */
const TOOL_SCRIPTS = new Set(["test", "typecheck", "lint", "format", "format:check"]);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point as its npm script does (`exec node -r ./tools/tsHook.cjs FILE`), without npm. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", path.join(ROOT, "tools", "tsHook.cjs"), path.join(ROOT, file), ...args], {
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

const commands = Object.entries(pkg.scripts)
  .filter(([name]) => !TOOL_SCRIPTS.has(name))
  .map(([name, script]) => {
    const file = /^exec node -r \.\/tools\/tsHook\.cjs (\S+\.ts)$/.exec(script)?.[1];
    return { name, script, file, npm: name === "start" ? "npm start" : `npm run ${name}` };
  });

describe("commands: --help, unknown flags, one-line errors", function () {
  this.timeout(120_000);

  it("every npm script is a TypeScript entry point under the project's hook (so the checks below cover it)", () => {
    assert.ok(commands.length >= 8, "start, plan, gateway, call, build, bench, verify, fuzz");
    for (const c of commands)
      assert.ok(c.file, `package.json script ${c.name} ("${c.script}") is not "exec node -r ./tools/tsHook.cjs FILE.ts": cover it here`);
  });

  it("each answers --help with its usage and exit 0 (run as a child process, as npm runs it)", async () => {
    const results = await Promise.all(commands.map(async (c) => ({ c, help: await run(c.file as string, ["--help"]) })));
    for (const { c, help } of results) {
      assert.equal(help.code, 0, `${c.npm} -- --help: exit ${help.code}\n${help.stderr}`);
      assert.ok(help.stdout.startsWith(`usage: ${c.npm}`), `${c.npm} -- --help printed:\n${help.stdout}`);
      assert.match(help.stdout, /^ {2}-h, --help +print this help and exit$/m);
    }
  });

  it("each refuses an unknown flag with exit 2 in one line, before starting any work", async () => {
    // The commands that run through runMain, in process (same code path as their entry points)...
    for (const spec of [START_COMMAND, PLAN_COMMAND, GATEWAY_COMMAND, CALL_COMMAND, BUILD_COMMAND, FUZZ_COMMAND] as CommandSpec[]) {
      const out: string[] = [];
      const err: string[] = [];
      let worked = false;
      const code = await runCommand(
        spec,
        ["--no-such-flag"],
        () => {
          worked = true;
        },
        { out: (t) => out.push(t), err: (t) => err.push(t) },
      );
      assert.equal(code, 2, spec.command);
      assert.deepEqual(err, [`${spec.command}: unknown option --no-such-flag. Run \`${spec.command} -- --help\` for usage.`]);
      assert.deepEqual([out, worked], [[], false]);
    }
    // ...verify, which prints through its own `print` (its tests capture it)...
    const lines: string[] = [];
    assert.equal(await verify(["--no-such-flag"], (t) => lines.push(t)), 2);
    assert.deepEqual(lines, [
      `${VERIFY_COMMAND.command}: unknown option --no-such-flag. Run \`${VERIFY_COMMAND.command} -- --help\` for usage.`,
    ]);
    assert.deepEqual(
      commands.map((c) => c.npm).sort(),
      [
        START_COMMAND,
        PLAN_COMMAND,
        GATEWAY_COMMAND,
        CALL_COMMAND,
        BUILD_COMMAND,
        FUZZ_COMMAND,
        VERIFY_COMMAND,
        { command: "npm run bench" },
      ]
        .map((x) => x.command)
        .sort(),
      "every npm script is covered",
    );
    // ...and the bench, whose work starts at load time, as a child process.
    const bench = await run("bench/bench.ts", ["--quik"]);
    assert.equal(bench.code, 2);
    assert.equal(bench.stderr, "npm run bench: unknown option --quik (did you mean --quick?). Run `npm run bench -- --help` for usage.\n");
    assert.equal(bench.stdout, "");
  });

  it("expected errors: one line naming the problem and the fix, exit 2 for the command line, 1 otherwise", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const err: string[] = [];
      const opts = { isExpected: isProgramError, out: () => undefined, err: (t: string) => err.push(t) };
      const cases: [string, () => Promise<number | undefined>, number, RegExp][] = [
        [
          "plan --stack nosuch",
          () => runCommand(PLAN_COMMAND, ["--stack", "nosuch"], planMain, opts),
          2,
          /^npm run plan: --stack "nosuch": there is no .*Pulumi\.nosuch\.yaml\. Stacks here: dev; pass one of them, or copy Pulumi\.dev\.yaml to Pulumi\.nosuch\.yaml/,
        ],
        [
          "plan --set accountA.accountId=12345",
          () => runCommand(PLAN_COMMAND, ["--set", "holidays-api:accountA.accountId=12345"], planMain, opts),
          1,
          /^npm run plan: Invalid stack configuration:\n {2}- holidays-api:accountA\.accountId = 12345: expected a 12-digit AWS account id as a quoted string/,
        ],
        [
          "gateway --port <busy>",
          () => runCommand(GATEWAY_COMMAND, ["--port", String(busy)], gatewayMain, opts),
          1,
          new RegExp(`^npm run gateway: --port ${busy}: 127\\.0\\.0\\.1:${busy} is already in use .*pass --port 0 to pick a free port$`),
        ],
        [
          "start --stak dev",
          () => runCommand(START_COMMAND, ["--stak", "dev"], () => 0, opts),
          2,
          /^npm start: unknown option --stak \(did you mean --stack\?\)/,
        ],
      ];
      for (const [what, go, code, message] of cases) {
        err.length = 0;
        assert.equal(await go(), code, `${what}: ${err.join("\n")}`);
        assert.equal(err.length, 1, what);
        assert.doesNotMatch(err[0], /^\s+at /m, `${what}: a stack trace`);
        assert.match(err[0], message, what);
      }
    } finally {
      blocker.close();
    }
    // The real process: a config error through the program (a pulumi.RunError) prints its message only.
    const r = await run("twin/plan.ts", ["--set", "holidays-api:exclusve=false"]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^npm run plan: Invalid stack configuration:\n {2}- holidays-api:exclusve: expected one of the keys .*Fix: did you mean holidays-api:exclusive\? Rename it\n$/,
    );
  });

  it("usage errors in process: missing values, malformed --set, --port in anything but decimal digits", async () => {
    const lines: string[] = [];
    const code = (spec: CommandSpec, ...argv: string[]) =>
      runCommand(spec, argv, () => 0, { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    assert.equal(await code(PLAN_COMMAND, "--stack"), 2);
    assert.equal(
      lines.pop(),
      'npm run plan: --stack needs a value (NAME); a value starting with "-" goes as --stack=VALUE. Run `npm run plan -- --help` for usage.',
    );
    assert.equal(await code(PLAN_COMMAND, "--stack="), 2);
    assert.match(String(lines.pop()), /^npm run plan: --stack needs a value \(NAME\): read Pulumi\.NAME\.yaml/);
    assert.equal(await code(GATEWAY_COMMAND, "--port", "1", "extra"), 2);
    assert.match(String(lines.pop()), /^npm run gateway: unexpected argument "extra" \(this command takes only options\)/);
    assert.throws(() => stackArgs({ set: ["novalue"] }), /^UsageError: --set "novalue": expected NAMESPACE:KEY=VALUE/);
    assert.throws(() => stackArgs({ set: ["holidays-api:=1"] }), /expected NAMESPACE:KEY=VALUE/);
    for (const bad of ["0x50", "1e3", "", " 80", "+80", "65536", "-1", "1.5", "８０"]) {
      assert.throws(
        () => parsePort(bad),
        /^UsageError: --port ".*": expected a port number 0-65535 \(0 picks any free port\) in decimal digits$/,
        bad,
      );
    }
    assert.equal(parsePort("080"), 80);
    assert.equal(parsePort("65535"), 65535);
  });

  it("a malformed stack file names the file, line and column; a missing one lists the stacks", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-stack-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config:\n  a: b\n   c: d\n");
      assert.throws(
        () => readStackConfig("bad", dir),
        (err: Error) => {
          assert.equal(err.name, "CommandError");
          assert.equal(
            err.message,
            `${path.join(dir, "Pulumi.bad.yaml")}:2:6: not valid YAML: Nested mappings are not allowed in compact mappings. Fix the YAML there (compare with Pulumi.dev.yaml).`,
          );
          return true;
        },
      );
      assert.throws(() => readStackConfig("dev", dir), /^UsageError: --stack "dev": there is no .*Stacks here: bad;/);
      fs.writeFileSync(path.join(dir, "Pulumi.list.yaml"), "config:\n  - a\n");
      assert.throws(() => readStackConfig("list", dir), /Pulumi\.list\.yaml: `config:` must be a mapping/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("help text lists every option with its value placeholder", () => {
    const text = helpText({
      command: "npm run x",
      summary: "Does x.",
      options: {
        stack: { type: "string", value: "NAME", help: "the stack" },
        set: { type: "string", multiple: true, value: "K=V", help: "a value" },
      },
    });
    assert.equal(
      text,
      [
        "usage: npm run x -- [--stack NAME] [--set K=V]...",
        "",
        "Does x.",
        "",
        "  --stack NAME  the stack",
        "  --set K=V     a value (repeatable)",
        "  -h, --help    print this help and exit",
      ].join("\n"),
    );
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
      assert.equal(
        r.stderr,
        `[Error: API_URL is not set: expected the holidays data URL, e.g. https://abc123.execute-api.ap-northeast-1.amazonaws.com/dev/api/v1/data.json]\n\nNode.js ${process.version}\n`,
      );
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
