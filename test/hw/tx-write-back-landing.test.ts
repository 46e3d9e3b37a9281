import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import * as R from "../../hw/spec/registers.js";
import { TX_DESCRIPTOR, TX_STATUS_FIELDS } from "../../hw/spec/descriptors.js";
import { system } from "../support/nic.js";

/**
 * A TX descriptor write-back that lands is handled as the TX engine's run on its next edge would
 * handle it, without that run: the queue leaves TXDCTL.BUSY from that edge on, and TX_DONE is taken
 * by the interrupt block on the edge after. Read every quarter nanosecond around each landing: the
 * DD bit in host memory (the landing, on the DMA engine's edge E), BUSY clear (from E plus one core
 * cycle), and TX_DONE in `cause` or the interrupt fired (from E plus two).
 */
const STEP = 250;

interface Seen {
  /** When the first write-back's DD bit, and the last's, were first seen in host memory. */
  readonly firstLanded: number;
  readonly lastLanded: number;
  readonly busyAtLastLanding: boolean;
  readonly busyClear: number;
  /** TX_DONE first seen in `cause` (masked), or the interrupt's time (unmasked). */
  readonly done: number;
  readonly period: number;
  /** The core edge E of a landing first seen at `seen`: the first at or after the read before. */
  edgeOf(seen: number): number;
}

function watchLanding(frames: number, length: number, parameters: Record<string, number>, masked: boolean): Seen {
  const { kernel, top } = system({ "top.nic.queues": 1, ...parameters });
  const driver = top.driver.base;
  const seen = { firstLanded: -1, lastLanded: -1, busyAtLastLanding: false, busyClear: -1, done: -1 };
  const doneBit = R.causeTxDone(0);
  kernel.process("watch", function* () {
    yield driver.whenReady();
    if (masked) top.nic.mmioWrite(R.IMC, doneBit);
    yield delay(us(1));
    const ring = driver.pair(0).tx;
    kernel.process("interrupt", function* () {
      yield top.nic.interrupt(0);
      if (seen.done < 0) seen.done = kernel.now;
    });
    for (let sequence = 0; sequence < frames; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, length), { more: sequence < frames - 1 });
    // Each frame posted one descriptor, from slot 0.
    const landed = (slot: number) => (top.memory.read(ring.descriptorAddress(slot) + TX_DESCRIPTOR.fields.status.offset, 1)[0]! & TX_STATUS_FIELDS.DD.mask) !== 0;
    for (let step = 0; step < 400_000 && (seen.lastLanded < 0 || seen.busyClear < 0 || seen.done < 0); step++) {
      const busy = R.TX_QUEUE_CONTROL_FIELDS.BUSY.get(top.nic.registers.read(R.TXDCTL(0))) === 1;
      if (seen.firstLanded < 0 && landed(0)) seen.firstLanded = kernel.now;
      if (seen.lastLanded < 0 && landed(frames - 1)) {
        seen.lastLanded = kernel.now;
        seen.busyAtLastLanding = busy;
      }
      if (seen.lastLanded >= 0 && seen.busyClear < 0 && !busy) seen.busyClear = kernel.now;
      if (masked && seen.firstLanded >= 0 && seen.done < 0 && (top.nic.interrupts.cause.value & doneBit) !== 0) seen.done = kernel.now;
      yield delay(STEP);
    }
  });
  kernel.run({ until: us(200) });
  const clock = top.nic.coreClock;
  return { ...seen, period: clock.period, edgeOf: (time) => clock.edgeAfter(time - STEP - 1) };
}

describe("a TX descriptor write-back landing", () => {
  test.each([
    [1, 60, 0, true],
    [1, 1514, 0, false],
    [3, 60, 0, true],
    [8, 1514, 4, true],
    [8, 60, 8, false],
  ])("%i frames of %i bytes, WTHRESH %i, TX_DONE masked %s: BUSY clears one core cycle after, TX_DONE one more", (frames, length, threshold, masked) => {
    const seen = watchLanding(frames, length, { "top.driver.base.txWriteBackThreshold": threshold }, masked);
    expect(seen.firstLanded).toBeGreaterThan(0);
    expect(seen.busyAtLastLanding).toBe(true);
    // Each is seen from the first read after its edge: the landing's (the DMA engine's, E), BUSY's and TX_DONE's.
    expect(seen.busyClear - seen.lastLanded).toBe(seen.period);
    if (masked) expect(seen.done - seen.firstLanded).toBe(2 * seen.period);
    else expect(seen.done).toBe(seen.edgeOf(seen.firstLanded) + 2 * seen.period);
  });
});

describe("a run stopping around a TX write-back's landing", () => {
  // The edge on which the engine would have taken the landing is kept: a run whose limit is that edge takes it, as the engine's run there did.
  test("stopped on the edge after it, BUSY is clear and the edge is behind; stopped a picosecond before, neither", () => {
    const { lastLanded, period, edgeOf } = watchLanding(1, 60, {}, true);
    const leaves = edgeOf(lastLanded) + period;
    for (const [until, busy] of [[leaves - 1, 1], [leaves, 0], [leaves + 1, 0]] as const) {
      const { kernel, top } = system({ "top.nic.queues": 1 });
      kernel.process("send", function* () {
        yield top.driver.base.whenReady();
        top.nic.mmioWrite(R.IMC, R.causeTxDone(0));
        yield delay(us(1));
        yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, 0, 60), { more: false });
      });
      kernel.run({ until });
      expect(R.TX_QUEUE_CONTROL_FIELDS.BUSY.get(top.nic.registers.read(R.TXDCTL(0))), `stopped at ${until}`).toBe(busy);
      if (busy === 1) expect(kernel.nextActivityTime, `stopped at ${until}`).toBeLessThanOrEqual(leaves);
      else expect(kernel.nextActivityTime, `stopped at ${until}`).toBeGreaterThan(leaves);
    }
  });
});
