/**
 * The twin's program runner (twin/program.ts runProgram): every run is made anew, so an identical request
 * gets an equal run, and nothing a caller changes leaks into the next answer.
 */
import { strict as assert } from "node:assert";
import { ProgramRun, runProgram } from "../../twin/program";
import { readStackConfig } from "../../tools/cli/stackConfig";

const dev = readStackConfig("dev");

describe("program under mocks: each run is its own", () => {
  /** What a preview compares: every resource's type, name, provider and inputs, and the stack outputs. */
  const planOf = (run: ProgramRun) =>
    JSON.stringify({
      resources: run.resources.map((r) => ({ type: r.type, name: r.name, provider: r.provider, inputs: r.inputs })),
      outputs: run.outputs,
    });

  it("gives an identical request an equal run, and changing what it got changes no later answer", async () => {
    const first = await runProgram(dev);
    const expected = planOf(first);
    // A caller that changes what it got...
    first.resources.length = 0;
    first.outputs.region = "changed";
    first.warnings.push("changed");
    const second = await runProgram(dev);
    // ...changes nothing for the next one; and the next one equals a run made anew.
    assert.ok(second.resources.length > 20, "the next request still sees every resource");
    assert.equal(planOf(second), expected);
    assert.ok(!second.warnings.includes("changed"));
    (second.resources[0].inputs as Record<string, unknown>).changed = true;
    assert.equal(planOf(await runProgram(dev)), expected, "nested inputs are copies too");
    assert.equal(planOf(await runProgram(dev)), expected, "a new run declares the same");
  });
});
