import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay, until } from "../../sim/process.js";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import type { TraceSelection } from "../../sim/vcd/selection.js";
import { lineSystem } from "../support/line-run.js";

/**
 * A cause raised for a masked vector, or for one waiting out its interval (EITR) with a cause
 * pending, cannot fire on the edge that takes it: unwatched, the interrupt block does not run for
 * it, and ICR reads, register writes, `cause`'s readers and the block's next run apply it as the
 * edge that would have taken it. Every reader must see what it sees with the waveform (where the
 * block runs on each such edge), and the run must not change. Each test runs without moderation
 * (the masked vectors while NAPI polls) and with 10 µs (the vectors waiting).
 */
const FRAMES = 120;
const PATH = "top.nic.interrupts.cause";

type Reading = [time: number, what: string, value: number];

function run(options: { trace?: TraceSelection; readEvery?: number; waitFrom?: number; waitOnMask?: boolean; icrEvery?: number; clearEvery?: number; intervalNanoseconds?: number }) {
  const { kernel, top, sink } = lineSystem(7, 10, options.trace, { "top.driver.base.interruptIntervalNanoseconds": options.intervalNanoseconds ?? 0 });
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    // Bursts back to back on the line and quiet gaps: NAPI masks the vectors while frames keep coming, then unmasks them.
    for (let sequence = 0; sequence < FRAMES; sequence++) {
      top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, sequence % 3 === 0 ? 1514 : 60));
      if (sequence % 30 === 29) yield delay(15_000_000);
    }
  });
  const readings: Reading[] = [];
  /** A process reading at every `every` ps, for ever. */
  const readEvery = (name: string, every: number | undefined, read: () => void) => {
    if (every === undefined) return;
    kernel.process(name, function* () {
      for (;;) {
        yield delay(every);
        read();
      }
    });
  };
  readEvery("reader", options.readEvery, () => {
    readings.push([kernel.now, "cause", top.nic.interrupts.cause.value]);
    readings.push([kernel.now, "mask", top.nic.interrupts.mask.value]);
  });
  readEvery("icr", options.icrEvery, () => {
    readings.push([kernel.now, "ICR", top.nic.interrupts.readCause()]);
    // An ICR read takes the masked causes due: cause must show them too (from an outside check: it read 0 where ICR read 256).
    readings.push([kernel.now, "cause after ICR", top.nic.interrupts.cause.value]);
  });
  if (options.clearEvery !== undefined) {
    const every = options.clearEvery;
    // ICR written to clear every cause, then read: a cause taken before the write is cleared by it, one taken after is not.
    kernel.process("clear", function* () {
      for (;;) {
        yield delay(every);
        top.nic.interrupts.clearCause(0xffff_ffff);
        readings.push([kernel.now, "ICR after clear", top.nic.interrupts.readCause()]);
        yield delay(every);
        readings.push([kernel.now, "ICR", top.nic.interrupts.readCause()]);
      }
    });
  }
  if (options.waitFrom !== undefined) {
    const from = options.waitFrom;
    const signal = options.waitOnMask ? top.nic.interrupts.mask : top.nic.interrupts.cause;
    kernel.process("waiter", function* () {
      yield delay(from);
      for (let change = 0; change < 40; change++) {
        const before = signal.value;
        yield until(signal, (value) => value !== before);
        readings.push([kernel.now, "changed", signal.value]);
      }
    });
  }
  // Clearing ICR loses the causes it clears, and so their interrupts: that run ends at its limit.
  kernel.run({ until: 200_000_000, stopWhen: () => top.driver.base.statistics.rxFrames >= FRAMES });
  kernel.close();
  return { kernel, top, sink, readings };
}

async function changes(done: { sink: { bytes(): Uint8Array } }, path = PATH) {
  const parsed = await readVcd(done.sink.bytes(), (name) => name === path);
  return parsed.changes.map((change) => [change.time, Number(change.value)] as const);
}

