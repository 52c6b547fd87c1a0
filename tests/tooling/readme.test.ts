/**
 * The README as a newcomer follows it: every fenced command block and code snippet carries a
 * `<!-- readme-test: ID -->` marker, and each is run here as written (bash in the repository root,
 * python3 with botocore, TypeScript through the type check) or, where it needs AWS or the Pulumi CLI,
 * checked: its shell syntax, the flags of our own commands, the stack outputs it reads. Expected
 * outcomes are stated here independently (the holidays document, AWS's unsigned answer, exit codes).
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { helpText, parseCommandLine } from "../../tools/cli/args";
import { CALL_COMMAND } from "../../tools/call";
import { GATEWAY_COMMAND } from "../../twin/gateway/server";
import { PLAN_COMMAND } from "../../twin/plan";
import { START_COMMAND } from "../../twin/story";
import { BUILD_COMMAND } from "../../tools/build";
import { VERIFY_COMMAND, parseVerifyArgs } from "../../verify/cli";

const ROOT = path.join(__dirname, "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

interface Block {
  id: string | undefined;
  lang: string;
  code: string;
  line: number;
}

function readmeBlocks(): Block[] {
  const out: Block[] = [];
  const lines = README.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    assert.ok(end > i, `README line ${i + 1}: unclosed code fence`);
    const marker = /^<!-- readme-test: ([\w-]+) -->$/.exec(lines[i - 1] ?? "");
    out.push({ id: marker?.[1], lang: open[1], code: lines.slice(i + 1, end).join("\n") + "\n", line: i + 1 });
    i = end;
  }
  return out;
}

const BLOCKS = readmeBlocks();
function block(id: string): Block {
  const b = BLOCKS.find((x) => x.id === id);
  assert.ok(b, `README has no block marked <!-- readme-test: ${id} -->`);
  return b;
}

/** Each marked block and how this file keeps it true. */
const HANDLED = [
  "first-commands",
  "tree",
  "start-options",
  "other-commands",
  "deploy",
  "call-deployed",
  "stack-reference",
  "call-usage",
  "gateway-usage",
  "gateway-start",
  "gateway-curl",
  "botocore",
  "gateway-python",
  "gateway-stop",
  "verify",
  "components-import",
  "confirm-deployed",
  "routes",
  "routes-conditional",
  "law-change",
  "presigned",
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function bash(script: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npm run X -- args` / `npm start -- args` lines of a block, with `$(…)` and `"$VAR"` as placeholders. */
function npmInvocations(code: string): { command: string; args: string[] }[] {
  const out: { command: string; args: string[] }[] = [];
  for (const raw of code.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/"\$\([^)]*\)"|"\$\w+"|\$\w+/g, "PLACEHOLDER");
    const m = /\bnpm (?:run (?:--silent |-s )?([\w-]+)|(start))(?: -- (.*))?$/.exec(line.trim());
    if (!m) continue;
    out.push({
      command: m[1] ?? m[2],
      args: (m[3] ?? "")
        .split(/\s+/)
        .filter(Boolean)
        .map((a) => a.replace(/^"(.*)"$/, "$1")),
    });
  }
  return out;
}

const SPECS = {
  start: START_COMMAND,
  plan: PLAN_COMMAND,
  gateway: GATEWAY_COMMAND,
  call: CALL_COMMAND,
  build: BUILD_COMMAND,
  verify: VERIFY_COMMAND,
} as const;

describe("README, as written", function () {
  this.timeout(180_000);

  it("marks every command block and code snippet, and each marker is checked here", () => {
    for (const b of BLOCKS) {
      if (["bash", "sh", "python", "typescript"].includes(b.lang)) {
        assert.ok(
          b.id,
          `README line ${b.line}: a \`\`\`${b.lang} block without <!-- readme-test: ID -->; mark it and check it in tests/readme.test.ts`,
        );
      }
      if (b.id) assert.ok(HANDLED.includes(b.id), `README line ${b.line}: marker ${b.id} is not checked by tests/readme.test.ts`);
    }
    assert.deepEqual(
      BLOCKS.filter((b) => b.id)
        .map((b) => b.id)
        .sort(),
      [...HANDLED].sort(),
      "each checked marker appears once",
    );
  });

  it("first commands: `npm ci` and `npm test` are what CI runs; `npm start` is what start.test.ts runs end to end", () => {
    const b = block("first-commands");
    assert.deepEqual(
      b.code
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replace(/\s+#.*$/, "")),
      ["npm ci && npm start", "npm test"],
    );
    // npm ci would reinstall node_modules under this very run, and npm test is this run: CI runs both.
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.match(ci, /^npm ci\b/m);
    assert.match(ci, /^npm test$/m);
    // `npm start` execs twin/story.ts, which tests/start.test.ts runs in a child process (the story, exit 0).
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.start, "exec node -r ./tools/tsHook.cjs twin/story.ts");
    assert.match(fs.readFileSync(path.join(__dirname, "..", "twin", "start.test.ts"), "utf8"), /path\.join\(ROOT, "twin", "story\.ts"\)/);
  });

  it("start options (run): single-account mode, and one field set by path", async () => {
    const r = await bash(block("start-options").code);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Account A \(single-account mode: A and B are the same account\): 111111111111/);
    assert.match(r.stdout, /Story complete/);
    assert.match(r.stdout, /^Plan for stack "dev"/m, "the plan ran with accountA.profile set by path");
  });

  describe("other offline commands (run) and the sample output of npm start", () => {
    let r: Run;
    before(async () => {
      r = await bash(block("other-commands").code);
    });

    it("plan and build succeed", () => {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^Plan for stack "dev"/m);
      assert.match(r.stdout, /^dist\/caller\/index\.js: [\d.]+ KiB raw, [\d.]+ KiB zipped$/m);
      assert.match(
        r.stdout,
        /^dist\/caller\/credentialChain\.js: [\d.]+ KiB raw, [\d.]+ KiB zipped \(loaded only without environment credentials\)$/m,
      );
      assert.match(r.stdout, /^deployment zip: [\d.]+ KiB, sha256 [0-9a-f]{64}$/m);
    });

    it("the sample's resource counts are the plan's", () => {
      const sample = README.slice(README.indexOf("== 1. Plan =="), README.indexOf("== 2. Local execute-api gateway =="));
      const tree = r.stdout.slice(r.stdout.indexOf("Account A — serves the API"), r.stdout.indexOf("Resource policy of the API"));
      const children = tree
        .slice(0, tree.indexOf("Account B"))
        .split("\n")
        .filter((l) => /[├└]─/.test(l)).length;
      const shown = sample
        .slice(0, sample.indexOf("Account B"))
        .split("\n")
        .filter((l) => /[├└]─/.test(l)).length;
      const more = Number(/…\s+\((\d+) more\)/.exec(sample)?.[1]);
      assert.equal(
        shown + more,
        children,
        `the sample shows ${shown} children of HolidaysApi and "(${more} more)"; the plan has ${children}`,
      );
      assert.equal(/Resources: (\d+) to create/.exec(sample)?.[1], /Resources: (\d+) to create/.exec(tree)?.[1]);
    });
  });

  it("deploying (needs the Pulumi CLI and AWS): valid shell, the local backend's passphrase, the outputs it reads exist, aws with --region", async () => {
    const deploy = block("deploy").code;
    const call = `${block("call-deployed").code}${block("confirm-deployed").code}`;
    for (const code of [deploy, call]) assert.equal(spawnSync("bash", ["-n"], { input: code }).status, 0, code);
    assert.match(deploy, /^pulumi login --local\b/m);
    assert.match(deploy, /^export PULUMI_CONFIG_PASSPHRASE=/m);
    assert.match(README, /`organization\/holidays-api\/dev`/);
    // Every AWS CLI call names its region (a profile's default region may be another one).
    const commands = call
      .replace(/\\\n\s*/g, " ")
      .split("\n")
      .filter((l) => /(^|\$\()aws \w/.test(l));
    assert.ok(commands.length >= 4, call);
    for (const line of commands) assert.match(line, /--region /, line);
    // Every `pulumi stack output NAME` is an output the program exports (read from index.ts's exports).
    const index = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    for (const [, name] of `${deploy}\n${call}`.matchAll(/pulumi stack output (\w+)/g))
      assert.match(index, new RegExp(`^export const ${name}\\b`, "m"), name);
    for (const { command, args } of npmInvocations(call)) {
      const spec = SPECS[command as keyof typeof SPECS];
      assert.ok(spec, `npm ${command}`);
      assert.doesNotThrow(() => parseCommandLine(spec, args), `npm ${command} -- ${args.join(" ")}`);
    }
  });

  it("the StackReference snippet is tests/snippets/stackReference.ts (type-checked by npm test) and reads real outputs", () => {
    const b = block("stack-reference");
    assert.equal(b.lang, "typescript");
    assert.equal(b.code, fs.readFileSync(path.join(__dirname, "..", "snippets", "stackReference.ts"), "utf8"));
    const tsconfig = fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8");
    assert.match(tsconfig, /"tests"/, "tsconfig.json includes tests/, so `npm test`'s tsc compiles the snippet");
    const project = /^name: (\S+)$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"))?.[1];
    assert.match(b.code, new RegExp(`StackReference\\("organization/${project}/dev"\\)`));
    const index = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    for (const [, name] of b.code.matchAll(/requireOutput\("(\w+)"\)/g))
      assert.match(index, new RegExp(`^export const ${name}\\b`, "m"), name);
  });

  it("verify: `--stack dev` (needs AWS) parses; `--local` is what tests/verify.test.ts runs through npm", () => {
    const lines = npmInvocations(block("verify").code);
    assert.deepEqual(
      lines.map((l) => [l.command, ...l.args]),
      [
        ["verify", "--stack", "dev"],
        ["verify", "--local"],
      ],
    );
    for (const l of lines) assert.doesNotThrow(() => parseVerifyArgs(l.args));
    assert.match(
      fs.readFileSync(path.join(__dirname, "verify.test.ts"), "utf8"),
      /spawnSync\("npm", \["run", "--silent", "verify", "--", "--local"\]/,
    );
  });

  it("the components import names what components/index.ts exports", () => {
    const code = block("components-import").code;
    const names = /import \{([^}]+)\} from "<path to holidays-api>\/components";/
      .exec(code)?.[1]
      .split(",")
      .map((n) => n.trim());
    assert.ok(names && names.length > 0, code);
    const index = fs.readFileSync(path.join(ROOT, "components", "index.ts"), "utf8");
    for (const n of names) assert.match(index, new RegExp(`^export \\{ ${n} \\}`, "m"), `components/index.ts does not export ${n}`);
  });

  it("a law change (changes package-lock.json, so checked, not run): valid shell, a real dependency, then this suite and a preview", () => {
    const code = block("law-change").code;
    assert.equal(spawnSync("bash", ["-n"], { input: code }).status, 0, code);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    for (const [, name] of code.matchAll(/^npm (?:outdated|update) (\S+)/gm)) assert.ok(pkg.dependencies[name], name);
    assert.match(code, /^npm test\b/m);
    assert.match(code, /^pulumi preview\b/m);
  });

  it("the usage lines are the commands' own --help", () => {
    for (const [id, spec] of [
      ["call-usage", CALL_COMMAND],
      ["gateway-usage", GATEWAY_COMMAND],
    ] as const) {
      assert.equal(
        block(id).code,
        `${helpText(spec)
          .split("\n")[0]
          .replace(/^usage: /, "")}\n`,
        id,
      );
    }
  });

  describe("the local gateway walkthrough (start, curl, npm run call, botocore, stop), run as one shell session", () => {
    const botocore = ["python3", "-c", "import botocore"];
    const hasBotocore = spawnSync(botocore[0], botocore.slice(1)).status === 0;
    const parts: Record<string, string> = {};
    let r: Run;
    let contractFile = "";
    // "save this as get_holidays.py": saved in a folder of its own, not in the working tree (a file
    // appearing there mid-run changes what tools/check.mjs hashes, so a pass would not be remembered).
    let pyDir = "";

    before(async () => {
      pyDir = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-readme-py-"));
      fs.writeFileSync(path.join(pyDir, "get_holidays.py"), block("botocore").code);
      const steps = [
        "gateway-start",
        "gateway-curl",
        ...(hasBotocore ? ["gateway-python"] : []),
        "presigned",
        "routes",
        "routes-conditional",
        "gateway-stop",
      ];
      // The harness adds only separators, the contract path, a stop if a step fails, and a `cd` into the
      // folder where get_holidays.py was saved for the step that runs it.
      const run = (id: string) => (id === "gateway-python" ? `(\ncd ${JSON.stringify(pyDir)}\n${block(id).code}\n)` : block(id).code);
      const script = [
        "set -e",
        "trap 'kill %1 2>/dev/null || true' EXIT",
        ...steps.flatMap((id) => [`echo "@@@ ${id}"`, run(id)]),
        'echo "@@@ GW=$GW"',
      ].join("\n");
      try {
        r = await bash(script);
      } finally {
        fs.rmSync(pyDir, { recursive: true, force: true });
      }
      for (const chunk of r.stdout.split(/^@@@ /m).slice(1)) {
        const nl = chunk.indexOf("\n");
        parts[chunk.slice(0, nl)] = chunk.slice(nl + 1);
      }
      contractFile = /^@@@ GW=(.*)$/m.exec(r.stdout)?.[1] ?? "";
    });

    it("starts, waits for the contract file, and runs every step", () => {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(contractFile.endsWith("/gateway.json"), r.stdout);
    });

    it("curl --aws-sigv4 gets the holidays; plain curl gets Missing Authentication Token; npm run call gets the holidays", () => {
      // curl prints bodies without a trailing newline: signed body, unsigned answer, then npm run call's JSON.
      const out = parts["gateway-curl"];
      const unsigned = '{"message":"Missing Authentication Token"}';
      const at = out.indexOf(unsigned);
      assert.ok(at > 0, out);
      // The signed GET's body is the JSON object of holidays, e.g. 元日 on 1 January of a configured year (2019).
      const signed = JSON.parse(out.slice(0, at)) as Record<string, string>;
      assert.equal(signed["2019-01-01"], "元日");
      const called = JSON.parse(out.slice(at + unsigned.length)) as Record<string, string>;
      assert.deepEqual(called, signed);
    });

    it("the botocore snippet, self-contained, gets the holidays", function () {
      if (!hasBotocore) this.skip(); // python3 without botocore: `.ci/run` installs python3-botocore
      assert.match(parts["gateway-python"], /^\{'2019-01-01': '元日', /m);
    });

    it("a presigned URL from npm run call --presign gets the holidays with a plain curl", () => {
      const body = JSON.parse(parts["presigned"]) as Record<string, string>;
      assert.equal(body["2019-01-01"], "元日");
    });

    it("the routes examples (run in the same shell): data.json, one year, and a 304 for the documented ETag", () => {
      // Two flat JSON objects, one after the other: the first "}" ends the first.
      const routes = parts["routes"];
      const at = routes.indexOf("}");
      assert.ok(at > 0, routes);
      assert.equal((JSON.parse(routes.slice(0, at + 1)) as Record<string, string>)["2019-01-01"], "元日");
      const year = JSON.parse(routes.slice(at + 1)) as Record<string, string>;
      assert.equal(year["2026-01-01"], "元日");
      assert.ok(
        Object.keys(year).every((d) => d.startsWith("2026-")),
        "only 2026",
      );
      const conditional = parts["routes-conditional"];
      const etag = /^etag: (".*")\s*$/im.exec(conditional)?.[1];
      assert.ok(etag, conditional);
      assert.ok(block("routes-conditional").code.includes(`If-None-Match: ${etag}`), `the README's ETag is the document's: ${etag}`);
      assert.match(conditional, /^HTTP\/1\.1 304 Not Modified/m);
    });

    it("kill %1 stops the gateway: the contract file is removed and the port is closed", async () => {
      for (let i = 0; i < 200 && fs.existsSync(contractFile); i++) await new Promise((res) => setTimeout(res, 100));
      assert.equal(fs.existsSync(contractFile), false, "the gateway removes its contract file when it stops");
      const dataUrl = /"dataUrl":"(http:\/\/127\.0\.0\.1:\d+[^"]*)"/.exec(r.stdout)?.[1];
      assert.ok(dataUrl, "the gateway printed its contract on stdout");
      await assert.rejects(fetch(dataUrl), "nothing listens on the port any more");
      fs.rmSync(path.dirname(contractFile), { recursive: true, force: true });
    });
  });

  it("the test table lists every test file", () => {
    const table = README.slice(README.indexOf("| file | what |"), README.indexOf("CI runs `bash .ci/run`"));
    const files = (fs.readdirSync(__dirname, { recursive: true }) as string[]).filter((x) => x.endsWith(".test.ts"));
    assert.ok(files.length > 10);
    for (const f of files) assert.ok(table.includes(`tests/${f}`), `README's test table does not list tests/${f}`);
  });

  it('"Where things are" names every source file of the repository, and only files that exist', () => {
    // Each line of the tree is `<indent><name>  <what>`; a name ending in "/" opens a folder for the lines
    // indented under it. Folders described as a whole (policy/, examples/consumer/, tests/) are not expanded.
    const listed = new Set<string>();
    const stack: { indent: number; dir: string }[] = [];
    for (const line of block("tree").code.split("\n")) {
      const m = /^( *)(\S+)/.exec(line);
      if (!m) continue;
      const indent = m[1].length;
      while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
      const full = (stack.length > 0 ? stack[stack.length - 1].dir : "") + m[2];
      if (full.endsWith("/")) stack.push({ indent, dir: full });
      else listed.add(full);
      assert.ok(fs.existsSync(path.join(ROOT, full)), `"Where things are" names ${full}, which does not exist`);
    }
    const expanded = ["components/", "lib/", "sigv4/", "lambda/", "local/", "verify/", "scripts/", "bench/"];
    const sources = execFileSync("git", ["ls-files", ...expanded, "index.ts"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "");
    for (const f of sources) assert.ok(listed.has(f), `"Where things are" does not list ${f}`);
  });

  it("every file or folder the README names in backticks exists", () => {
    const named = new Set<string>();
    for (const [, p] of README.matchAll(/`((?:[\w.-]+\/)+(?:[\w.-]+\.(?:ts|mjs|js|json|yaml|md|txt))?)`/g)) named.add(p);
    // Not repository paths: what commands write under dist/ (gitignored), and API Gateway's S3 "path"
    // style of integration URI.
    for (const p of named) {
      // handlers/: the design card's name for what lambda/ and sigv4/ hold ("Where things are" maps it).
      if (p.startsWith("dist/") || p === "path/" || p === "handlers/" || p.startsWith("api/") || p.startsWith("~/") || p.includes("…"))
        continue;
      assert.ok(fs.existsSync(path.join(ROOT, p)), `README names ${p}, which does not exist`);
    }
  });
});
