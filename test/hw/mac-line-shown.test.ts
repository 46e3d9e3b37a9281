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
 * The MAC learns of a frame coming in as the peer sends it, and plans the edge it sees the frame's
 * first bit on (rx_busy, rx_frame_length): no event runs there. Its line signals show the same
 * changes at the same times as when such an event woke it, with the waveform or without.
 */
const SIZES = [60, 1514, 60, 60, 9000, 1514, 60];
const FRAMES = 70;
const BURST_GAP = 9_000_000;

function run(options: { propagationNanoseconds: number; trace?: TraceSelection; watch?: boolean }) {
  const { kernel, top, sink } = lineSystem(3, options.propagationNanoseconds, options.trace);
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    // Mixed sizes both ways; the peer's frames are all queued on its line at once, so most are on their way when a window opens.
    for (let sequence = 0; sequence < FRAMES; sequence++) top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, SIZES[sequence % SIZES.length]!));
    // The host's in bursts of five, so that the line goes idle between them.
    for (let sequence = 0; sequence < FRAMES; sequence++) {
      yield* top.driver.base.transmit(sequence % 4, sequencedFrame("to-peer", (sequence % 4) * 2, sequence, SIZES[(sequence + 3) % SIZES.length]!), { more: sequence % 5 !== 4 });
      if (sequence % 5 === 4) yield delay(BURST_GAP);
    }
  });
  // A process waiting on rx_busy, from its rise to its fall, over and over: what it sees.
  const seen: { time: number; value: number }[] = [];
  if (options.watch) {
    kernel.process("watcher", function* () {
      for (;;) {
        yield until(top.nic.mac.rxBusy, 1);
        seen.push({ time: kernel.now, value: 1 });
        yield until(top.nic.mac.rxBusy, 0);
        seen.push({ time: kernel.now, value: 0 });
      }
    });
  }
  kernel.run({ stopWhen: () => top.peer.receivedFrames >= FRAMES && top.driver.base.statistics.rxFrames >= FRAMES });
  kernel.close();
  return { kernel, top, sink, seen };
}

async function macChanges(sink: MemorySink, from: number) {
  const parsed = await readVcd(sink.bytes(), (path, time) => path.startsWith("top.nic.mac.") && time > from);
  return parsed.changes;
}

describe.each([0, 10])("the MAC's line signals, %i ns of propagation", (propagationNanoseconds) => {
  test("a waveform window opening while frames are on their way shows what the whole dump shows from then on", async () => {
    const whole = run({ propagationNanoseconds, trace: {} });
    const end = whole.kernel.now;
    expect(whole.top.nic.mac.rxFrames.value).toBe(FRAMES);
    const all = await macChanges(whole.sink, 0);
    // The line was busy both ways, frame by frame.
    expect(all.filter((change) => change.path === "top.nic.mac.rx_busy" && change.value === 1n).length).toBeGreaterThan(10);
    expect(all.filter((change) => change.path === "top.nic.mac.tx_busy" && change.value === 0n).length).toBeGreaterThan(10);
    for (const fraction of [0.3, 0.55]) {
      const from = Math.round(end * fraction);
      const windowed = run({ propagationNanoseconds, trace: { from } });
      expect(await macChanges(windowed.sink, from)).toEqual(await macChanges(whole.sink, from));
    }
  });

  test("a process waiting on rx_busy sees it change when the waveform shows it, with no waveform at all", async () => {
    const traced = run({ propagationNanoseconds, trace: {} });
    const shown = (await macChanges(traced.sink, 0)).filter((change) => change.path === "top.nic.mac.rx_busy").map((change) => ({ time: change.time, value: Number(change.value) }));
    const watched = run({ propagationNanoseconds, watch: true });
    expect(watched.seen.length).toBeGreaterThan(10);
    expect(watched.seen).toEqual(shown.slice(0, watched.seen.length));
  });

  test("the waveform changes nothing else: the same frames, counters and end, traced, traced elsewhere only, or not at all", () => {
    const traced = run({ propagationNanoseconds, trace: {} });
    const driverOnly = run({ propagationNanoseconds, trace: { scopes: ["top.driver"] } });
    const untraced = run({ propagationNanoseconds });
    for (const other of [driverOnly, untraced]) {
      expect(other.top.nic.mac.rxFrames.value).toBe(traced.top.nic.mac.rxFrames.value);
      expect(other.top.nic.mac.txFrames.value).toBe(traced.top.nic.mac.txFrames.value);
      expect(other.top.driver.base.statistics.rxFrames).toBe(FRAMES);
      expect(other.kernel.now).toBe(traced.kernel.now);
    }
  });
});

