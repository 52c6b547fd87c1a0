/**
 * The program reads no clock: the real index.ts under Pulumi mocks, run at two different instants
 * (a fake global Date), declares identical resources and exports identical outputs. Before, the
 * default `years` was "last, this and next year in Japan", so a run on 2026-12-31 and one on
 * 2027-01-01 (JST) uploaded different documents and `pulumi preview` showed a diff every New Year.
 */
import { strict as assert } from "node:assert";
import { type Run as ProgramRun, runIndex as runProgram } from "./helpers/mocks";
import { readStackConfig } from "../../tools/cli/stackConfig";

const RealDate = Date;

/** Runs `body` with `new Date()` and `Date.now()` frozen at `iso`; every other Date use is untouched. */
async function atInstant<T>(iso: string, body: () => Promise<T>): Promise<T> {
  const fixed = new RealDate(iso).getTime();
  class FrozenDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return fixed;
    }
  }
  globalThis.Date = FrozenDate as DateConstructor;
  try {
    return await body();
  } finally {
    globalThis.Date = RealDate;
  }
}

/** What a preview compares: every resource's type, name, provider and inputs, and the stack outputs. */
const planOf = (run: ProgramRun) =>
  JSON.stringify({
    resources: run.resources.map((r) => ({ type: r.type, name: r.name, provider: r.provider, inputs: r.inputs })),
    outputs: run.outputs,
  });

describe("program under mocks: no clock", () => {
  it("declares identical resources and outputs at 23:59:59 on 31 Dec 2026 JST and at 00:00 on 1 Jan 2027 JST, and in 2049", async () => {
    // `years` unset: the default is where a clock used to hide.
    const dev = readStackConfig("dev");
    delete dev["holidays-api:years"];
    // A transform sees the clock the program saw while it declared its resources.
    const clockSeen: number[] = [];
    const transforms = [
      () => {
        clockSeen.push(new Date().getUTCFullYear());
        return undefined;
      },
    ];
    const lastSecond = await atInstant("2026-12-31T14:59:59Z", () => runProgram(dev, { transforms }));
    const newYear = await atInstant("2026-12-31T15:00:00Z", () => runProgram(dev, { transforms }));
    const later = await atInstant("2049-06-01T00:00:00Z", () => runProgram(dev, { transforms }));
    assert.deepEqual([...new Set(clockSeen)], [2026, 2049], "the fake clock was what the program saw");
    assert.ok(lastSecond.resources.length > 20);
    assert.equal(planOf(newYear), planOf(lastSecond));
    assert.equal(planOf(later), planOf(lastSecond));
    assert.deepEqual(
      lastSecond.outputs.holidayYears,
      Array.from({ length: 81 }, (_, i) => 1970 + i),
      "unset years = every dataset year",
    );
  });
});
