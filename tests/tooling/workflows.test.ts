/**
 * .github/workflows: valid by GitHub's own parser (tools/workflows.mjs, @actions/workflow-parser),
 * which must also refuse a broken workflow; and shaped as the pipeline promises: preview with the
 * policy pack and a PR comment on pull requests, up on main, OIDC only, least-privilege permissions.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[] }>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (file: string): { text: string; doc: Workflow } => {
  const text = fs.readFileSync(path.join(DIR, file), "utf8");
  return { text, doc: parse(text) as Workflow };
};
const validate = (...files: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, "tools", "workflows.mjs"), ...files], { cwd: ROOT, encoding: "utf8" });
const onlyJob = (w: Workflow): Job => {
  const jobs = Object.values(w.jobs);
  assert.equal(jobs.length, 1);
  return jobs[0];
};
const pulumiStep = (job: Job): Step => {
  const found = job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
  assert.equal(found.length, 1);
  assert.equal(found[0].uses, "pulumi/actions@v6");
  return found[0];
};
/** Index of the first step matching, which must exist. */
const at = (job: Job, test: (s: Step) => boolean, what: string): number => {
  const i = job.steps.findIndex(test);
  assert.ok(i >= 0, `no step ${what}`);
  return i;
};

describe("GitHub Actions workflows", () => {
  it("are valid by @actions/workflow-parser", () => {
    const r = validate();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /preview\.yml: valid/);
    assert.match(r.stdout, /up\.yml: valid/);
  });

  it("the validator refuses a broken workflow, naming the line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-"));
    try {
      const bad = path.join(dir, "bad.yml");
      fs.writeFileSync(
        bad,
        [
          "on:",
          "  pull_request:",
          "    branchs: [main]",
          "permissions:",
          "  id-token: writ",
          "jobs:",
          "  x:",
          "    runs-on: ubuntu-latest",
          "    steps:",
          "      - run: echo ${{ foo( }}",
          "",
        ].join("\n"),
      );
      const r = validate(bad);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /Line: 3, Col: 5\): Unexpected value 'branchs'/);
      assert.match(r.stderr, /Line: 5, Col: 13\): Unexpected value 'writ'/);
      assert.match(r.stderr, /Unexpected end of expression/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("preview.yml: on pull requests, npm ci and npm test, then pulumi preview of dev with the policy pack, commented on the PR", () => {
    const { doc } = read("preview.yml");
    assert.deepEqual(Object.keys(doc.on), ["pull_request"]);
    const job = onlyJob(doc);
    const step = pulumiStep(job);
    assert.equal(step.with?.command, "preview");
    assert.match(String(step.with?.["stack-name"]), /\/dev$/);
    assert.equal(step.with?.policyPacks, "policy");
    assert.equal(step.with?.["comment-on-pr"], true);
    assert.deepEqual(job.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    const ci = at(job, (s) => /^npm ci\b/.test(s.run ?? ""), "npm ci");
    const test = at(job, (s) => s.run === "npm test", "npm test");
    const auth = at(job, (s) => s.uses === "pulumi/auth-actions@v1", "pulumi/auth-actions");
    assert.ok(ci < test && test < auth && auth < job.steps.indexOf(step));
  });

  it("up.yml: on push to main, pulumi up of dev with the policy pack, no PR permission", () => {
    const { doc } = read("up.yml");
    assert.deepEqual(doc.on, { push: { branches: ["main"] } });
    const job = onlyJob(doc);
    const step = pulumiStep(job);
    assert.equal(step.with?.command, "up");
    assert.match(String(step.with?.["stack-name"]), /\/dev$/);
    assert.equal(step.with?.policyPacks, "policy");
    assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
  });

  for (const file of ["preview.yml", "up.yml"]) {
    it(`${file}: read-only by default, credentials by OIDC only (no stored key or token), the dev stack from ESC`, () => {
      const { text, doc } = read(file);
      assert.deepEqual(doc.permissions, { contents: "read" });
      const auth = onlyJob(doc).steps.find((s) => s.uses === "pulumi/auth-actions@v1");
      assert.equal(auth?.with?.["requested-token-type"], "urn:pulumi:token-type:access_token:organization");
      const secrets = [...text.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
      assert.deepEqual(
        [...new Set(secrets)].filter((s) => s !== "GITHUB_TOKEN"),
        [],
      );
      assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN/);
      const cp = onlyJob(doc).steps.find((s) => s.run?.startsWith("cp "));
      assert.equal(cp?.run, "cp esc/Pulumi.dev.yaml Pulumi.dev.yaml");
      assert.ok(fs.existsSync(path.join(ROOT, "esc", "Pulumi.dev.yaml")));
    });
  }
});
