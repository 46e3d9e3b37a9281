import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { REFERENCE_RUNS, referenceRun, TO_THE_LAST_CHANGE } from "../../system/reference-outputs.js";
import { checkEveryEdge, type EveryEdgeCheck } from "../../system/every-edge-check.js";
import { describeOutputDifference } from "../../system/output-differences.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { loadScenarioFile } from "../../system/scenario/load.js";

/** The run skipping idle blocks agrees with the one on every edge, and with the one without the waveform; a failure says where each output first differs (nicsim every-edge's check). */
function expectTheSame({ differences, withoutWaveform }: EveryEdgeCheck): void {
  expect(differences.map((difference) => describeOutputDifference(difference, ["skip-idle", "every-edge"]))).toEqual([]);
  expect(withoutWaveform.map((difference) => describeOutputDifference(difference, ["skip-idle", "no-waveform"]))).toEqual([]);
}

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

/**
 * Runs an outside check found differing, each run both ways. The frame start slept while gold,
 * passed over for a queue that then waited for reads, got its tokens (the capture differed); it
 * was not woken when a crypto engine took a queued job, which changes the share of the engines it
 * weighs (the waveform differed by a cycle); the interrupt block, asleep during a storm, showed a
 * vector's causes cleared after it fired until the driver's next register write (ICR differed);
 * the ring engines took a small descriptor fetch on spare read tags only when they ran for other
 * work, not when the tags freed (the capture and SA trace differed). Each is also run without the
 * waveform: with eight read tags over a 10 Gb/s line, the DMA engine, drawing reads_in_flight
 * lazily while unwatched, showed the TX engine its last run's value on its own edge, and the TX
 * crypto engines' busy share in one sample differed (0.728 against 0.7267).
 */
const FOUND_DIFFERING: Record<string, Record<string, unknown>> = {
  "gold policed at the frame start while bulk waits for reads": { "traffic.0.packetBytes": 1400, "traffic.0.gapMicroseconds": 1, "nic.dma.bytesPerCycle": 4, durationMicroseconds: 250 },
  "four one-deep crypto engines taking queued jobs": {
    "nic.crypto_tx.engines": 4,
    "nic.crypto_tx.pipelineDepth": 1,
    "nic.crypto_tx.contextSlots": 1,
    "nic.crypto_tx.bytesPerCycle": 1,
    "nic.crypto_tx.checkInterval": 3,
    "traffic.0.packetBytes": 1000,
    "traffic.0.gapMicroseconds": 1,
    durationMicroseconds: 250,
  },
  "interrupt storms": { "faults.interruptStorms": 3, durationMicroseconds: 300 },
  "eight read tags over a 10 Gb/s line, without the waveform": { seed: 3, "nic.dma.maxOutstandingReads": 8, "nic.dma.bytesPerCycle": 32, "wire.gigabitsPerSecond": 10, "traffic.0.gapMicroseconds": 0.3, durationMicroseconds: 300 },
  "small descriptor fetches on spare read tags": { "nic.dma.maxOutstandingReads": 16, "nic.tx.descriptorCache": 16, "nic.rx.descriptorCache": 16, durationMicroseconds: 300 },
  // A third round: a minimum's tokens while the frame picked waits for room; the DMA's tags freeing while gold waits over its rate.
  "a shared TX buffer, the picked frame too large for it": { seed: 5, "traffic.2.packetBytes": 8000, "nic.tx.bufferPartition": "shared", "nic.tx.bufferBytes": 24576, durationMicroseconds: 300 },
  "gold over its rate while a class waits for the DMA's tags": { "traffic.0.gapMicroseconds": 0.3, "nic.dma.maxOutstandingReads": 8, durationMicroseconds: 300 },
};

describe("every block evaluated on every edge, in runs an outside check found differing", () => {
  for (const [name, values] of Object.entries(FOUND_DIFFERING)) {
    test(name, () => {
      const check = checkEveryEdge((outputs) => defaultScenario({ ...values, ...outputs }));
      expectTheSame(check);
    }, 120_000);
  }
});

/**
 * The TX engine skips its look on the edge after a frame start where that look can only find every
 * head frame held by room of its own, and ends a run for descriptor write-backs alone before the
 * frame start, both by what its idle check says: these runs hold that check to the engine run on
 * every edge where those skips are frequent (the skips themselves, inside its runs, are made both
 * ways; the old and new builds' outputs were compared for them). A table of one TX SA sends most
 * frames through software ESP, plain to the NIC, with gold strict, a jumbo class and a shared
 * buffer that holds frames back, or per-class buffers and few frames in flight.
 */
describe("every block evaluated on every edge, plain frames held back by the TX buffer", () => {
  const plain = { "nic.sacache.txEntries": 1, durationMicroseconds: 300 };
  test.each([
    ["a shared buffer and jumbo bulk", { ...plain, "traffic.2.packetBytes": 8000, "nic.tx.bufferPartition": "shared", "nic.tx.bufferBytes": 24576 }],
    ["per-class buffers, twelve frames in flight, WTHRESH 4", { ...plain, "nic.tx.framesInFlight": 12, "driver.base.txWriteBackThreshold": 4 }],
  ])("%s", (_, values) => {
    const check = checkEveryEdge((outputs) => defaultScenario({ ...values, ...outputs }));
    expect(check.wireFrames).toBeGreaterThan(200);
    expectTheSame(check);
  }, 120_000);
});

/**
 * A priority class over its rate at the TX crypto engines waits while another class is held behind its own job in an engine; the
 * pipeline learnt that the hold had ended only at its next event, later than a pipeline evaluated on every edge (an outside check:
 * gold 0.226 skipping idle blocks, 0.255 on every edge).
 */
describe("every block evaluated on every edge, a priority class of jumbo jobs beside two minimums", () => {
  const file = new URL("../../scenarios/policer-jumbo-priority-two-minimums.yaml", import.meta.url).pathname;
  test.each([[64], [16]])("%i frames in flight", (framesInFlight) => {
    const check = checkEveryEdge((outputs) => loadScenarioFile(file, { "nic.tx.framesInFlight": framesInFlight, durationMicroseconds: 400, ...outputs }));
    expectTheSame(check);
  }, 120_000);
});
