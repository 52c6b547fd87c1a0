/**
 * The README and every docs/ page as a newcomer follows them. Each fenced command block and code
 * snippet carries a `<!-- readme-test: KIND … -->` marker (docs/CONVENTIONS.md says what each kind
 * means) and is run here as written (bash from the repository root, sessions as one shell, python3
 * with botocore, TypeScript through the type check) or, where it needs AWS or the Pulumi CLI, checked:
 * its shell syntax, the flags of our own commands, the outputs and config keys it names. Expected
 * outcomes are stated here independently (the holidays document, AWS's unsigned answer, exit codes).
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CONFIG_KEYS, configKey } from "../../lib/config";
import { CommandSpec, helpText, parseCommandLine } from "../../tools/cli/args";
import { BUILD_COMMAND } from "../../tools/build";
import { CALL_COMMAND } from "../../tools/call";
import { FUZZ_COMMAND } from "../../tools/fuzz";
import { GATEWAY_COMMAND } from "../../twin/gateway/server";
import { PLAN_COMMAND } from "../../twin/plan";
import { START_COMMAND } from "../../twin/story";
import { VERIFY_COMMAND } from "../../verify/cli";
import {
  DocBlock,
  MARKED_LANGS,
  Page,
  ROOT,
  backtickedPaths,
  docPages,
  exportedConsts,
  headingAnchors,
  missingOutputLine,
  npmInvocations,
  readPage,
  relativeLinks,
  section,
  shellLines,
  stripFences,
  tableFirstColumn,
  where,
} from "../helpers/docBlocks";

const PAGES: Page[] = docPages().map(readPage);
const README = PAGES[0];
const BLOCKS = PAGES.flatMap((p) => p.blocks);
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const PROJECT = /^name: (\S+)$/m.exec(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"))?.[1] ?? "";
const KNOWN_KEYS = CONFIG_KEYS.map((k) => configKey(k, PROJECT));
const OUTPUTS = exportedConsts("index.ts");

/** Our commands' flag specs, by npm script name (`bench` parses at import, so only its name is checked). */
const SPECS: Record<string, CommandSpec> = {
  start: START_COMMAND,
  plan: PLAN_COMMAND,
  gateway: GATEWAY_COMMAND,
  call: CALL_COMMAND,
  build: BUILD_COMMAND,
  verify: VERIFY_COMMAND,
  fuzz: FUZZ_COMMAND,
};

const KINDS = ["run", "session", "save", "output", "check", "file", "usage", "tree"];

/** Blocks with an extra assertion below, by id. */
const NAMED = [
  "first-commands",
  "deploy",
  "map",
  "stack-reference",
  "components-import",
  "law-change",
  "gateway-curl",
  "gateway-python",
  "presigned",
  "gateway-stop",
  "routes",
  "routes-conditional",
  "verify-local",
  "npm-start",
];

