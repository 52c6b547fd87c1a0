/** The offline plan's tree rendering: long runs of one resource type fold, short ones stay whole. */
import { strict as assert } from "node:assert";
import { collapseRuns } from "../../twin/plan";

const rows = (type: string, n: number) => Array.from({ length: n }, (_, i) => ({ type, name: `${type}-${i}` }));

describe("plan tree: collapseRuns", () => {
  it("keeps a run of four as is", () => {
    assert.deepEqual(collapseRuns(rows("a", 4)), rows("a", 4));
  });

  it("folds a run of 82 objects into the first, a count of the 80 between, and the last", () => {
    const folded = collapseRuns([...rows("a", 1), ...rows("obj", 82), ...rows("z", 1)]);
    assert.deepEqual(
      folded.map((r) => r.name),
      ["a-0", "obj-0", "… 80 more obj", "obj-81", "z-0"],
    );
  });
});
