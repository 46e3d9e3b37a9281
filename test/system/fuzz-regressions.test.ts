import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

/** Scenarios that `npm run fuzz` once failed on, kept so each bug stays fixed whatever seed the fuzzer draws next. */
const FOUND = join(dirname(fileURLToPath(import.meta.url)), "fuzz-found");

describe("scenarios the fuzzer found", () => {
  const files = readdirSync(FOUND).filter((name) => name.endsWith(".json"));

  test("the catalogue is not empty", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)("%s runs clean", (file) => {
    const input = JSON.parse(readFileSync(join(FOUND, file), "utf8"));
    const { summary } = runScenario(checkScenario(input), { directory: null });
    expect(summary.violations).toEqual([]);
    expect(summary.outcome).not.toMatch(/^stopped/);
  });
});
