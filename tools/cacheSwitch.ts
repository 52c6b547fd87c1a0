/**
 * `HOLIDAYS_CACHES_OFF=stack,ts,bundle,defer` turns the named speed-ups off, so `npm run bench` can
 * show what each buys in the same run (docs/benchmarks.md). The .cjs preloads and lambda/bundle.ts
 * read the same variable directly (a preload cannot load TypeScript; the product imports no tooling).
 */
export const cacheOff = (name: "stack" | "ts" | "bundle" | "defer"): boolean =>
  (process.env.HOLIDAYS_CACHES_OFF ?? "").split(",").includes(name);
