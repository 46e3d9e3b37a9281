import { expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { delay } from "../../sim/process.js";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";

/** A design whose event fires at 0, 1000 and 3000 ps and whose counter steps with it; dumped over [from, to]. */
async function dump(from?: number, to?: number) {
  const kernel = new Kernel();
  const count = kernel.signal("top.core.preemptions", 8);
  const fired = kernel.event("top.core.preempted");
  const sink = new MemorySink();
  kernel.traceWith(new VcdTracer({ sink, from, to }));
  kernel.process("top.core.work", function* () {
    for (const [step, wait] of [0, 1000, 2000].entries()) {
      yield delay(wait);
      fired.fire();
      count.set(step + 1);
    }
  });
  kernel.run({ until: 5000 });
  kernel.close();
  const parsed = await readVcd(sink.text());
  return parsed.changes.filter((change) => change.path === "top.core.preempted").map((change) => change.time);
}

// From a waveform reviewer's check: a window opening at an event's picosecond had the counter already stepped in $dumpvars and no pulse (the story skipped it); the pulse at the window's end was kept.
test("an event at the instant a waveform window opens is in the dump, after $dumpvars, as one at the instant it closes is; a whole dump keeps one at time 0", async () => {
  expect(await dump()).toEqual([0, 1000, 3000]);
  expect(await dump(1000, 3000)).toEqual([1000, 3000]);
  expect(await dump(1001, 3000)).toEqual([3000]);
  expect(await dump(1000, 2999)).toEqual([1000]);
});
