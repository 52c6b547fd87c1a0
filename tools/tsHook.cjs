/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (`node -r`): require is how it loads */
// The TypeScript hook for mocha, the npm scripts and the processes the tests start: sucrase strips the
// types and keeps every statement on its line, so stack traces point at the right .ts line without
// source maps (ts-node's source-map-support made Pulumi's per-resource stack captures costly).
// HOLIDAYS_TS_HOOK=ts-node selects the hook used before, only so `npm run bench` can time both.
//
// What sucrase makes of a file is remembered on disk (node_modules/.cache/holidays-api/ts/), keyed by
// SHA-256 over sucrase's version, its options, the file's path and its content: every process (npm run
// plan, npm start, each mocha worker and each child process the tests start) otherwise transforms the
// same ~40 files again, and loads sucrase to do it. The output is what `sucrase/register/ts` gives
// (sucrase dist/register.js: transforms imports + typescript, an inline source map appended).
//
// It also defers the two large modules @pulumi/pulumi loads for function serialization, which this
// project never uses (tools/deferPulumiClosure.cjs): ≈0.9 s of every process that imports Pulumi.
if (process.env.HOLIDAYS_TS_HOOK === "ts-node") require("ts-node/register/transpile-only");
else {
  require("./deferPulumiClosure.cjs");
  registerCachedSucrase();
}

function registerCachedSucrase() {
  const { createHash, randomBytes } = require("node:crypto");
  const fs = require("node:fs");
  const path = require("node:path");
  const { addHook } = require("pirates");
  const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "holidays-api", "ts");
  // disableESTransforms: Node 20 runs ES2022 as is (tsconfig targets it); sucrase would otherwise turn each
  // `?.` and `??` into a helper call, measurable on the gateway's hot path (issue 12).
  const options = { transforms: ["imports", "typescript"], disableESTransforms: true };
  const version = require("sucrase/package.json").version;
  const keyOf = (code, filePath) =>
    createHash("sha256")
      .update(`sucrase ${version}\0${JSON.stringify(options)}\0${filePath}\0`)
      .update(code)
      .digest("hex");

  const transform = (code, filePath) => {
    const { code: transformed, sourceMap } = require("sucrase").transform(code, {
      ...options,
      sourceMapOptions: { compiledFilename: filePath },
      filePath,
    });
    const map = Buffer.from(JSON.stringify(sourceMap)).toString("base64");
    return `${transformed}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}`;
  };

  addHook(
    (code, filePath) => {
      const file = path.join(cacheDir, `${keyOf(code, filePath)}.js`);
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        // not remembered yet
      }
      const out = transform(code, filePath);
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(tmp, out);
        fs.renameSync(tmp, file); // atomic: a concurrent reader sees the whole file or none
      } catch {
        // A cache that cannot be written only costs the next process a transform.
      }
      return out;
    },
    { exts: [".ts"] },
  );
}
