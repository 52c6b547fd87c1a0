// `npm test`'s static checks in one process: the strict type check (tsconfig.json, as `tsc` runs it),
// the format check (prettier, .prettierrc.json) and ESLint (eslint.config.mjs, as `npm run lint` runs it) over ONE TypeScript program. Built
// separately, tsc and typescript-eslint's project service each parse and bind the same ~4,000 files
// (most of them @pulumi/aws's type definitions); sharing the program halves that.
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import * as prettier from "prettier";
import ts from "typescript";

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const SKIPPED_DIRS = new Set(["node_modules", "dist", ".git"]);

/** Type-checks like `tsc -p tsconfig.json`; returns the program and the formatted diagnostics. */
function typeCheck() {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  const host = ts.createCompilerHost(config.options);
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    projectReferences: config.projectReferences,
    host,
  });
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
  return {
    program,
    count: diagnostics.length,
    text: ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost),
  };
}

/** Lints like `eslint .`, its typed rules reading the type check's program instead of building their own. */
async function lint(program) {
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parserOptions: { projectService: false, programs: [program] } } }],
  });
  const results = await eslint.lintFiles(["."]);
  const errors = results.reduce((n, r) => n + r.errorCount + r.fatalErrorCount, 0);
  const text = results.some((r) => r.messages.length > 0) ? (await eslint.loadFormatter("stylish")).format(results) : "";
  return { errors, text };
}

/** Files prettier would rewrite (`npm run format` fixes them): `prettier --check .`, honouring .prettierignore. */
async function formatCheck() {
  const unformatted = [];
  const walk = async (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const info = await prettier.getFileInfo(full, { ignorePath: path.join(root, ".prettierignore") });
      if (info.ignored || !info.inferredParser) continue;
      const options = { ...(await prettier.resolveConfig(full)), filepath: full };
      if (!(await prettier.check(fs.readFileSync(full, "utf8"), options))) unformatted.push(path.relative(root, full));
    }
  };
  await walk(root);
  return unformatted;
}

const started = performance.now();
const checked = typeCheck();
const linted = await lint(checked.program);
const unformatted = await formatCheck();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(checked.count === 0 ? "Type check (tsc, strict): passed" : `Type check (tsc, strict): FAILED\n${checked.text}`);
console.log(
  linted.errors === 0
    ? `Lint (eslint, typescript-eslint + @pulumi/eslint-plugin): passed${linted.text ? `\n${linted.text}` : ""}`
    : `Lint (eslint): FAILED\n${linted.text}`,
);
console.log(
  unformatted.length === 0
    ? "Format (prettier --check): passed"
    : `Format (prettier --check): FAILED, run \`npm run format\` for:\n  ${unformatted.join("\n  ")}`,
);
console.log(`(type check, lint and format: ${seconds} s)`);
const ok = checked.count === 0 && linted.errors === 0 && unformatted.length === 0;
process.exit(ok ? 0 : 1);
