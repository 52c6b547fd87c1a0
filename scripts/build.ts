/** `npm run build`: writes the deployable caller bundle to dist/caller/index.js and reports its size. */
import * as path from "node:path";
import { runMain } from "../local/cli";
import { writeCallerBundle, zippedSize } from "./bundle";

export const BUILD_COMMAND = {
  command: "npm run build",
  summary: "Bundles the caller Lambda (lambda/handler.ts and the sigv4/ client it imports) with esbuild into dist/caller/index.js, the file the CallerFunction component deploys, and prints its size raw and zipped (as in the Lambda deployment zip).",
  options: {},
} as const;

if (require.main === module) {
  runMain(BUILD_COMMAND, () => {
    const { path: out, bundle } = writeCallerBundle();
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(`${path.relative(process.cwd(), out)}: ${kib(Buffer.byteLength(bundle.code))} raw, ${kib(zippedSize(bundle.code))} zipped, sha256 ${bundle.sha256}`);
    return 0;
  });
}
