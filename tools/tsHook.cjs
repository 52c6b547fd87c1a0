/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (`node -r`): require is how it loads */
// The TypeScript hook for mocha, the npm scripts and the processes the tests start: sucrase strips the
// types and keeps every statement on its line, so stack traces point at the right .ts line without
// source maps. Its output is remembered on disk (node_modules/.cache/holidays-api/ts/, keyed by sucrase's
// version, options, path and content), and it defers what Pulumi loads only for closure serialization
// (tools/deferPulumiClosure.cjs). What each buys: docs/benchmarks.md; HOLIDAYS_CACHES_OFF=ts,defer.
require("./deferPulumiClosure.cjs");
registerCachedSucrase();

function registerCachedSucrase() {
  const { createHash, randomBytes } = require("node:crypto");
  const fs = require("node:fs");
  const path = require("node:path");
  const { addHook } = require("pirates");
  const off = (process.env.HOLIDAYS_CACHES_OFF ?? "").split(",").includes("ts");
  const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "holidays-api", "ts");
  // disableESTransforms: Node 20 runs ES2022 as is (tsconfig targets it); sucrase would otherwise turn each
  // `?.` and `??` into a helper call.
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
      if (off) return transform(code, filePath);
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
