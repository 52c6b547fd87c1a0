/** `npm start` end to end: the real story in a child process, as a newcomer runs it. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { tellStory } from "../local/start";
import { parseStoryArgs } from "../local/storyArgs";

const ROOT = path.join(__dirname, "..");
const start = (...args: string[]) =>
  spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "local", "start.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

describe("npm start (end to end)", function () {
  this.timeout(60_000);

  it("tells the whole story and exits 0", () => {
    const r = start();
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /== 1\. Plan ==/);
    assert.match(r.stdout, /Account A — serves the API: 111111111111/);
    assert.match(r.stdout, /Account B — runs the caller: 222222222222/);
    assert.match(r.stdout, /"Sid": "AllowInvokers"/);
    assert.match(r.stdout, /✔ caller role runs the bundled handler\n {4}→ returns the \d+ holidays of data\.json/);
    assert.match(r.stdout, /"2020-07-24": "スポーツの日"|"2026-01-01": "元日"/);
    assert.match(r.stdout, /✔ unsigned GET \(like a plain curl\)\n {4}→ 403 MissingAuthenticationTokenException: Missing Authentication Token/);
    assert.match(r.stdout, /✔ signed GET as intruder role in the caller's account \(not named\)\n {4}→ 403 AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role\/holidays-local-intruder\/local-session is not authorized/);
    assert.match(r.stdout, /✔ caller role with a tampered signature\n {4}→ 403 InvalidSignatureException/);
    assert.match(r.stdout, /Story complete: all 5 outcomes as expected/);
    const planMs = Number(/plan built in (\d+) ms/.exec(r.stdout)?.[1]);
    assert.ok(planMs > 0);
  });

  it("exits 1 and prints the difference when an outcome is not as expected", async () => {
    // An IP allow list without the loopback range: AWS would deny even the caller role.
    let out = "";
    const code = await tellStory(["--set", 'holidays-api:sourceIpAllowList=["203.0.113.0/24"]'], (t) => (out += `${t}\n`));
    assert.equal(code, 1, out);
    assert.match(out, /✘ 1 of \d+ outcomes differ from what AWS would do:/);
    assert.match(out, /- caller role runs the bundled handler\n {6}expected: returns the \d+ holidays of data\.json\n {6}actual: {3}AccessDeniedError: AccessDeniedException \(HTTP 403\)/);
  });

  it("parses --stack and --set, and rejects unknown arguments with a clear message", () => {
    assert.deepEqual(parseStoryArgs(["--stack", "prod", "--set", "holidays-api:exclusive=false"]), { stack: "prod", overrides: { "holidays-api:exclusive": "false" } });
    assert.throws(() => parseStoryArgs(["--bogus"]), /Unknown argument "--bogus": expected --stack NAME or --set project:key=value/);
    assert.throws(() => parseStoryArgs(["--set", "novalue"]), /--set "novalue": expected project:key=value/);
  });
});
