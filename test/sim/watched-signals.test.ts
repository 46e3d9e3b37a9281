import { describe, expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { delay, until } from "../../sim/process.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import { WatchedSignals } from "../../sim/watched-signals.js";
import { watchChanges } from "../../sim/signal.js";
import { ns } from "../../sim/time.js";

describe("whether any of a block's signals is watched", () => {
  test("follows a waiter coming and leaving, on one signal of several, asked again and again between", () => {
    const kernel = new Kernel();
    const busy = kernel.signal("top.block.busy", 1);
    const other = kernel.signal("top.block.other", 8);
    const watched = new WatchedSignals([other, busy]);
    const seen: Array<[number, boolean]> = [];
    const look = () => seen.push([kernel.now, watched.any]);
    kernel.process("top.waiter", function* () {
      yield delay(ns(1));
      look();
      yield until(busy, 1);
      look();
    });
    kernel.process("top.writer", function* () {
      yield delay(ns(2));
      look();
      look();
      busy.set(1);
      yield delay(ns(1));
      look();
    });
    look();
    kernel.run();
    // Waiting from 1 ns, resumed at 2 ns: watched from the wait until it is released, and not after.
    expect(seen).toEqual([[0, false], [ns(1), false], [ns(2), true], [ns(2), true], [ns(2), false], [ns(3), false]]);
  });

  test("follows the waveform's window opening and closing, while another kernel's changes only make it ask again", () => {
    const kernel = new Kernel();
    const traced = kernel.signal("top.block.state", 2);
    kernel.traceWith(new VcdTracer({ sink: new MemorySink(), from: ns(10), to: ns(20) }));
    const watched = new WatchedSignals([traced]);
    const seen: Array<[number, boolean]> = [];
    const elsewhere = new Kernel();
    const unrelated = elsewhere.signal("top.unrelated", 1);
    elsewhere.process("top.waiter", function* () {
      for (;;) {
        yield until(unrelated, 1);
        yield until(unrelated, 0);
      }
    });
    const changes = watchChanges.count;
    kernel.process("top.sampler", function* () {
      for (let step = 0; step < 30; step++) {
        seen.push([kernel.now, watched.any]);
        // Another kernel's waiter comes and goes between the looks.
        if (step % 3 === 1) {
          const value = step % 2;
          elsewhere.schedule(0, "top.toggle", () => unrelated.set(value));
          elsewhere.run({ until: elsewhere.now + 1 });
        }
        yield delay(ns(1));
      }
    });
    kernel.run();
    const watchedAt = seen.filter(([, any]) => any).map(([time]) => time / ns(1));
    expect(watchedAt[0]).toBeLessThanOrEqual(10);
    expect(watchedAt.at(-1)).toBeGreaterThanOrEqual(19);
    expect(watchedAt.at(-1)).toBeLessThan(29);
    // One run of times: watched from the window's opening (or a period before it) to its close.
    expect(watchedAt).toEqual(Array.from({ length: watchedAt.length }, (_, index) => watchedAt[0]! + index));
    expect(seen.slice(0, 3).every(([, any]) => !any)).toBe(true);
    // The other kernel's waiters came and went many times meanwhile.
    expect(watchChanges.count - changes).toBeGreaterThan(10);
  });
});
