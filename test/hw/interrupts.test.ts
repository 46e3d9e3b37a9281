import { describe, expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { system } from "../support/nic.js";

/** The peer sends `count` frames to queue 0, one every `spacing`; returns the times vector 0 fired. */
function receiveSpaced(parameters: Record<string, unknown>, count: number, spacing: number) {
  const { kernel, top } = system({ "top.nic.queues": 1, ...parameters });
  const driver = top.driver.base;
  const fired: number[] = [];
  kernel.process("monitor", function* () {
    for (;;) {
      yield top.nic.interrupt(0);
      fired.push(kernel.now);
    }
  });
  kernel.process("peer-traffic", function* () {
    yield driver.whenReady();
    yield delay(us(20));
    for (let sequence = 0; sequence < count; sequence++) {
      top.peer.send(sequencedFrame("to-host", 0, sequence, 200));
      yield delay(spacing);
    }
  });
  kernel.run({ until: us(20) + count * spacing + us(200) });
  expect(driver.received).toHaveLength(count);
  expect(driver.statistics.interrupts[0]).toBe(fired.length);
  return { fired, driver, top };
}

describe("interrupt moderation", () => {
  test("without moderation every frame gets its own interrupt when the driver keeps up", () => {
    const { fired } = receiveSpaced({}, 40, us(5));
    expect(fired).toHaveLength(40);
  });

  test("a packet threshold of 8 gives one interrupt per 8 frames, after the first at once", () => {
    // The first frame's interrupt has no previous one to wait EITR after; then one per 8 frames.
    const { fired, driver } = receiveSpaced({ "top.driver.base.interruptPacketThreshold": 8, "top.driver.base.interruptIntervalNanoseconds": 10_000_000 }, 1 + 64, us(2));
    expect(fired).toHaveLength(1 + 8);
    // Long before EITR (10 ms) could run out.
    expect(fired[0]).toBeLessThan(us(30));
    expect(driver.statistics.polls).toBe(1 + 8);
  });

  test("an interval of 10 us spaces interrupts at least 10 us apart, each covering the frames since the last", () => {
    const { fired } = receiveSpaced({ "top.driver.base.interruptIntervalNanoseconds": 10_000 }, 100, us(1));
    const gaps = fired.slice(1).map((time, index) => time - fired[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(us(10));
    // 100 frames over 99 us: the first at once, then one per 10 us until the last frame is covered.
    expect(fired).toHaveLength(11);
  });

  test("interval and threshold together: the threshold fires early within the interval", () => {
    // The first frame's at once, then one per 4 frames, each well within the 50 us interval.
    const { fired } = receiveSpaced({ "top.driver.base.interruptIntervalNanoseconds": 50_000, "top.driver.base.interruptPacketThreshold": 4 }, 1 + 40, us(1));
    expect(fired).toHaveLength(1 + 10);
    expect(fired[fired.length - 1]! - fired[0]!).toBeLessThan(us(50));
  });

  test("a masked vector does not fire; unmasking with a cause pending fires at once", () => {
    const { kernel, top } = system({ "top.nic.queues": 1 });
    const fired: number[] = [];
    kernel.process("monitor", function* () {
      for (;;) {
        yield top.nic.interrupt(0);
        fired.push(kernel.now);
      }
    });
    kernel.process("test", function* () {
      const bus = top.driver.base.bus;
      yield top.driver.base.whenReady();
      yield delay(us(5));
      bus.mmioWrite(0x010c, 0xffffffff); // IMC: mask everything
      bus.mmioWrite(0x0104, 1); // ICS: raise TX_DONE of queue 0 by software
      yield delay(us(5));
      expect(fired).toHaveLength(0);
      expect((yield bus.mmioRead(0x0100)) as number).toBe(1); // ICR shows it pending
      bus.mmioWrite(0x0108, 1); // IMS: unmask
      yield delay(us(2));
      expect(fired).toHaveLength(1);
    });
    kernel.run({ until: us(30) });
    expect(fired).toHaveLength(1);
  });
});

describe("an interrupt storm (every cause stuck asserted)", () => {
  test("vectors fire at every unmask as EITR allows, the driver polls for nothing, and every frame still arrives once, in order", () => {
    const run = (storm: boolean) => {
      const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.interruptIntervalNanoseconds": 500 });
      const driver = top.driver.base;
      kernel.process("traffic", function* () {
        yield driver.whenReady();
        if (storm) top.nic.interrupts.storm(kernel.now + us(30));
        for (let sequence = 0; sequence < 60; sequence++) {
          top.peer.send(sequencedFrame("to-host", sequence % 2, sequence, 300));
          yield* driver.transmit(sequence % 2, sequencedFrame("to-peer", sequence % 2, sequence, 300));
          yield delay(us(0.5));
        }
      });
      kernel.run({ until: us(120) });
      return { top, driver };
    };
    const calm = run(false);
    const stormy = run(true);
    const fired = (top: typeof calm.top) => top.nic.interrupts.fired.reduce((sum, count) => sum + count, 0);
    // Each vector fires again as soon as the driver's poll unmasks it: the poll's round trip (about 1.4 µs), not EITR, sets the pace.
    expect(fired(stormy.top)).toBeGreaterThan(fired(calm.top));
    expect(calm.driver.statistics.errorInterrupts).toBe(0);
    expect(stormy.driver.statistics.errorInterrupts).toBeGreaterThanOrEqual(15);
    expect(stormy.driver.deviceErrors).toEqual([]);
    expect(stormy.driver.received.map((frame) => frame.bytes)).toEqual(calm.driver.received.map((frame) => frame.bytes));
    expect(stormy.top.peer.received.map((frame) => frame.bytes)).toEqual(calm.top.peer.received.map((frame) => frame.bytes));
    expect(stormy.driver.received).toHaveLength(60);
  });
});

describe("interrupt cause bits the device does not have", () => {
  test("IMS and ICS keep only the causes of the device's queues and ERROR: the others read 0 in IMS and ICR, and none stays pending with no vector to fire it (they read back as written)", () => {
    const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.queues": 2 });
    const bus = top.driver.base.bus;
    const existing = R.causeTxDone(0) | R.causeTxDone(1) | R.causeRxDone(0) | R.causeRxDone(1) | R.CAUSE_ERROR;
    let mask = -1;
    let cause = -1;
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      bus.mmioWrite(R.IMS, 0xffffffff);
      mask = (yield bus.mmioRead(R.IMS)) as number;
      // Queue 7's TX_DONE and the bits no cause holds (16 to 30), with every cause masked so that none fires.
      bus.mmioWrite(R.IMC, 0xffffffff);
      bus.mmioWrite(R.ICS, (R.causeTxDone(7) | 0x7fff0000) >>> 0);
      cause = (yield bus.mmioRead(R.ICR)) as number;
    });
    kernel.run({ until: us(20) });
    expect(mask >>> 0).toBe(existing >>> 0);
    expect(cause & ~existing).toBe(0);
    expect(top.nic.diagnostics).toEqual([]);
  });
});