// From an outside check of a first version, which drew these signals only while something watched them: a process that began waiting on a stale value went on at once, and a window opening after the run's end showed the line busy.
describe("a process that begins waiting on the line's signals mid-frame or long after it went idle, and a window after the run", () => {
  function probe(trace: TraceSelection | null) {
    const { kernel, top } = buildNicSystem({ seed: 3 });
    if (trace) kernel.traceWith(new VcdTracer({ sink: new MemorySink(), ...trace }));
    const log: [string, number, number][] = [];
    kernel.process("probe", function* () {
      yield top.driver.base.whenReady();
      top.peer.send(sequencedFrame("to-host", 0, 0, 1514));
      // 200 ns into the frame (about 490 ns on the line).
      yield delay(210_000);
      log.push(["rx_busy as waiting begins", kernel.now, top.nic.mac.rxBusy.value]);
      yield until(top.nic.mac.rxBusy, 0);
      log.push(["rx_busy 0", kernel.now, 0]);
      yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, 1, 1514), { more: false });
      yield delay(3_000_000);
      log.push(["tx_busy as waiting begins", kernel.now, top.nic.mac.txBusy.value]);
      yield until(top.nic.mac.txBusy, 1);
      log.push(["tx_busy 1", kernel.now, 1]);
    });
    kernel.run({ until: 12_000_000 });
    kernel.close();
    return log;
  }

  test("it sees what the waveform shows, and the same times, with the waveform, the MAC left out of it, or none", () => {
    const traced = probe({});
    // Mid-frame rx_busy is 1, and it goes on at the frame's end; long after the frame left, tx_busy is 0, and nothing more is sent.
    expect(traced[0]![2]).toBe(1);
    expect(traced[2]![2]).toBe(0);
    expect(traced).toHaveLength(3);
    expect(probe({ scopes: ["top.driver"] })).toEqual(traced);
    expect(probe(null)).toEqual(traced);
  });

  test("a window opening after the run has ended holds the line's values at the end: idle both ways", async () => {
    const run = (selection: TraceSelection) => {
      const { kernel, top } = buildNicSystem({ seed: 3 });
      const sink = new MemorySink();
      kernel.traceWith(new VcdTracer({ sink, ...selection }));
      kernel.process("load", function* () {
        yield top.driver.base.whenReady();
        top.peer.send(sequencedFrame("to-host", 0, 0, 1514));
        yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, 1, 1514), { more: false });
      });
      kernel.run({ until: 8_000_000 });
      kernel.close();
      return sink;
    };
    const last = async (sink: MemorySink) => {
      const changes = await macChanges(sink, -1);
      return Object.fromEntries(["tx_busy", "tx_frame_length", "rx_busy", "rx_frame_length", "tx_frames", "rx_frames"].map((name) => [name, changes.filter((change) => change.path === `top.nic.mac.${name}`).at(-1)?.value ?? 0n]));
    };
    const after = await last(run({ from: 100_000_000 }));
    expect(after).toEqual(await last(run({})));
    expect(after).toMatchObject({ tx_busy: 0n, rx_busy: 0n, tx_frames: 1n, rx_frames: 1n });
  });
});

// From a re-check: a frame sent between runs, at the very time it arrives (no propagation), was seen a MAC cycle late when the run had stopped on a MAC edge.
test("a frame sent between two runs, arriving at once, is seen on the edge at that time, as an event queued then ran before the time's edges", () => {
  const period = 2_560;
  for (const stop of [2_000 * period, 2_000 * period + 1_000]) {
    const { kernel, top } = buildNicSystem({ seed: 3, parameters: { "top.wire.propagationNanoseconds": 0 } });
    kernel.traceWith(new VcdTracer({ sink: new MemorySink() }));
    const rises: number[] = [];
    kernel.process("ready", function* () {
      yield top.driver.base.whenReady();
    });
    kernel.process("watch", function* () {
      yield until(top.nic.mac.rxBusy, 1);
      rises.push(kernel.now);
    });
    kernel.run({ until: stop });
    top.peer.send(sequencedFrame("to-host", 0, 0, 1514));
    kernel.run({ until: stop + 3_000_000 });
    // On a MAC edge the frame is seen there; between edges, on the next.
    expect(rises, `stopped at ${stop} ps`).toEqual([Math.ceil(stop / period) * period]);
  }
});

test("a reader on the very edge a frame's last bit is counted sees it from the next phase, as the edge's commit shows it, with the waveform or none", () => {
  const readings = (trace: TraceSelection | null) => {
    const { kernel, top } = buildNicSystem({ seed: 3 });
    if (trace) kernel.traceWith(new VcdTracer({ sink: new MemorySink(), ...trace }));
    const seen: number[][] = [];
    const period = top.nic.macClock.period;
    kernel.process("reader", function* () {
      yield top.driver.base.whenReady();
      const end = top.peer.send(sequencedFrame("to-host", 0, 0, 1514)) + top.wire.params.propagationNanoseconds * 1000;
      // The first MAC edge at or after the last bit's arrival draws it received.
      const edge = top.nic.macClock.edgeAfter(end - 1);
      expect(edge - end).toBeLessThan(period);
      yield delay(edge - kernel.now);
      seen.push([top.nic.mac.rxFrames.value, top.nic.mac.rxBusy.value]);
      yield delay(0);
      seen.push([top.nic.mac.rxFrames.value, top.nic.mac.rxBusy.value]);
    });
    kernel.run({ until: 5_000_000 });
    return seen;
  };
  expect(readings({})).toEqual([[0, 1], [1, 0]]);
  expect(readings({ scopes: ["top.driver"] })).toEqual([[0, 1], [1, 0]]);
  expect(readings(null)).toEqual([[0, 1], [1, 0]]);
});
