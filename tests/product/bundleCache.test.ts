/** The caller bundle kept on disk (lambda/bundle.ts) serves only while every file esbuild read is unchanged. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleFile } from "../../lambda/bundle";

describe("the caller bundle kept on disk", () => {
  // A fixed folder: the cache is keyed by the entry's path, so reruns reuse one entry instead of adding one.
  const dir = path.join(os.tmpdir(), "holidays-bundle-cache-test");
  const entry = path.join(dir, "entry.js");
  const dep = path.join(dir, "dep.js");
  const started = Date.now();
  /** Writes `text` with an mtime `ageSeconds` before the test started (the same age gives the same mtime). */
  const write = (file: string, text: string, ageSeconds: number) => {
    fs.writeFileSync(file, text);
    const when = new Date(started - ageSeconds * 1000);
    fs.utimesSync(file, when, when);
  };
  before(() => fs.mkdirSync(dir, { recursive: true }));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("rebuilds when an input changes, even to the same size: an old file (its stat remembered) and one just written", () => {
    write(entry, 'console.log(require("./dep"));', 60);
    write(dep, 'module.exports = "AAAA";', 60);
    assert.match(bundleFile(entry), /"AAAA"/);
    assert.match(bundleFile(entry), /"AAAA"/, "unchanged inputs: the same bundle");
    write(dep, 'module.exports = "BBBB";', 0.5);
    assert.match(bundleFile(entry), /"BBBB"/, "an edit of an old file, same size, new mtime");
    // Same size and the very same mtime, as an edit in the clock tick of the last build can leave it.
    write(dep, 'module.exports = "CCCC";', 0.5);
    assert.match(bundleFile(entry), /"CCCC"/, "an edit that leaves size and mtime as they were, just after a build");
  });
});
