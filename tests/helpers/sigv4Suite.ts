import * as fs from "node:fs";
import * as path from "node:path";

/** AWS's SigV4 test suite, in the repository with its provenance (tests/fixtures/sigv4-test-suite/PROVENANCE.md). */
export const SIGV4_SUITE = path.join(__dirname, "..", "fixtures", "sigv4-test-suite");

/** Every case folder of the suite (a folder holding `<name>.req`), nested ones included, sorted. */
export function findCases(dir: string = SIGV4_SUITE): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    if (fs.existsSync(path.join(full, `${entry.name}.req`))) out.push(full);
    else out.push(...findCases(full));
  }
  return out.sort();
}
