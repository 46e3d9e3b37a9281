import { describe, expect, test } from "vitest";
import { frameSequence, sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { ns, us } from "../../sim/time.js";
import { system } from "../support/nic.js";

describe("room on a TX ring is handed out first come, first served", () => {
  test("a jumbo frame waiting for room on an 8-descriptor ring is not overtaken by small frames that arrive behind it", () => {
    const { kernel, top } = system({ "top.driver.base.txRingDescriptors": 8 });
    const driver = top.driver.base;
    const order: number[] = [];
    kernel.process("fill", function* () {
      yield driver.whenReady();
      // Six small frames take six of the seven usable descriptors, and the jumbo one (five) must wait.
      for (let sequence = 0; sequence < 6; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 60), { more: true });
      kernel.process("jumbo", () => driver.transmit(0, sequencedFrame("to-peer", 0, 100, 9000)));
      yield delay(ns(1));
      // Behind it, small frames that would each fit as soon as one descriptor is free.
      for (let sequence = 6; sequence < 12; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 60));
    });
    kernel.run({ until: us(200) });
    for (const frame of top.peer.received) order.push(frameSequence(frame.bytes).sequence);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 100, 6, 7, 8, 9, 10, 11]);
    expect(driver.statistics.ringFullWaits).toBeGreaterThan(0);
  });
});
