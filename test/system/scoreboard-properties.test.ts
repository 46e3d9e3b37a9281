/**
 * The scoreboards on random scenarios (fast-check): `npm test` runs 200; `npm run fuzz` runs
 * FUZZ_RUNS (3000) from FUZZ_SEED (the time by default). DMA read errors and completion timeouts
 * are among the draws (the base driver resets the queues they disable); FUZZ_DMA_FAULTS=0 leaves them out.
 *
 * A failure prints the failing scenario as JSON the moment it is found, before any shrinking,
 * and saves it under the system's temporary directory (the path is printed). Shrinking then
 * runs for at most FUZZ_SHRINK_SECONDS (120) and prints the smallest failing scenario it reached.
 *
 * To replay a printed scenario, save its JSON as a file and either
 * - put it in test/system/fuzz-open/ (say in its README.md what fails) and run
 *   `FUZZ_OPEN=1 npx vitest run test/system/fuzz-regressions.test.ts`; once the bug is fixed, move
 *   it to test/system/fuzz-found/, which every `npm test` runs; or
 * - run it with waveforms: `npm run build && node dist/system/cli/main.js run <file> --set outputs.waveform=true`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import { randomScenarios } from "./fuzz-scenarios.js";
import { runProblems } from "./fuzz-problems.js";
import { fuzzSettings } from "./fuzz-settings.js";
import { keptFilesDirectory } from "../support/temporary-root.js";

/** How many random scenarios: 200 in the suite, thousands under `npm run fuzz`. */
const { runs: RUNS, seed: SEED, shrinkSeconds: SHRINK_SECONDS, dmaFaults: DMA_FAULTS } = fuzzSettings(process.env);

/** Print a failing scenario (stderr, not held back by the test runner) and save it; returns the file. */
function report(title: string, input: ScenarioInput, found: readonly string[], file: string): string {
  const json = JSON.stringify(input);
  writeFileSync(file, `${json}\n`);
  process.stderr.write(`\n${title}\n  ${found.join("\n  ")}\nscenario (saved as ${file}):\n${json}\n\n`);
  return file;
}

describe("the scoreboards hold on random scenarios", () => {
  test(`${RUNS} random scenarios (seed ${SEED}${DMA_FAULTS ? ", DMA faults" : ""}): every packet delivered once and intact or dropped with a counted reason, per-SA order on the wire, counters agreeing, the NIC never evicting on its own`, () => {
    let runs = 0;
    let first: { run: number; file: string; found: string[] } | null = null;
    let shrunk: { input: ScenarioInput; found: string[] } | null = null;
    let shrinkDeadline = Infinity;
    const result = fc.check(
      fc.property(randomScenarios({ dmaFaults: DMA_FAULTS }), (input) => {
        // Past the deadline shrinking stops: every further candidate is skipped, and the smallest failure so far stands.
        fc.pre(Date.now() <= shrinkDeadline);
        if (!first) runs++;
        const found = runProblems(input);
        if (found.length === 0) return true;
        if (!first) {
          const file = join(keptFilesDirectory(), `nicsim-fuzz-seed${SEED}-run${runs}.json`);
          first = { run: runs, file: report(`fuzz: seed ${SEED}, run ${runs} failed (before shrinking):`, input, found, file), found };
          shrinkDeadline = Date.now() + SHRINK_SECONDS * 1000;
        } else shrunk = { input, found };
        return false;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    if (first) {
      const failure: { run: number; file: string; found: string[] } = first;
      const finished = Date.now() <= shrinkDeadline;
      const last = shrunk as { input: ScenarioInput; found: string[] } | null;
      const shrunkFile = last ? report(`fuzz: seed ${SEED}, run ${failure.run}, shrunk ${result.numShrinks} times (${finished ? "shrinking finished" : `shrinking stopped after ${SHRINK_SECONDS} s`}):`, last.input, last.found, failure.file.replace(/\.json$/, "-shrunk.json")) : null;
      expect.fail(`seed ${SEED}, run ${failure.run}: ${failure.found[0]}; scenario in ${failure.file}${shrunkFile ? `, shrunk in ${shrunkFile}` : ""}`);
    }
    expect(result.failed, String(result.errorInstance)).toBe(false);
    expect(runs).toBe(RUNS);
  }, Math.max(120_000, RUNS * 2_000) + SHRINK_SECONDS * 1000);
});

describe("the fuzzer's settings from the environment", () => {
  test.each([
    ["FUZZ_SEED", "abc"],
    ["FUZZ_SEED", " 7"],
    ["FUZZ_RUNS", "abc"],
    ["FUZZ_RUNS", "0"],
    ["FUZZ_SHRINK_SECONDS", "-1"],
    ["FUZZ_DMA_FAULTS", "no"],
  ])("%s=%j is refused with the variable's name", (name, value) => {
    expect(() => fuzzSettings({ [name]: value })).toThrow(`${name}='${value}': expected`);
  });

  test("unset ones take their defaults, set ones their values", () => {
    expect(fuzzSettings({})).toEqual({ runs: 200, seed: 2026, shrinkSeconds: 120, dmaFaults: true });
    expect(fuzzSettings({ FUZZ_RUNS: "3000", FUZZ_SEED: "1700000000", FUZZ_SHRINK_SECONDS: "0", FUZZ_DMA_FAULTS: "0" })).toEqual({ runs: 3000, seed: 1_700_000_000, shrinkSeconds: 0, dmaFaults: false });
  });
});
