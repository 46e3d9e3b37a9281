import { describe, expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { buildNicSystem } from "../../system/build.js";
import { INSTANT_HOST } from "../../system/validation/host.js";

type Write = { readonly register: "TX_SCHED"; readonly queue: number; readonly schedule: R.TxSchedule } | { readonly register: "TXPBSIZE"; readonly queue: number; readonly kilobytes: number };

/** A driver of its own that rewrites one TX register at a time while classes are backlogged: no scenario makes such writes. */
interface Rewrites {
  readonly dmaBytesPerCycle: number;
  /** The DMA's read tags: 8 unless given. */
  readonly readTags?: number;
  readonly framesInFlight: number;
  readonly bufferBytes?: number;
  readonly gigabitsPerSecond?: number;
  /** The base driver's TX_SCHED for classes 0 to 2 first (gold strict at 10 %, the others sharing what remains), or the reset's. */
  readonly schedules: boolean;
  /** Each backlogged class (its queue) and its frames' length. */
  readonly classes: ReadonlyArray<readonly [number, number]>;
  readonly writes: readonly Write[];
  readonly everyPicoseconds: number;
}

const END = 150_000_000;

/** What the NIC did with its frames: when each started (took its descriptors and TX buffer room) and each frame on the wire (time, length, DSCP byte). */
function frames(rewrites: Rewrites, skipIdle: boolean): { readonly started: string[]; readonly wire: string[] } {
  const { kernel, top } = buildNicSystem({
    parameters: {
      "top.nic.queues": 4,
      ...INSTANT_HOST,
      "top.nic.dma.bytesPerCycle": rewrites.dmaBytesPerCycle,
      "top.nic.dma.maxOutstandingReads": rewrites.readTags ?? 8,
      "top.nic.tx.framesInFlight": rewrites.framesInFlight,
      ...(rewrites.bufferBytes === undefined ? {} : { "top.nic.tx.bufferBytes": rewrites.bufferBytes }),
      ...(rewrites.gigabitsPerSecond === undefined ? {} : { "top.wire.gigabitsPerSecond": rewrites.gigabitsPerSecond }),
    },
    skipIdle,
  });
  if (rewrites.schedules) top.driver.base.setSchedules(new Map([[0, { strict: true, percent: 10 }], [1, { strict: false, percent: 0, remaining: 50 }], [2, { strict: false, percent: 0, remaining: 50 }]]));
  top.peer.keepReceived = false;
  const wire: string[] = [];
  const started: string[] = [];
  top.wire.tap((time, frame, from) => {
    if (from === "nic") wire.push(`${time} ${frame.bytes.length} ${frame.bytes[15]}`);
  });
  top.nic.stages.listener = (event) => {
    if (event.stage === "frame-started") started.push(`${event.time} ${(event.frame as { queue: number }).queue}`);
  };
  for (const [trafficClass, bytes] of rewrites.classes) {
    kernel.process(`sender${trafficClass}`, function* () {
      yield top.driver.base.whenReady();
      for (let sequence = 0; kernel.now < END; sequence++) yield* top.driver.base.transmit(trafficClass, sequencedFrame("to-peer", trafficClass, sequence, bytes), { more: true });
    });
  }
  kernel.process("rewrites", function* () {
    yield top.driver.base.whenReady();
    for (let index = 0; kernel.now < END; index++) {
      yield delay(rewrites.everyPicoseconds);
      // One register alone, as a driver may write it: the base driver's setSchedules writes TX_SCHED and TXPBSIZE together, and either write wakes the TX engine.
      const write = rewrites.writes[index % rewrites.writes.length]!;
      if (write.register === "TX_SCHED") top.driver.base.bus.mmioWrite(R.TX_SCHED(write.queue), R.encodeTxSched(write.schedule));
      else top.driver.base.bus.mmioWrite(R.TXPBSIZE(write.queue), write.kilobytes);
    }
  });
  kernel.run({ until: END });
  return { started, wire };
}

const schedule = (queue: number, strict: boolean, percent: number, remaining: number): Write => ({ register: "TX_SCHED", queue, schedule: { strict, percent, remaining } });
const part = (queue: number, kilobytes: number): Write => ({ register: "TXPBSIZE", queue, kilobytes });
/** 64 KB in four parts of 16: the unused ones shrunk to a jumbo frame's 9 KB lend the rest to one queue at a time. */
const LENT_PARTS = [part(3, 9), part(2, 9), part(0, 9), part(1, 9), part(1, 30), part(1, 9), part(0, 30)];

/**
 * A TX_SCHED write changes what the TX frame start may do at once: a class made strict may start
 * a frame its reads held back, a policer's new rate may let gold go. A TXPBSIZE write that gives a
 * queue more room lets its frame held for room start. Neither write woke the TX engine at first
 * (TX_SCHED's from an outside check), so a run that skipped the sleeping engine started the frame
 * only at its next wake, where a run evaluating every edge started it on the next edge. Found by
 * random writes: each of these configurations differs with the engine's wake taken out of
 * TxEngine.configure or TxEngine.setPart. TXPBSIZE's shows in the frames' start times alone,
 * here: the frame still waits for the wire, as a latency's stages show.
 */
const CASES: Record<string, Rewrites> = {
  "TX_SCHED: gold made a weighted class, unweighted, then strict again": { dmaBytesPerCycle: 2, framesInFlight: 16, schedules: true, classes: [[0, 60], [1, 1514], [2, 300]], writes: [schedule(0, false, 40, 10), schedule(0, false, 0, 0), schedule(0, true, 10, 50)], everyPicoseconds: 2_974_009 },
  "TX_SCHED: a bulk class made strict, then weighted": { dmaBytesPerCycle: 8, framesInFlight: 64, schedules: true, classes: [[0, 1400], [1, 1514], [2, 300]], writes: [schedule(1, true, 10, 50), schedule(1, true, 10, 50), schedule(1, false, 0, 50)], everyPicoseconds: 4_938_306 },
  "TX_SCHED: a second strict class's policer rate raised": { dmaBytesPerCycle: 8, framesInFlight: 64, schedules: true, classes: [[0, 1400], [1, 1514], [2, 300]], writes: [schedule(2, true, 10, 90), schedule(2, true, 40, 50)], everyPicoseconds: 4_713_809 },
  "TXPBSIZE: one class of 1514-byte frames lent room and losing it": { dmaBytesPerCycle: 32, readTags: 32, framesInFlight: 64, bufferBytes: 65536, gigabitsPerSecond: 25, schedules: false, classes: [[1, 1514]], writes: LENT_PARTS, everyPicoseconds: 1_000_000 },
  "TXPBSIZE: 1514-byte and 64-byte classes, one lent room": { dmaBytesPerCycle: 32, readTags: 32, framesInFlight: 64, bufferBytes: 65536, gigabitsPerSecond: 25, schedules: false, classes: [[1, 1514], [2, 64]], writes: LENT_PARTS, everyPicoseconds: 3_100_000 },
  "TXPBSIZE: 1400-byte frames over a slower DMA": { dmaBytesPerCycle: 8, readTags: 32, framesInFlight: 64, bufferBytes: 65536, gigabitsPerSecond: 25, schedules: false, classes: [[0, 1400]], writes: LENT_PARTS, everyPicoseconds: 3_100_000 },
};

describe("a TX register written mid-run: the same frame starts and frames on the wire whether idle blocks are skipped or every edge is evaluated", () => {
  for (const [name, rewrites] of Object.entries(CASES)) {
    test(name, () => {
      const skipping = frames(rewrites, true);
      expect(skipping.wire.length).toBeGreaterThan(150);
      const everyEdge = frames(rewrites, false);
      expect(skipping.started).toEqual(everyEdge.started);
      expect(skipping.wire).toEqual(everyEdge.wire);
    }, 60_000);
  }
});
