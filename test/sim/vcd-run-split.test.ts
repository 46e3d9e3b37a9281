import { expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { delay } from "../../sim/process.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";

/**
 * A signal that changes in two phases of one time (a process, then another resumed by its change)
 * is dumped once there, with its last value. A run stopped between those phases (its condition held
 * after the first) and run on must dump the same: from an outside check, the split run dumped the
 * first value and then the second under one timestamp, a glitch the run in one go does not have.
 */
function dump(stopBetween: boolean): string {
  const kernel = new Kernel();
  const work = kernel.signal("top.core.work", 4);
  const sink = new MemorySink();
  kernel.traceWith(new VcdTracer({ sink }));
  kernel.process("top.core.first", function* () {
    yield delay(1000);
    work.set(1);
  });
  kernel.process("top.core.second", function* () {
    yield delay(1000);
    // A phase later at the same time: the first's write has committed.
    yield delay(0);
    work.set(2);
  });
  if (stopBetween) kernel.run({ stopWhen: () => work.value === 1 });
  kernel.run({ until: 5000 });
  kernel.close();
  return sink.text();
}

test("a run stopped between two phases of one time, then run on, dumps what the run in one go does", () => {
  const whole = dump(false);
  expect(whole).toContain("#1000\nb10 ");
  expect(whole).not.toContain("b1 ");
  expect(dump(true)).toBe(whole);
});
