import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { REFERENCE_RUNS, referenceRun } from "../../system/reference-outputs.js";

// First recorded from the model before its timing was computed rather than stepped (issue 17); each
// change meant to alter the outputs records them again with `npm run reference:update` and says
// why (`git log -- test/reference/outputs.json`), so this pins the model as last recorded.
const recorded = JSON.parse(readFileSync(new URL("../reference/outputs.json", import.meta.url), "utf8")) as Record<string, Record<string, string>>;

describe("the reference runs' outputs are byte-identical to the recorded ones", () => {
  test("every reference run has recorded hashes", () => {
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(REFERENCE_RUNS).sort());
  });

  for (const name of Object.keys(REFERENCE_RUNS)) {
    test(name, () => {
      const { hashes, emptyEdgesPerFrame } = referenceRun(name);
      const changed = Object.keys(hashes).filter((suffix) => hashes[suffix] !== recorded[name]?.[suffix]);
      expect(changed, `${name}: these outputs changed; if that is meant, run \`npm run reference:update\` and say why in the commit`).toEqual([]);
      // Outputs the same and the kernel working for nothing: a wake every edge while a jumbo frame was read passed here (a mutation check), with 37 empty edges a frame.
      expect(emptyEdgesPerFrame, `${name}: edges taken with no block running, per frame`).toBeLessThanOrEqual(0.005);
    }, 60_000);
  }

  // What the model does must not depend on whether anyone records the waveform.
  for (const name of ["software ESP on two cores", "small rings, jumbo frames, slow DMA"]) {
    test(`${name}, without the waveform: the same capture, summary and key files`, () => {
      const { hashes, emptyEdgesPerFrame } = referenceRun(name, { waveform: false });
      expect(Object.keys(hashes)).not.toContain(".vcd");
      const changed = Object.keys(hashes).filter((suffix) => hashes[suffix] !== recorded[name]?.[suffix]);
      expect(changed).toEqual([]);
      expect(emptyEdgesPerFrame).toBeLessThanOrEqual(0.005);
    }, 60_000);
  }
});
