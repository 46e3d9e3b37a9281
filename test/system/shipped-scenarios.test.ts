import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadScenarioFile } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";

const directory = join(import.meta.dirname, "../../scenarios");

// The README sends users to these files: each must load and build as shipped, with no warning.
describe("the scenarios shipped in scenarios/", () => {
  test.each(readdirSync(directory).filter((file) => file.endsWith(".yaml")))("%s loads and builds, with no warning", (file) => {
    const loaded = loadScenarioFile(join(directory, file));
    expect(loaded.warnings).toEqual([]);
    expect(() => buildScenario(loaded)).not.toThrow();
  });
});
