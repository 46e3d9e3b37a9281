import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

// The gateway's corruptions and replays were drawn from the stream its packets' gaps came from: a corrupt probability of 1e-6,
// which corrupted nothing, added a packet to a run, and a sweep over the replay probability compared other traffic (a scenario writer's check).
describe("the gateway's faults draw from streams of their own", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-fault-streams-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const sentByFlow = (faults: Record<string, number>) => {
    const { summary } = runScenario(defaultScenario({ durationMicroseconds: 60, "outputs.waveform": false, "outputs.pcap": false, "outputs.html": false, ...faults }), { directory });
    return Object.fromEntries(summary.flows.map((flow) => [`${flow.stream} ${flow.direction}`, flow.sent]));
  };

  const corrupted = (faults: Record<string, number>) => {
    const { summary } = runScenario(defaultScenario({ durationMicroseconds: 60, "outputs.waveform": false, "outputs.pcap": false, "outputs.html": false, ...faults }), { directory });
    // What did not arrive, by flow: the frames corrupted (a replayed copy is of the frame as sent, corrupted or not, and arrives only where it did not).
    return Object.fromEntries(summary.flows.map((flow) => [`${flow.stream} ${flow.direction}`, flow.lost]));
  };

  test("the packets offered are the same whatever the corrupt and replay probabilities", () => {
    const without = sentByFlow({});
    expect(Object.values(without).some((sent) => sent > 0)).toBe(true);
    expect(sentByFlow({ "faults.corruptProbability": 1e-6 })).toEqual(without);
    expect(sentByFlow({ "faults.replayProbability": 0.3, "faults.corruptProbability": 0.1 })).toEqual(without);
  }, 120_000);

  // The corruptions changed with the replay probability while both drew from one stream (an outside check).
  test("the frames corrupted are the same whatever the replay probability", () => {
    const alone = corrupted({ "faults.corruptProbability": 0.2 });
    expect(Object.values(alone).some((lost) => lost > 0)).toBe(true);
    expect(corrupted({ "faults.corruptProbability": 0.2, "faults.replayProbability": 0.3 })).toEqual(alone);
  }, 120_000);
});
