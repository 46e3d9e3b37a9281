import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay, until } from "../../sim/process.js";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import type { TraceSelection } from "../../sim/vcd/selection.js";
import { buildNicSystem } from "../../system/build.js";
import { lineSystem } from "../support/line-run.js";

/**
 * The peer's tx_frames counts each frame as its last bit leaves. Unwatched, no event runs then: a
 * reader is shown the count the frames gone by make. It must show the same changes at the same
 * times as when an event drew each one: in a waveform, in one whose window opens mid-run, to a
 * process waiting on it, and to a reader between the frames, with no waveform.
 */
const SIZES = [60, 1514, 60, 9000, 60, 1514];
const FRAMES = 40;
const PATH = "top.peer.tx_frames";

function run(options: { propagationNanoseconds: number; trace?: TraceSelection; waitFor?: number; readEvery?: number }) {
  const { kernel, top, sink } = lineSystem(5, options.propagationNanoseconds, options.trace);
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    // Bursts of ten queued at once, apart, so that the line goes idle between them.
    for (let burst = 0; burst < FRAMES / 10; burst++) {
      for (let sequence = burst * 10; sequence < burst * 10 + 10; sequence++) top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, SIZES[sequence % SIZES.length]!));
      yield delay(20_000_000);
    }
  });
  const seen: { time: number; value: number }[] = [];
  if (options.waitFor !== undefined) {
    const from = options.waitFor;
    kernel.process("watcher", function* () {
      yield delay(from);
      for (let count = top.peer.txFrames.value + 1; count <= FRAMES; count++) {
        yield until(top.peer.txFrames, count);
        seen.push({ time: kernel.now, value: top.peer.txFrames.value });
      }
    });
  }
  if (options.readEvery !== undefined) {
    const every = options.readEvery;
    kernel.process("reader", function* () {
      for (;;) {
        yield delay(every);
        seen.push({ time: kernel.now, value: top.peer.txFrames.value });
      }
    });
  }
  kernel.run({ stopWhen: () => top.driver.base.statistics.rxFrames >= FRAMES });
  kernel.close();
  return { kernel, top, sink, seen };
}

async function counts(sink: MemorySink) {
  const parsed = await readVcd(sink.bytes(), (path) => path === PATH);
  return parsed.changes.map((change) => ({ time: change.time, value: Number(change.value) }));
}

/** The count a reader at `time` sees from the whole waveform's changes: those before it. */
function countAt(changes: readonly { time: number; value: number }[], time: number): number {
  return changes.filter((change) => change.time < time).at(-1)?.value ?? 0;
}

/** Times between the 2nd and 3rd frames of bursts: a frame that left lazily before, the burst's rest still to go. */
function midBurst(changes: readonly { time: number; value: number }[]): number[] {
  return [2, 12, 22].map((index) => Math.floor((changes[index]!.time + changes[index + 1]!.time) / 2));
}

describe.each([0, 10])("the peer's tx_frames, %i ns of propagation", (propagationNanoseconds) => {
  test("a waveform window opening mid-run shows what the whole dump shows from then on", async () => {
    const whole = run({ propagationNanoseconds, trace: {} });
    const all = await counts(whole.sink);
    expect(all.at(-1)!.value).toBe(FRAMES);
    // Each window opens between two frames of a burst, with the rest of the burst still to leave.
    for (const from of midBurst(all)) {
      const windowed = run({ propagationNanoseconds, trace: { from } });
      const shown = await counts(windowed.sink);
      // The dump opens with the count at its start, then each change as the whole dump has it.
      expect(shown[0]).toEqual({ time: from, value: countAt(all, from + 1) });
      expect(shown.slice(1)).toEqual(all.filter((change) => change.time > from));
    }
  });

  test("a process waiting on it, and one reading it between frames, see what the waveform shows, with no waveform", async () => {
    const all = await counts(run({ propagationNanoseconds, trace: {} }).sink);
    for (const from of midBurst(all)) {
      const waited = run({ propagationNanoseconds, waitFor: from }).seen;
      expect(waited.length).toBeGreaterThan(5);
      expect(waited).toEqual(all.filter((change) => change.time > from));
    }
    const read = run({ propagationNanoseconds, readEvery: 97_000 }).seen;
    expect(new Set(read.map((reading) => reading.value)).size).toBeGreaterThan(FRAMES / 2);
    for (const reading of read) expect(reading.value, `at ${reading.time} ps`).toBe(countAt(all, reading.time + 1));
  });
});

