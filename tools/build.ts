/** `npm run build`: writes the deployable caller bundle to dist/caller/ and reports its files' sizes. */
import * as path from "node:path";
import { runMain } from "./cli/args";
import { CHAIN_FILE, ENTRY_FILE, writeCallerBundle, zippedSize } from "../lambda/bundle";

export const BUILD_COMMAND = {
  command: "npm run build",
  summary:
    "Bundles the caller Lambda (lambda/handler.ts and the sigv4/ client it imports) with esbuild into dist/caller/: index.js, and credentialChain.js which index.js loads only without environment credentials; the files the CallerFunction component deploys. Prints their sizes raw and zipped (as in the Lambda deployment zip).",
  options: {},
} as const;

if (require.main === module) {
  runMain(BUILD_COMMAND, () => {
    const { path: out, bundle } = writeCallerBundle();
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const dir = path.relative(process.cwd(), path.dirname(out));
    console.log(
      `${path.join(dir, ENTRY_FILE)}: ${kib(Buffer.byteLength(bundle.code))} raw, ${kib(zippedSize(bundle.code, ENTRY_FILE))} zipped`,
    );
    const chain = bundle.files[CHAIN_FILE];
    console.log(
      `${path.join(dir, CHAIN_FILE)}: ${kib(Buffer.byteLength(chain))} raw, ${kib(zippedSize(chain, CHAIN_FILE))} zipped (loaded only without environment credentials)`,
    );
    console.log(`deployment zip: ${kib(zippedSize(bundle.files))}, sha256 ${bundle.sha256}`);
    return 0;
  });
}
