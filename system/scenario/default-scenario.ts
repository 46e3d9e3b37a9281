import { readFileSync } from "node:fs";
import { type LoadedScenario, parseScenarioText } from "./load.js";

/** Where the default scenario's file is, from this module (source or compiled). */
const candidates = [new URL("../../scenarios/default.yaml", import.meta.url), new URL("../../../scenarios/default.yaml", import.meta.url)];

/** The default scenario (`npm start`): `scenarios/default.yaml`, shipped with the package. */
export function defaultScenario(overrides: Record<string, unknown> = {}): LoadedScenario {
  for (const url of candidates) {
    let text: string;
    try {
      text = readFileSync(url, "utf8");
    } catch {
      continue;
    }
    return parseScenarioText(text, "scenarios/default.yaml", overrides);
  }
  throw new Error("scenarios/default.yaml is missing from the package");
}