test("a reader at the very time a frame's last bit leaves sees it counted from the next phase, as when an event drew it", () => {
  const readings = (trace: TraceSelection | null) => {
    const { kernel, top } = buildNicSystem({ seed: 5 });
    if (trace) kernel.traceWith(new VcdTracer({ sink: new MemorySink(), ...trace }));
    const seen: number[] = [];
    kernel.process("reader", function* () {
      yield top.driver.base.whenReady();
      const end = top.peer.send(sequencedFrame("to-host", 0, 0, 1514));
      yield delay(end - kernel.now);
      seen.push(top.peer.txFrames.value);
      yield delay(0);
      seen.push(top.peer.txFrames.value);
    });
    kernel.run({ until: 5_000_000 });
    return seen;
  };
  expect(readings({})).toEqual([0, 1]);
  expect(readings({ scopes: ["top.driver"] })).toEqual([0, 1]);
  expect(readings(null)).toEqual([0, 1]);
});

test("a window opening after the run has ended holds the count at the end", async () => {
  const whole = await counts(run({ propagationNanoseconds: 10, trace: {} }).sink);
  const after = await counts(run({ propagationNanoseconds: 10, trace: { from: 10_000_000_000 } }).sink);
  expect(after).toHaveLength(1);
  expect(after[0]!.value).toBe(FRAMES);
  expect(whole.at(-1)!.value).toBe(FRAMES);
});

// From an outside check of the lazy counters: a process starting to wait in the first phase at a frame's very end was resumed a phase late,
// and frames sent before the first run were missing from a waveform that started with it.
test("a process starting to wait in the first phase at the time a frame leaves is resumed in the phase after, as with the waveform", () => {
  const log = (trace: TraceSelection | null) => {
    const { kernel, top } = lineSystem(5, 10, trace ?? undefined);
    const seen: string[] = [];
    kernel.process("main", function* () {
      yield top.driver.base.whenReady();
      const end = top.peer.send(sequencedFrame("to-host", 0, 0, 1514));
      kernel.process("reader", function* () {
        yield delay(end - kernel.now);
        for (let step = 1; step <= 3; step++) {
          seen.push(`phase ${step}: ${top.peer.txFrames.value}`);
          yield delay(0);
        }
      });
      kernel.process("waiter", function* () {
        yield delay(end - kernel.now);
        yield until(top.peer.txFrames, 1);
        seen.push("waiter resumed");
      });
    });
    kernel.run({ until: 5_000_000 });
    return seen;
  };
  const traced = log({});
  expect(traced).toEqual(["phase 1: 0", "phase 2: 1", "waiter resumed", "phase 3: 1"]);
  expect(log(null)).toEqual(traced);
  expect(log({ scopes: ["top.driver"] })).toEqual(traced);
});

test("frames the peer sends before the first run are in a waveform that starts with it", async () => {
  const { kernel, top, sink } = lineSystem(5, 10, {});
  top.peer.send(sequencedFrame("to-host", 0, 0, 1514));
  top.peer.send(sequencedFrame("to-host", 1, 1, 1514));
  kernel.run({ until: 3_000_000 });
  kernel.close();
  const parsed = await readVcd(sink.bytes(), (path) => path === PATH || path === "top.nic.mac.rx_busy");
  const of = (path: string) => parsed.changes.filter((change) => change.path === path).map((change) => Number(change.value));
  expect(of(PATH)).toEqual([0, 1, 2]);
  expect(of("top.nic.mac.rx_busy")).toEqual([0, 1, 0, 1, 0]);
});

// From a long benchmark run: unwatched and never read, the times kept grew by one per frame (15 MB more live memory at 80,000 frames received).
test("what the lazily drawn signals keep stays bounded however long the run, unwatched and never read", () => {
  const { kernel, top } = lineSystem(5, 10);
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < 3000; sequence++) {
      top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, 60));
      if (sequence % 16 === 15) yield delay(16 * top.wire.occupancy(60));
    }
  });
  kernel.run({ stopWhen: () => top.driver.base.statistics.rxFrames >= 3000 });
  const kept = [top.peer["transmitted"]["due"], top.nic.mac["receiveLine"]["arrivals"], top.nic.mac["receiveLine"]["ends"], top.nic.interrupts["raisesKept"]];
  for (const fifo of kept) expect(fifo.length).toBeLessThan(40);
  expect(top.peer.txFrames.value).toBe(3000);
  expect(top.nic.mac.rxFrames.value).toBe(3000);
});
