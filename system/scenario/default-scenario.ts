import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadedScenario, loadScenarioFile, parseScenarioText } from "./load.js";

/** Where the default scenario's file is, from this module (source or compiled). */
const candidates = [new URL("../../scenarios/default.yaml", import.meta.url), new URL("../../../scenarios/default.yaml", import.meta.url)];

/**
 * The default scenario's text (`scenarios/default.yaml`, shipped with the package) and its file as
 * messages name it: relative to the current directory when under it (`scenarios/default.yaml` in a
 * checkout), else in full, so that a mistake's line can be opened from wherever nicsim runs.
 */
export function defaultScenarioSource(): { file: string; text: string } {
  for (const url of candidates) {
    let text: string;
    try {
      text = readFileSync(url, "utf8");
    } catch {
      continue;
    }
    const path = fileURLToPath(url);
    const near = relative(process.cwd(), path);
    return { file: near !== "" && !near.startsWith("..") && !isAbsolute(near) ? near : path, text };
  }
  throw new Error("scenarios/default.yaml is missing from the package");
}

/** The default scenario (`npm start`): `scenarios/default.yaml`, shipped with the package. */
export function defaultScenario(overrides: Record<string, unknown> = {}): LoadedScenario {
  const { file, text } = defaultScenarioSource();
  return parseScenarioText(text, file, overrides);
}

/** The scenario file a command was given, or the default scenario for none (null). */
export function scenarioFileOrDefault(file: string | null, overrides: Record<string, unknown> = {}): LoadedScenario {
  return file === null ? defaultScenario(overrides) : loadScenarioFile(file, overrides);
}
