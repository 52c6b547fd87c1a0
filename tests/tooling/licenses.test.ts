/** Nothing GPL/AGPL (or unlicensed) in the dependency tree: the project is Apache-2.0. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

interface LockEntry {
  license?: string;
}

/** Packages whose package.json licence field is not an SPDX id but whose LICENSE file was reviewed. */
const REVIEWED: Record<string, string> = {
  "node_modules/@logdna/tail-file": "MIT (LICENSE file; via @pulumi/pulumi)",
};

describe("dependency licences", () => {
  it("has no GPL, AGPL or unknown licence anywhere in package-lock.json", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package-lock.json"), "utf8")) as {
      packages: Record<string, LockEntry>;
    };
    const offenders: string[] = [];
    for (const [pkg, entry] of Object.entries(lock.packages)) {
      if (pkg === "" || REVIEWED[pkg]) continue;
      const license = entry.license ?? "UNKNOWN";
      if (/GPL/i.test(license) || /UNKNOWN|UNLICENSED|SEE LICENSE/i.test(license)) offenders.push(`${pkg}: ${license}`);
    }
    assert.deepEqual(offenders, []);
  });
});
