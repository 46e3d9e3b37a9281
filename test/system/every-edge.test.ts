import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { REFERENCE_RUNS, referenceRun, TO_THE_LAST_CHANGE } from "../../system/reference-outputs.js";

const recorded = JSON.parse(readFileSync(new URL("../reference/outputs.json", import.meta.url), "utf8")) as Record<string, Record<string, string>>;

/**
 * Every block says when it is idle, and the kernel then skips it; evaluated on every edge instead,
 * each must do nothing new. Each reference run is made so, and gives the recorded frames, keys, SA
 * trace and waveform (up to its last change: which edges the run takes after its last packet
 * depends on which domains sleep, and so does the summary's length of run). A block that slept
 * with work to do shows here: the TX crypto pipeline slept while gold waited out its policer, and
 * the policer's tokens depended on how often they were looked at (22 frames of the policed run
 * left in another order). The reference test holds the runs that skip idle blocks to the same
 * recordings, so the two ways give one result: the first fault failed that test, the second this one.
 */
describe("every block evaluated on every edge gives the reference runs' outputs", () => {
  for (const name of Object.keys(REFERENCE_RUNS)) {
    test(name, () => {
      const { hashes } = referenceRun(name, { waveform: true, skipIdle: false });
      const compared = Object.keys(hashes).filter((suffix) => suffix !== ".vcd" && suffix !== ".summary.json");
      expect(compared).toContain(TO_THE_LAST_CHANGE);
      expect(compared).toContain(".pcap");
      const changed = compared.filter((suffix) => hashes[suffix] !== recorded[name]?.[suffix]);
      expect(changed, `${name}: evaluated on every edge, these outputs differ from the recorded ones`).toEqual([]);
    }, 120_000);
  }
});
