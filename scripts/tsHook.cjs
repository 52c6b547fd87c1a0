/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (`node -r`): require is how it loads */
// The TypeScript hook for mocha, the npm scripts and the processes the tests start: sucrase strips the
// types and keeps every statement on its line, so stack traces point at the right .ts line without
// source maps (ts-node's source-map-support made Pulumi's per-resource stack captures costly).
// HOLIDAYS_TS_HOOK=ts-node selects the hook used before, only so `npm run bench` can time both.
if (process.env.HOLIDAYS_TS_HOOK === "ts-node") require("ts-node/register/transpile-only");
else require("sucrase/register/ts");
