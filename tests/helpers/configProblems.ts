import { strict as assert } from "node:assert";
import { ConfigError, RawConfig, Settings, parseSettings } from "../../lib/config";

/** The program's validator, as the holidays-api project runs it. */
export const parseConfig = (raw: RawConfig): Settings => parseSettings(raw, { project: "holidays-api" });

/** The ConfigError message `raw` must raise; fails when it parses or raises anything else. */
export function configProblems(raw: RawConfig): string {
  try {
    parseConfig(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected a ConfigError");
}
