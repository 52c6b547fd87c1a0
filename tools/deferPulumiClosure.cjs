/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: require is how it loads */
// Loaded by tools/tsHook.cjs, so by every npm script, mocha worker and child process the tests start
// (not by `pulumi up`, whose language host loads the program itself).
//
// `require("@pulumi/pulumi")` loads its function-serialization code eagerly (index.js → automation →
// automation/stack.js → runtime/index.js → runtime/closure/*), and that code loads two large modules at
// once: the TypeScript compiler (runtime/closure/parseFunction.js, through typescript-shim.js) and
// @npmcli/arborist (runtime/closure/codePaths.js). Here they were ≈0.5 s and ≈0.45 s of the ≈1.1 s it
// takes to import @pulumi/pulumi, in every process that imports it. Both serve only
// `pulumi.runtime.serializeFunction` (closures turned into Lambda code), which this project never
// calls: the caller is bundled by esbuild (lambda/bundle.ts). Pulumi once made the TypeScript import
// lazy for the same reason ("Avoid importing typescript unless necessary", pulumi/pulumi#10185); in
// @pulumi/pulumi 3.270 the closure code is on the import path again (the chain above).
//
// So those two requires, and only from those two Pulumi files, return a stand-in that loads the real
// module on its first use: nothing is skipped, only deferred. HOLIDAYS_CACHES_OFF=defer turns it off.
"use strict";
const Module = require("node:module");
const path = require("node:path");

const PULUMI = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
/** request → the Pulumi file (relative to the package) whose require of it is deferred. */
const DEFERRED = new Map([
  ["typescript", "typescript-shim.js"],
  ["@npmcli/arborist", path.join("runtime", "closure", "codePaths.js")],
]);

function isDeferred(request, parent) {
  const from = DEFERRED.get(request);
  const file = parent && parent.filename;
  return from !== undefined && typeof file === "string" && file.endsWith(`${PULUMI}${from}`);
}

/**
 * A stand-in for a module's exports that requires it on first use. `__esModule` answers true without
 * loading: TypeScript's `__importStar` (how codePaths.js imports arborist) then keeps the stand-in as
 * is instead of copying every export, which would load the module at once.
 */
function deferredExports(load) {
  let real;
  const target = () => (real ??= load());
  return new Proxy(Object.create(null), {
    get: (_, key) => (key === "__esModule" ? true : target()[key]),
    has: (_, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

if (!(process.env.HOLIDAYS_CACHES_OFF ?? "").split(",").includes("defer")) {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (!isDeferred(request, parent)) return load.apply(this, arguments);
    return deferredExports(() => load.call(this, request, parent, isMain));
  };
}
