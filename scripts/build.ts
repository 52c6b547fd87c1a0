/** `npm run build`: writes the deployable caller bundle to dist/caller/ and reports its files' sizes. */
import * as path from "node:path";
import { runMain } from "../local/cli";
import { writeCallerBundle, zippedSize } from "./bundle";

export const BUILD_COMMAND = {
  command: "npm run build",
  summary: "Bundles the caller Lambda (lambda/handler.ts and the sigv4/ client it imports) with esbuild into dist/caller/: index.js, and credentialChain.js which index.js loads only without environment credentials; the files the CallerFunction component deploys. Prints their sizes raw and zipped (as in the Lambda deployment zip).",
  options: {},
} as const;

if (require.main === module) {
  runMain(BUILD_COMMAND, () => {
    const { path: out, bundle } = writeCallerBundle();
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    for (const [name, code] of Object.entries(bundle.files)) {
      console.log(`${path.relative(process.cwd(), path.join(path.dirname(out), name))}: ${kib(Buffer.byteLength(code))} raw, ${kib(zippedSize(code, name))} zipped alone`);
    }
    console.log(`zip of both: ${kib(zippedSize(bundle.files))}; sha256 ${bundle.sha256}`);
    return 0;
  });
}
