/** The stack's settings, from its flat config (`{"holidays-api:exclusive": "true", …}`), parsed by the program's own validator. */
import { CONFIG_KEYS, RawConfig, Settings, parseSettings } from "../lib/config";

export function settingsFromFlatConfig(flat: Record<string, string>, project: string): Settings {
  const raw: RawConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = key === "region" ? flat["aws:region"] : flat[`${project}:${key}`];
    if (value !== undefined) raw[key] = value;
  }
  return parseSettings(raw, { project });
}
