import { strict as assert } from "node:assert";
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

/** A suite's raw HTTP request (`<name>.req`, `request.txt`): request line, headers, and the body without its trailing newlines. */
export function readWire(text: string): { method: string; target: string; rawHeaders: string[]; body: string } {
  const cut = text.indexOf("\n\n");
  const head = cut === -1 ? text : text.slice(0, cut);
  const body = cut === -1 ? "" : text.slice(cut + 2).replace(/\n+$/, "");
  const lines = head.split("\n");
  const m = /^(\S+) (.+) HTTP\/1\.1$/.exec(lines[0]);
  assert.ok(m, `bad request line ${lines[0]}`);
  const rawHeaders: string[] = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    rawHeaders.push(line.slice(0, i), line.slice(i + 1).trim());
  }
  return { method: m[1], target: m[2], rawHeaders, body };
}