describe.each([0, 10_000])("the interrupt block's cause, raised for vectors that cannot fire (EITR %i ns)", (intervalNanoseconds) => {
  test("the run is the same traced, traced elsewhere only, and untraced: frames, interrupts, end", () => {
    const traced = run({ intervalNanoseconds, trace: {} });
    const fired = traced.top.nic.interrupts.fired.reduce((sum, count) => sum + count, 0);
    expect(fired).toBeGreaterThan(4);
    const evaluations = (done: typeof traced) => done.kernel.evaluationsByBlock()["top.nic.interrupts"]!;
    for (const other of [run({ intervalNanoseconds, trace: { scopes: ["top.driver"] } }), run({ intervalNanoseconds })]) {
      // Masked causes came, and the block did not run for them.
      expect(evaluations(other)).toBeLessThan(evaluations(traced) - 10);
      expect(other.top.nic.interrupts.fired).toEqual(traced.top.nic.interrupts.fired);
      expect(other.top.driver.base.statistics).toEqual(traced.top.driver.base.statistics);
      expect(other.kernel.now).toBe(traced.kernel.now);
    }
  });

  test("readers of cause and of ICR, and a process waiting on cause, see what they see with the waveform", () => {
    for (const options of [{ readEvery: 13_000 }, { icrEvery: 11_000 }, { clearEvery: 700_000 }, { waitFrom: 3_000_000 }, { waitFrom: 20_000_000 }, { waitFrom: 3_000_000, waitOnMask: true }, { waitFrom: 20_000_000, waitOnMask: true }]) {
      const traced = run({ intervalNanoseconds, ...options, trace: {} }).readings;
      expect(new Set(traced.map(([, , value]) => value)).size, JSON.stringify(options)).toBeGreaterThan(2);
      expect(run({ intervalNanoseconds, ...options, trace: { scopes: ["top.driver"] } }).readings, JSON.stringify(options)).toEqual(traced);
      expect(run({ intervalNanoseconds, ...options }).readings, JSON.stringify(options)).toEqual(traced);
    }
  });

  test("a process that starts waiting between a masked cause's raise and the edge that takes it sees that edge's change", async () => {
    const whole = await changes(run({ intervalNanoseconds, trace: {} }));
    const period = 4_000;
    // Rises of cause: a raise one core cycle before, taken on that edge.
    const rises = whole.filter(([, value], index) => index > 0 && value > whole[index - 1]![1]).map(([time]) => time);
    expect(rises.length).toBeGreaterThan(10);
    for (const rise of [rises[3]!, rises[Math.floor(rises.length / 2)]!, rises.at(-3)!]) {
      const traced = run({ intervalNanoseconds, trace: {}, waitFrom: rise - period + 1 }).readings;
      expect(traced[0]![0]).toBe(rise);
      expect(run({ intervalNanoseconds, waitFrom: rise - period + 1 }).readings).toEqual(traced);
    }
  });

  test("a waveform window opening mid-run shows what the whole dump shows from then on", async () => {
    const whole = await changes(run({ intervalNanoseconds, trace: {} }));
    expect(whole.length).toBeGreaterThan(20);
    // Each window opens just after a change the block would have drawn on a masked cause's edge.
    for (const index of [5, Math.floor(whole.length / 2), whole.length - 6]) {
      const from = whole[index]![0] + 1;
      const shown = await changes(run({ intervalNanoseconds, trace: { from } }));
      expect(shown[0]).toEqual([from, whole[index]![1]]);
      expect(shown.slice(1)).toEqual(whole.filter(([time]) => time > from));
    }
  });

  // The driver's IMS write after a poll, where nothing else is to do, leaves the block's run to draw `mask` alone: unwatched, it is not run.
  test("mask: a waveform window opening between an IMS write and the edge that draws it, or just after, shows what the whole dump shows", async () => {
    const MASK = "top.nic.interrupts.mask";
    const whole = await changes(run({ intervalNanoseconds, trace: {} }), MASK);
    expect(whole.length).toBeGreaterThan(20);
    for (const index of [4, Math.floor(whole.length / 2), whole.length - 5]) {
      for (const from of [whole[index]![0] - 1, whole[index]![0] + 1]) {
        const before = from < whole[index]![0] ? whole[index - 1]![1] : whole[index]![1];
        const shown = await changes(run({ intervalNanoseconds, trace: { from } }), MASK);
        expect(shown[0], `window from ${from}`).toEqual([from, before]);
        expect(shown.slice(1), `window from ${from}`).toEqual(whole.filter(([time]) => time > from));
      }
    }
  });

  test("mask: a process that starts waiting between an IMS write and the edge that draws it sees that edge's change", async () => {
    const whole = await changes(run({ intervalNanoseconds, trace: {} }), "top.nic.interrupts.mask");
    const rises = whole.filter(([, value], index) => index > 0 && value > whole[index - 1]![1]).map(([time]) => time);
    expect(rises.length).toBeGreaterThan(10);
    for (const rise of [rises[3]!, rises[Math.floor(rises.length / 2)]!, rises.at(-3)!]) {
      const traced = run({ intervalNanoseconds, trace: {}, waitFrom: rise - 1, waitOnMask: true }).readings;
      expect(traced[0]![0]).toBe(rise);
      expect(run({ intervalNanoseconds, waitFrom: rise - 1, waitOnMask: true }).readings).toEqual(traced);
    }
  });
});
