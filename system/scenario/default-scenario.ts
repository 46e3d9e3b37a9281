import { readFileSync } from "node:fs";
import { type LoadedScenario, parseScenarioText } from "./load.js";

/** Where the default scenario's file is, from this module (source or compiled). */
const candidates = [new URL("../../scenarios/default.yaml", import.meta.url), new URL("../../../scenarios/default.yaml", import.meta.url)];

/** Where the default scenario's text is read from, as messages name it. */
export const DEFAULT_SCENARIO_FILE = "scenarios/default.yaml";

/** The default scenario's text (`scenarios/default.yaml`, shipped with the package). */
export function defaultScenarioText(): string {
  for (const url of candidates) {
    try {
      return readFileSync(url, "utf8");
    } catch {
      continue;
    }
  }
  throw new Error("scenarios/default.yaml is missing from the package");
}

/** The default scenario (`npm start`): `scenarios/default.yaml`, shipped with the package. */
export function defaultScenario(overrides: Record<string, unknown> = {}): LoadedScenario {
  return parseScenarioText(defaultScenarioText(), DEFAULT_SCENARIO_FILE, overrides);
}