function named(id: string): DocBlock {
  const b = BLOCKS.find((x) => x.marker?.id === id);
  assert.ok(b, `no page has a block marked id=${id}`);
  return b;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function bash(script: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also ends the servers a block started in the background.
    const child = spawn("bash", ["-c", script], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const PRELUDE = ["set -eo pipefail", "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"];

const runs = new Map<DocBlock, Promise<Run>>();
function runBlock(b: DocBlock): Promise<Run> {
  let r = runs.get(b);
  if (!r) {
    r = bash([...PRELUDE, b.code].join("\n"), 120_000);
    runs.set(b, r);
  }
  return r;
}

const botocoreMissing = spawnSync("python3", ["-c", "import botocore.auth"]).status !== 0;
const awsCliMissing = spawnSync("aws", ["--version"]).status !== 0;
/** A session block with `needs=X` is left out (and says so) when X is not installed here. */
function unmet(b: DocBlock): string | undefined {
  const needs = b.marker?.opts.get("needs");
  if (needs === "botocore" && botocoreMissing) return "python3 without botocore (.ci/run installs python3-botocore)";
  if (needs === "aws" && awsCliMissing) return "no AWS CLI on PATH";
  return undefined;
}

interface SessionRun extends Run {
  /** Each block's own stdout. */
  parts: Map<DocBlock, string>;
  /** The shell's variables when the session ended (`declare -p`). */
  vars: Map<string, string>;
  skipped: DocBlock[];
}

function sessionName(b: DocBlock): string | undefined {
  return b.marker && (b.marker.kind === "session" || b.marker.kind === "save") ? `${b.page}#${b.marker.args[0]}` : undefined;
}

const sessions = new Map<string, Promise<SessionRun>>();
function runSession(key: string): Promise<SessionRun> {
  let r = sessions.get(key);
  if (!r) {
    r = (async () => {
      const blocks = BLOCKS.filter((b) => b.marker?.kind === "session" && sessionName(b) === key);
      const saves = BLOCKS.filter((b) => b.marker?.kind === "save" && sessionName(b) === key);
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "holidays-docs-"));
      // Saved files live in a folder of their own, not the working tree (tools/check.mjs hashes it).
      for (const s of saves) fs.writeFileSync(path.join(scratch, s.marker?.args[1] ?? "unnamed"), s.code);
      const included = blocks.filter((b) => !unmet(b));
      // The harness adds only separators, a stop of background jobs at exit, and the `cd` of cd=scratch.
      const script = [
        ...PRELUDE,
        ...included.flatMap((b, i) => [
          `printf '\\n@@@ %s\\n' ${i}`,
          b.marker?.opts.get("cd") === "scratch" ? `(\ncd ${JSON.stringify(scratch)}\n${b.code})` : b.code,
        ]),
        "printf '\\n@@@ end\\n'",
        "declare -p",
      ].join("\n");
      try {
        const run = await bash(script, 180_000);
        const parts = new Map<DocBlock, string>();
        const chunks = run.stdout.split(/\n@@@ (\d+|end)\n/);
        const vars = new Map<string, string>();
        for (let k = 1; k + 1 < chunks.length; k += 2) {
          if (chunks[k] !== "end") parts.set(included[Number(chunks[k])], chunks[k + 1]);
          else for (const [, name, value] of chunks[k + 1].matchAll(/^declare -\S+ (\w+)="(.*)"$/gm)) vars.set(name, value);
        }
        return { ...run, parts, vars, skipped: blocks.filter((b) => unmet(b)) };
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    })();
    sessions.set(key, r);
  }
  return r;
}

/** What the block printed: its own run, or its part of its session's run. */
async function stdoutOf(b: DocBlock): Promise<string> {
  if (b.marker?.kind === "run") {
    const r = await runBlock(b);
    assert.equal(r.code, 0, `${where(b)} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }
  const key = sessionName(b);
  assert.ok(key, where(b));
  const r = await runSession(key);
  assert.equal(r.code, 0, `session ${key} exited ${r.code}\n${r.stdout}${r.stderr}`);
  const part = r.parts.get(b);
  assert.ok(part !== undefined, `${where(b)} did not run in its session`);
  return part;
}

/** The generic checks of a `check` block (docs/CONVENTIONS.md): nothing here runs it. */
function checkShell(b: DocBlock): void {
  assert.equal(spawnSync("bash", ["-n"], { input: b.code }).status, 0, `${where(b)}: not valid bash\n${b.code}`);
  for (const { script, args } of npmInvocations(b.code)) {
    assert.ok(PKG.scripts[script], `${where(b)}: npm run ${script} is not a script of package.json`);
    const spec = SPECS[script];
    if (spec) assert.doesNotThrow(() => parseCommandLine(spec, args), `${where(b)}: npm run ${script} -- ${args.join(" ")}`);
  }
  const lines = shellLines(b.code);
  for (const line of lines) {
    for (const [, dir, name] of line.matchAll(/(?:cd (examples\/[\w-]+) && )?pulumi stack output (\w+)/g)) {
      const from = dir ? `${dir}/index.ts` : "index.ts";
      assert.ok(exportedConsts(from).includes(name), `${where(b)}: pulumi stack output ${name}: ${from} exports no ${name}`);
    }
    for (const [, key] of line.matchAll(/pulumi config set (?:--(?:path|secret|plaintext) )*["']?([\w-]+:[^\s"'.[]+)/g)) {
      if (!key.startsWith(`${PROJECT}:`) && !key.startsWith("aws:")) continue;
      assert.ok(
        KNOWN_KEYS.includes(key),
        `${where(b)}: pulumi config set ${key}: the program reads no such key (${KNOWN_KEYS.join(", ")})`,
      );
    }
  }
  // Every AWS CLI call names its region (a profile's default region may be another one).
  if (!/\bAWS(?:_DEFAULT)?_REGION=/.test(b.code))
    for (const line of lines.filter((l) => /(?:^|[\s($;&|])aws\s+[a-z]/.test(l))) assert.match(line, /--region /, `${where(b)}: ${line}`);
}

describe("docs, as written (README.md, docs/*.md, examples/*/README.md)", function () {
  this.timeout(200_000);

  it("every command block and snippet is marked with a known kind, and every marker is on a block", () => {
    for (const p of PAGES) {
      assert.deepEqual(
        p.strayMarkers,
        [],
        `${p.page}: a readme-test marker not directly above a code fence (lines ${p.strayMarkers.join(", ")})`,
      );
      p.blocks.forEach((b, i) => {
        if (MARKED_LANGS.includes(b.lang))
          assert.ok(b.marker, `${where(b)}: a \`\`\`${b.lang} block without <!-- readme-test: KIND --> (see docs/CONVENTIONS.md)`);
        const m = b.marker;
        if (!m) return;
        assert.ok(KINDS.includes(m.kind), `${where(b)}: unknown kind "${m.kind}" (one of ${KINDS.join(", ")})`);
        if (m.id) assert.ok(NAMED.includes(m.id), `${where(b)}: id=${m.id} has no named check in tests/tooling/readme.test.ts`);
        if (["run", "session"].includes(m.kind)) assert.match(b.lang, /^(bash|sh|shell)$/, `${where(b)}: ${m.kind} is for bash blocks`);
        if (m.kind === "session" || m.kind === "save") assert.ok(m.args[0], `${where(b)}: ${m.kind} needs a session NAME`);
        if (m.kind === "save") {
          assert.ok(m.args[1] && !m.args[1].includes("/"), `${where(b)}: save NAME FILE (a bare file name)`);
          assert.ok(
            p.blocks.some((x) => x.marker?.kind === "session" && x.marker.args[0] === m.args[0]),
            `${where(b)}: no session ${m.args[0]} on this page`,
          );
        }
        if (m.kind === "output") {
          const prev = p.blocks[i - 1];
          assert.ok(
            prev?.marker && ["run", "session"].includes(prev.marker.kind),
            `${where(b)}: an output block must follow a run or session block`,
          );
        }
        if (m.kind === "file")
          assert.match(m.args[0] ?? "", /^tests\/snippets\/[\w.-]+\.(ts|py)$/, `${where(b)}: file tests/snippets/NAME.ts`);
        if (m.kind === "usage") assert.ok(SPECS[m.args[0] ?? ""], `${where(b)}: usage COMMAND, one of ${Object.keys(SPECS).join(", ")}`);
      });
    }
    const ids = BLOCKS.flatMap((b) => (b.marker?.id ? [b.marker.id] : []));
    assert.deepEqual([...ids].sort(), [...NAMED].sort(), "each named check's id appears once");
  });

  for (const page of PAGES) {
    describe(page.page, () => {
      page.blocks.forEach((b, i) => {
        const m = b.marker;
        if (!m) return;
        const next = page.blocks[i + 1];
        const output = next?.marker?.kind === "output" ? next : undefined;
        if (m.kind === "run")
          it(`line ${b.line}: runs and exits 0${output ? ", printing its sample output" : ""}`, async () => {
            const out = await stdoutOf(b);
            if (output)
              assert.equal(missingOutputLine(output.code, out), undefined, `${where(output)}: not printed by the block above:\n${out}`);
          });
        if (m.kind === "session" && output)
          it(`line ${b.line}: (session ${m.args[0]}) prints its sample output`, async () => {
            const out = await stdoutOf(b);
            assert.equal(missingOutputLine(output.code, out), undefined, `${where(output)}: not printed by the block above:\n${out}`);
          });
        if (m.kind === "check" && /^(bash|sh|shell)$/.test(b.lang))
          it(`line ${b.line}: (needs AWS or the Pulumi CLI) valid shell; our commands' flags, outputs, config keys and regions are real`, () =>
            checkShell(b));
        if (m.kind === "file")
          it(`line ${b.line}: is ${m.args[0]} (type-checked by npm test)`, () => {
            const file = m.args[0];
            assert.equal(b.code, fs.readFileSync(path.join(ROOT, file), "utf8"), `${where(b)} differs from ${file}`);
            if (file.endsWith(".ts"))
              assert.match(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"), /"tests"/, "tsconfig.json includes tests/");
            if (file.endsWith(".py") && !botocoreMissing)
              assert.equal(spawnSync("python3", ["-m", "py_compile", path.join(ROOT, file)]).status, 0, file);
          });
        if (m.kind === "usage")
          it(`line ${b.line}: is npm run ${m.args[0]}'s own usage line`, () => {
            assert.equal(
              b.code,
              `${helpText(SPECS[m.args[0]])
                .split("\n")[0]
                .replace(/^usage: /, "")}\n`,
            );
          });
        if (m.kind === "tree")
          it(`line ${b.line}: the map names only paths that exist, every top-level folder, and every subfolder of a folder it expands`, () =>
            checkTree(b));
        if (b.lang === "yaml" && /^\s*(?:[\w-]+):[\w.]+:/m.test(b.code))
          it(`line ${b.line}: (yaml) config keys are keys the program reads`, () => {
            for (const [, key] of b.code.matchAll(/^\s*([\w-]+:[\w]+)(?:\.[\w.]+)?:/gm)) {
              if (!key.startsWith(`${PROJECT}:`) && !key.startsWith("aws:")) continue;
              assert.ok(KNOWN_KEYS.includes(key), `${where(b)}: ${key} is not a key the program reads (${KNOWN_KEYS.join(", ")})`);
            }
          });
      });

      const sessionNames = [...new Set(page.blocks.filter((b) => b.marker?.kind === "session").map((b) => b.marker?.args[0]))];
      for (const name of sessionNames)
        it(`session ${name}: its blocks run in order as one shell and exit 0`, async function () {
          const r = await runSession(`${page.page}#${name}`);
          assert.equal(r.code, 0, `session ${name} of ${page.page} exited ${r.code}\n${r.stdout}${r.stderr}`);
          if (r.skipped.length > 0) {
            // Documented skip: a tool the block needs is not installed on this machine.
            console.log(`      (left out: ${r.skipped.map((b) => `${where(b)}: ${unmet(b)}`).join("; ")})`);
          }
        });

      it("every file or folder it names in backticks exists; every relative link and anchor resolves", () => {
        for (const p of backtickedPaths(page.text)) {
          // Not repository paths: what commands write (dist/, node_modules/), home files, S3 keys (api/…),
          // API Gateway's S3 "path" integration style, the design card's handlers/, and placeholders.
          if (/^(dist|node_modules|api|path|handlers)\//.test(p) || p.startsWith("~/") || /[…<*]/.test(p)) continue;
          assert.ok(fs.existsSync(path.join(ROOT, p)), `${page.page} names ${p}, which does not exist`);
        }
        for (const { target, anchor } of relativeLinks(page.text)) {
          const file = target === "" ? page.page : path.join(path.dirname(page.page), target);
          assert.ok(fs.existsSync(path.join(ROOT, file)), `${page.page} links ${target}, which does not exist`);
          if (anchor !== undefined && file.endsWith(".md"))
            assert.ok(
              headingAnchors(fs.readFileSync(path.join(ROOT, file), "utf8")).has(anchor),
              `${page.page} links ${target}#${anchor}: ${file} has no heading with that anchor`,
            );
        }
      });

      it("no internal issue numbers: each says its reason (public trackers as owner/repo#N)", () => {
        const prose = page.text;
        for (const line of prose.split("\n")) {
          assert.doesNotMatch(line, /\b(?:issues?|PR|pull request)\s+#?\d+\b/i, `${page.page}: ${line}`);
          assert.doesNotMatch(line, /(?:^|[\s(])#\d+\b/, `${page.page}: ${line}`);
        }
      });
    });
  }
});

function checkTree(b: DocBlock): void {
  // Each line is `<indent><name>  <what>`; a name ending in "/" opens a folder for the lines indented under it.
  const listed = new Set<string>();
  const expanded = new Set<string>();
  const stack: { indent: number; dir: string }[] = [];
  for (const line of b.code.split("\n")) {
    const m = /^( *)(\S+)/.exec(line);
    if (!m) continue;
    const indent = m[1].length;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack.length > 0 ? stack[stack.length - 1].dir : "";
    if (parent) expanded.add(parent);
    const full = parent + m[2];
    if (full.endsWith("/")) stack.push({ indent, dir: full });
    listed.add(full);
    assert.ok(fs.existsSync(path.join(ROOT, full)), `${where(b)}: the map names ${full}, which does not exist`);
  }
  const folders = new Set<string>();
  for (const f of execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n")) {
    const parts = f.split("/");
    for (let k = 1; k < parts.length; k++) folders.add(`${parts.slice(0, k).join("/")}/`);
  }
  for (const dir of folders) {
    if (dir.startsWith(".")) continue;
    const parent = dir.slice(0, dir.slice(0, -1).lastIndexOf("/") + 1);
    if (parent === "" || expanded.has(parent)) assert.ok(listed.has(dir), `${where(b)}: the map does not list ${dir}`);
  }
}

describe("README: the door", () => {
  it("is at most 300 lines and opens with the two commands", () => {
    const lines = README.text.split("\n").length;
    assert.ok(lines <= 300, `README.md has ${lines} lines (at most 300; depth goes to docs/)`);
    assert.equal(README.blocks[0]?.marker?.id, "first-commands", "the first block is the two commands");
  });

  it("first commands: `npm ci` and `npm test` are what CI runs; `npm start` is docs/twin.md's block, run below", () => {
    assert.deepEqual(shellLines(named("first-commands").code), ["npm ci && npm start", "npm test"]);
    // npm ci would reinstall node_modules under this very run, and npm test is this run: CI runs both.
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.match(ci, /^npm ci\b/m);
    assert.match(ci, /^npm test$/m);
    assert.deepEqual(shellLines(named("npm-start").code), ["npm start"]);
  });

  it("`npm start`, as a newcomer runs it, tells the whole story and exits 0", async () => {
    const stdout = await stdoutOf(named("npm-start"));
    assert.match(stdout, /== 1\. Plan ==/);
    assert.match(stdout, /Account A — serves the API: 111111111111/);
    assert.match(stdout, /Account B — runs the caller: 222222222222/);
    assert.match(stdout, /"Sid": "AllowInvokers"/);
    assert.match(
      stdout,
      /✔ caller role runs the bundled handler\n {4}expected: returns the \d+ holidays of data\.json — cross-account, a listed invoker, with an identity grant\n {4}path: {5}SigV4 ✔ → resource policy AllowViaAccount \(AllowInvokers\) \+ identity Allow ✔ → AssumeRole holidays-s3-read-\w+ ✔ → s3:GetObject api\/v1\/data\.json ✔ → 200 application\/json; charset=utf-8/,
    );
    assert.match(stdout, /"2020-07-24": "スポーツの日"|"2026-01-01": "元日"/);
    assert.match(
      stdout,
      /✔ unsigned GET \(like a plain curl\)\n {4}expected: 403 MissingAuthenticationTokenException: Missing Authentication Token/,
    );
    assert.match(
      stdout,
      /✔ signed GET as intruder role in the caller's account \(not named\), from 127\.0\.0\.1\n {4}expected: 403 AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role\/holidays-local-intruder\/local-session is not authorized .* with an explicit deny — exclusive: it is not an invoker/,
    );
    assert.match(stdout, /✔ caller role with a tampered signature\n {4}expected: 403 InvalidSignatureException/);
    assert.match(stdout, /Story complete: all 5 outcomes as expected/);
    const planMs = Number(/plan built in (\d+) ms/.exec(stdout)?.[1]);
    assert.ok(planMs > 0);
  });

  it("the config table lists every key lib/config.ts accepts, and only those", () => {
    const table = section(README.text, "Configuration");
    assert.ok(table, 'README has a "## Configuration" section');
    assert.deepEqual(
      tableFirstColumn(table)
        .filter((k) => k.includes(":"))
        .sort(),
      [...KNOWN_KEYS].sort(),
    );
  });

  it("the outputs table lists every stack output index.ts exports, and only those", () => {
    const table = section(README.text, "Outputs");
    assert.ok(table, 'README has a "## Outputs" section');
    assert.deepEqual(tableFirstColumn(table).sort(), [...OUTPUTS].sort());
  });

  it("links every page of docs/, and says where handlers/ went", () => {
    const prose = stripFences(README.text);
    for (const f of fs.readdirSync(path.join(ROOT, "docs")).filter((x) => x.endsWith(".md")))
      assert.ok(prose.includes(`](docs/${f})`), `README.md does not link docs/${f}`);
    const para = prose.split("\n\n").find((x) => x.includes("`handlers/`"));
    assert.ok(para, "README says what became of the design card's handlers/");
    assert.match(para, /`lambda\/`/);
    assert.match(para, /`sigv4\/`/);
  });

  it("deploying (needs the Pulumi CLI and AWS): the local backend's login and passphrase, and the stack's full name", () => {
    const deploy = named("deploy").code;
    assert.match(deploy, /^pulumi login --local\b/m);
    assert.match(deploy, /^export PULUMI_CONFIG_PASSPHRASE=/m);
    assert.ok(BLOCKS.some((b) => /pulumi up/.test(b.code)));
    assert.ok(
      PAGES.some((p) => p.text.includes(`\`organization/${PROJECT}/dev\``)),
      "the DIY backend's full stack name is given",
    );
  });
});

describe("docs: named checks", function () {
  this.timeout(200_000);

  it("docs/testing.md's table lists every test file", () => {
    const testing = PAGES.find((p) => p.page === "docs/testing.md");
    assert.ok(testing, "docs/testing.md exists");
    const files = execFileSync("git", ["ls-files", "tests"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((f) => f.endsWith(".test.ts"));
    // Files of this working tree not yet committed count too (a helper adding a test).
    for (const f of fs.readdirSync(path.join(ROOT, "tests"), { recursive: true }) as string[])
      if (f.endsWith(".test.ts") && !files.includes(`tests/${f}`)) files.push(`tests/${f}`);
    assert.ok(files.length > 10);
    const table = tableFirstColumn(testing.text);
    for (const f of files) assert.ok(table.includes(f), `docs/testing.md's table does not list ${f}`);
  });

  it("the StackReference snippet names this project's dev stack and reads outputs the program exports", () => {
    const b = named("stack-reference");
    assert.equal(b.marker?.kind, "file");
    assert.match(b.code, new RegExp(`StackReference\\("organization/${PROJECT}/dev"\\)`));
    const names = [...b.code.matchAll(/(?:requireOutput|getOutput)\("(\w+)"\)/g)].map((x) => x[1]);
    assert.ok(names.length > 0);
    for (const n of names) assert.ok(OUTPUTS.includes(n), n);
  });

  it("the components import names what components/index.ts exports", () => {
    const code = named("components-import").code;
    const names = /import \{([^}]+)\} from "<path to holidays-api>\/components";/
      .exec(code)?.[1]
      .split(",")
      .map((n) => n.trim());
    assert.ok(names && names.length > 0, code);
    const index = fs.readFileSync(path.join(ROOT, "components", "index.ts"), "utf8");
    for (const n of names)
      assert.match(index, new RegExp(`^export \\{[^}]*\\b${n}\\b[^}]*\\}`, "m"), `components/index.ts does not export ${n}`);
  });

  it("a law change (changes package-lock.json, so checked, not run): a real dependency, then the suite and a preview", () => {
    const code = named("law-change").code;
    for (const [, name] of code.matchAll(/^npm (?:outdated|update) (\S+)/gm)) assert.ok(PKG.dependencies[name], name);
    assert.match(code, /^npm test\b/m);
    assert.match(code, /^pulumi preview\b/m);
  });

  it("`npm run verify -- --local`, as a user runs it, exits 0 on the dev stack with every outcome as expected", async () => {
    const b = named("verify-local");
    assert.deepEqual(
      npmInvocations(b.code).map((l) => [l.script, ...l.args]),
      [["verify", "--local"]],
    );
    // What verify printed, after npm's "> holidays-api@… verify" banner.
    const out = (await stdoutOf(b)).replace(/^\n(?:> .*\n)+\n/, "");
    assert.match(out, /^Verifying stack dev on the offline twin/);
    assert.match(out, /All 7 outcomes as expected: the deployment works end to end\.\n$/);
    assert.doesNotMatch(out, /✘/);
  });

  describe("the local gateway walkthrough (docs/twin.md), run as one shell session", () => {
    it("curl --aws-sigv4 gets the holidays; plain curl gets Missing Authentication Token; npm run call gets the holidays", async () => {
      // curl prints bodies as they come: the signed body, the unsigned answer, then npm run call's JSON.
      const out = await stdoutOf(named("gateway-curl"));
      const unsigned = '{"message":"Missing Authentication Token"}';
      const at = out.indexOf(unsigned);
      assert.ok(at > 0, out);
      // The signed GET's body is the JSON object of holidays, e.g. 元日 on 1 January of a configured year (2019).
      const signed = JSON.parse(out.slice(0, at)) as Record<string, string>;
      assert.equal(signed["2019-01-01"], "元日");
      const called = JSON.parse(out.slice(at + unsigned.length)) as Record<string, string>;
      assert.deepEqual(called, signed);
    });

    it("the botocore snippet, saved as a file, gets the holidays (header-signed and presigned)", async function () {
      if (botocoreMissing) this.skip(); // python3 without botocore: `.ci/run` installs python3-botocore
      const out = await stdoutOf(named("gateway-python"));
      assert.match(out, /^\{'2019-01-01': '元日', /m);
      assert.match(out, /^94 holidays through a presigned URL$/m);
    });

    it("a presigned URL from npm run call --presign gets the holidays with a plain curl", async () => {
      const body = JSON.parse(await stdoutOf(named("presigned"))) as Record<string, string>;
      assert.equal(body["2019-01-01"], "元日");
    });

    it("kill %1 stops the gateway: the contract file is removed and the port is closed", async () => {
      const b = named("gateway-stop");
      await stdoutOf(b);
      const run = await runSession(sessionName(b) ?? "");
      const contract = /^\{"url":"http:\/\/127\.0\.0\.1:\d+\/\w+","dataUrl":"(http:\/\/127\.0\.0\.1:\d+[^"]*)"/m.exec(run.stdout);
      assert.ok(contract, "the gateway printed its contract on stdout");
      const file = run.vars.get("GW") ?? "";
      assert.ok(file.endsWith("/gateway.json"), `the session's GW is the contract file: ${file}`);
      for (let i = 0; i < 200 && fs.existsSync(file); i++) await new Promise((res) => setTimeout(res, 100));
      assert.equal(fs.existsSync(file), false, "the gateway removes its contract file when it stops");
      await assert.rejects(fetch(contract[1]), "nothing listens on the port any more");
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });
  });

  describe("the routes examples (docs/api.md), run as one shell session", () => {
    it("data.json and one year", async () => {
      // Two flat JSON objects, one after the other: the first "}" ends the first.
      const routes = await stdoutOf(named("routes"));
      const at = routes.indexOf("}");
      assert.ok(at > 0, routes);
      assert.equal((JSON.parse(routes.slice(0, at + 1)) as Record<string, string>)["2019-01-01"], "元日");
      const year = JSON.parse(routes.slice(at + 1)) as Record<string, string>;
      assert.equal(year["2026-01-01"], "元日");
      assert.ok(
        Object.keys(year).every((d) => d.startsWith("2026-")),
        "only 2026",
      );
    });

    it("a 304 for the documented ETag", async () => {
      const b = named("routes-conditional");
      const conditional = await stdoutOf(b);
      const etag = /^etag: (".*")\s*$/im.exec(conditional)?.[1];
      assert.ok(etag, conditional);
      assert.ok(b.code.includes(`If-None-Match: ${etag}`), `the page's ETag is the document's: ${etag}`);
      assert.match(conditional, /^HTTP\/1\.1 304 Not Modified/m);
    });
  });
});
