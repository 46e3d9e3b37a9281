import { describe, expect, test } from "vitest";
import { checkEveryEdge } from "../../system/every-edge-check.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";

/**
 * A doorbell that gives the engine nothing to do on its next edges (its descriptor cache full
 * enough, nothing watching its queues) does not wake it, so the queue's `tail` is drawn only when the
 * engine next runs. A waveform window that never opened dumped the tail last drawn at the run's end
 * (RX queues 5 to 7: 11 against 14 on every edge; from an outside check). A process reading the tails
 * at odd times is test/hw/signals-read-unwatched.test.ts's.
 */
describe("a doorbell that does not wake its engine, and a waveform window that never opens", () => {
  test("a waveform window that never opens dumps the same values at the run's end, skipping idle blocks or not", () => {
    const check = checkEveryEdge((outputs) => defaultScenario({ durationMicroseconds: 3, "outputs.waveformFromMicroseconds": 5000, ...outputs }));
    expect(check.differences).toEqual([]);
    expect(check.withoutWaveform).toEqual([]);
  }, 60_000);
});
