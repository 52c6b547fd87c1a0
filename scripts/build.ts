/** `npm run build`: writes the deployable caller bundle to dist/caller/index.js and reports its size. */
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { writeCallerBundle } from "./bundle";

const { path: out, bundle } = writeCallerBundle();
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`${path.relative(process.cwd(), out)}: ${kib(Buffer.byteLength(bundle.code))} (${kib(gzipSync(bundle.code, { level: 9 }).length)} gzipped), sha256 ${bundle.sha256}`);
