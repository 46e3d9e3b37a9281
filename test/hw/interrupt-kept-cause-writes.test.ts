import { describe, expect, test } from "vitest";
import { buildNic, delay, registers as R, until, us } from "../../index.js";
import { CAUSE_ERROR } from "../../hw/spec/register-fields.js";

/**
 * A cause the interrupt block keeps, unwatched, for the edge that would take it (its vector masked,
 * or waiting out its interval with a cause pending) may be raised as a posted write lands: before
 * that phase's edges. A register write landing with it has the block run on that very edge, a cycle
 * before the kept cause's; the cause must still be taken on its own edge, where the write may have
 * made it fire. From an outside check: an ERROR interrupt was lost for good (ICR written to clear
 * the older cause), came 46 µs late (EITR_PACKETS written), and, masked then unmasked in one
 * phase, was never delivered. Each is run with `cause` watched by a waiting process, where the
 * block takes every cause from its channel, and without: the interrupts must come at the same times.
 */
type Second = "clear ICR" | "packet threshold" | "unmask";

function run(second: Second, watched: boolean): number[] {
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
  const bus = top.nic;
  const errorVector = 1;
  const fires: number[] = [];
  kernel.process("handler", function* () {
    for (;;) {
      yield bus.interrupt(errorVector);
      fires.push(kernel.now);
    }
  });
  kernel.process("driver", function* () {
    if (second !== "unmask") {
      bus.mmioWrite(R.EITR(errorVector), 50_000);
      bus.mmioWrite(R.IMS, CAUSE_ERROR);
      yield delay(us(1));
      // The first interrupt comes at once; then one waits out the interval with a cause pending.
      bus.mmioWrite(R.ICS, CAUSE_ERROR);
      yield delay(us(2));
      bus.mmioWrite(R.IMS, CAUSE_ERROR);
      bus.mmioWrite(R.ICS, CAUSE_ERROR);
      yield delay(us(2));
    } else yield delay(us(1));
    // A write to read-only STATUS: the device raises ERROR as it lands, and the next write lands in the same phase.
    bus.mmioWrite(R.STATUS, 0);
    if (second === "clear ICR") bus.mmioWrite(R.ICR, CAUSE_ERROR);
    else if (second === "packet threshold") bus.mmioWrite(R.EITR_PACKETS(errorVector), 1);
    else bus.mmioWrite(R.IMS, CAUSE_ERROR);
  });
  if (watched) {
    kernel.process("watcher", function* () {
      for (;;) {
        yield until(top.nic.interrupts.cause, (value) => value !== 0);
        yield until(top.nic.interrupts.cause, 0);
      }
    });
  }
  kernel.run({ until: us(200) });
  return fires;
}

describe("a cause kept by the interrupt block, and a register write landing in the phase that raised it", () => {
  test.each([
    ["clear ICR", 2],
    ["packet threshold", 2],
    ["unmask", 1],
  ] as const)("%s: the interrupts come as with cause watched", (second, count) => {
    const watched = run(second, true);
    expect(watched).toHaveLength(count);
    expect(run(second, false)).toEqual(watched);
  });
});
