import { readFileSync } from "node:fs";
import { relative, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadedScenario, parseScenarioText } from "./load.js";

/** Where the default scenario's file is, from this module (source or compiled). */
const candidates = [new URL("../../scenarios/default.yaml", import.meta.url), new URL("../../../scenarios/default.yaml", import.meta.url)];

/** The default scenario's file and text, `scenarios/default.yaml` shipped with the package. */
function found(): { path: string; text: string } {
  for (const url of candidates) {
    try {
      return { path: fileURLToPath(url), text: readFileSync(url, "utf8") };
    } catch {
      continue;
    }
  }
  throw new Error("scenarios/default.yaml is missing from the package");
}

/** The default scenario's text. */
export function defaultScenarioText(): string {
  return found().text;
}

/**
 * The default scenario's file as messages name it: relative to the current directory when under it
 * (`scenarios/default.yaml` in a checkout), else in full, so that a mistake's line can be opened
 * from wherever nicsim runs.
 */
export function defaultScenarioFile(): string {
  const { path } = found();
  const near = relative(process.cwd(), path);
  return near !== "" && !near.startsWith("..") && !isAbsolute(near) ? near : path;
}

/** The default scenario (`npm start`): `scenarios/default.yaml`, shipped with the package. */
export function defaultScenario(overrides: Record<string, unknown> = {}): LoadedScenario {
  return parseScenarioText(defaultScenarioText(), defaultScenarioFile(), overrides);
}
