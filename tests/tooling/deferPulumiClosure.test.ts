/**
 * tools/deferPulumiClosure.cjs (loaded by the project's TypeScript hook): importing @pulumi/pulumi no
 * longer loads the TypeScript compiler or @npmcli/arborist, and Pulumi's function serialization, the one
 * feature that uses them, still works: each loads on its first use.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const ROOT = path.join(__dirname, "..", "..");

const PROBE = `
const loaded = () => Object.keys(require.cache)
  .filter((f) => /typescript[\\\\/]lib[\\\\/]typescript\\.js$|@npmcli[\\\\/]arborist[\\\\/]lib[\\\\/]index\\.js$/.test(f))
  .map((f) => (/typescript\\.js$/.test(f) ? "typescript" : "@npmcli/arborist"));
const pulumi = require("@pulumi/pulumi");
const afterImport = loaded();
pulumi.runtime
  .serializeFunction(() => 6 * 7)
  .then(async (serialized) => {
    const afterSerialize = loaded();
    const codePaths = await pulumi.runtime.computeCodePaths();
    process.stdout.write(JSON.stringify({ afterImport, afterSerialize, afterCodePaths: loaded(), text: serialized.text, codePaths: codePaths.size }));
  });
`;

interface Probe {
  afterImport: string[];
  afterSerialize: string[];
  afterCodePaths: string[];
  text: string;
  codePaths: number;
}

async function probe(env: NodeJS.ProcessEnv = {}): Promise<Probe> {
  const { stdout } = await promisify(execFile)(process.execPath, ["-r", path.join(ROOT, "tools", "tsHook.cjs"), "-e", PROBE], {
    cwd: ROOT,
    env: { ...process.env, HOLIDAYS_CACHES_OFF: "", NODE_NO_WARNINGS: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Probe;
}

describe("the hook defers what @pulumi/pulumi loads only for function serialization", function () {
  this.timeout(90_000);

  it("importing @pulumi/pulumi loads neither TypeScript nor arborist; serializeFunction and computeCodePaths still work, loading each on first use", async () => {
    const r = await probe();
    assert.deepEqual(r.afterImport, [], "nothing loaded at import");
    assert.deepEqual(r.afterSerialize, ["typescript"], "serializeFunction parses the function with TypeScript");
    assert.match(r.text, /6 \* 7/, "the serialized function's body");
    assert.deepEqual(r.afterCodePaths.sort(), ["@npmcli/arborist", "typescript"], "computeCodePaths reads the package tree with arborist");
    assert.ok(r.codePaths > 0, "code paths found");
  });

  it("HOLIDAYS_CACHES_OFF=defer turns it off: both load at import, as without the hook", async () => {
    const r = await probe({ HOLIDAYS_CACHES_OFF: "defer" });
    assert.deepEqual(r.afterImport.sort(), ["@npmcli/arborist", "typescript"]);
  });
});
