import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { runProblems } from "./fuzz-problems.js";

/**
 * Scenarios that `npm run fuzz` once failed on (fuzz-found/), kept so each bug stays fixed
 * whatever seed the fuzzer draws next. With FUZZ_OPEN=1 the open findings (fuzz-open/, whose
 * cause is not fixed yet) run too: that is how to replay a scenario the fuzzer printed.
 */
const here = dirname(fileURLToPath(import.meta.url));
const FOUND = join(here, "fuzz-found");
const OPEN = join(here, "fuzz-open");

const scenarioFiles = (directory: string) => readdirSync(directory).filter((name) => name.endsWith(".json")).map((name) => join(directory, name));

describe("scenarios the fuzzer found", () => {
  const files = [...scenarioFiles(FOUND), ...(process.env.FUZZ_OPEN === "1" ? scenarioFiles(OPEN) : [])];

  test("the catalogue is not empty", () => {
    expect(scenarioFiles(FOUND).length).toBeGreaterThan(0);
  });

  test.each(files.map((file) => [file.slice(here.length + 1), file]))("%s runs clean", (_, file) => {
    expect(runProblems(JSON.parse(readFileSync(file, "utf8")))).toEqual([]);
  });
});
