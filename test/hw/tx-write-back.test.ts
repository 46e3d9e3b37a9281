import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { us } from "../../sim/time.js";
import { system } from "../support/nic.js";
import * as R from "../../hw/spec/registers.js";
import { DESCRIPTOR_BYTES, TX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import { delay } from "../../sim/process.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

interface Write {
  readonly time: number;
  readonly address: number;
  readonly length: number;
}

/** Send `frames` frames of `length` bytes on queue 0 and record every DMA write into its TX ring. */
function sendAndWatch(frames: number, parameters: Record<string, number>, length = 60) {
  const { kernel, top } = system({ "top.nic.queues": 1, ...parameters });
  const driver = top.driver.base;
  const writes: Write[] = [];
  kernel.process("app", function* () {
    yield driver.whenReady();
    const ring = driver.pair(0).tx;
    const end = ring.base + ring.lengthBytes;
    top.nic.dma.observers.push((request) => {
      if (request.write && request.address >= ring.base && request.address < end) writes.push({ time: kernel.now, address: request.address, length: request.length });
    });
    for (let sequence = 0; sequence < frames; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, length), { more: sequence + 1 < frames });
  });
  kernel.run({ until: us(400) });
  return { top, driver, writes, ring: driver.pair(0).tx };
}

describe("TX descriptor write-back coalescing (TXDCTL.WTHRESH)", () => {
  test("off (0): one STATUS/ERROR write per frame's RS descriptor", () => {
    const { driver, writes, top } = sendAndWatch(64, {});
    expect(top.peer.received.length).toBe(64);
    expect(driver.pair(0).tx.reapedCount).toBe(64);
    expect(writes.length).toBe(64);
    expect(new Set(writes.map((write) => write.length))).toEqual(new Set([TX_WRITE_BACK.bytes]));
  });

  test("8: the device gathers eight done descriptors and writes them back whole in one burst", () => {
    const { driver, writes, top, ring } = sendAndWatch(64, { "top.driver.base.txWriteBackThreshold": 8 });
    expect(top.peer.received.length).toBe(64);
    expect(driver.pair(0).tx.reapedCount).toBe(64);
    expect(writes.length).toBe(8);
    for (const [index, write] of writes.entries()) {
      expect(write.length).toBe(8 * DESCRIPTOR_BYTES);
      expect(write.address).toBe(ring.base + index * 8 * DESCRIPTOR_BYTES);
    }
    expect(top.nic.diagnostics).toEqual([]);
  });

  test("the driver reads back the threshold it wrote in TXDCTL", () => {
    const { top } = sendAndWatch(1, { "top.driver.base.txWriteBackThreshold": 5 });
    const value = top.nic.registers.read(R.TXDCTL(0));
    expect(R.TX_QUEUE_CONTROL_FIELDS.WTHRESH.get(value)).toBe(5);
    expect(R.TX_QUEUE_CONTROL_FIELDS.ENABLE.get(value)).toBe(1);
  });

  test("fewer done descriptors than the threshold are written back once the oldest has waited writeBackDelay", () => {
    const delayCycles = 400;
    const { top, writes, driver } = sendAndWatch(3, { "top.driver.base.txWriteBackThreshold": 16, "top.nic.tx.writeBackDelay": delayCycles });
    expect(top.peer.received.length).toBe(3);
    expect(writes.length).toBe(1);
    expect(writes[0]!.length).toBe(3 * DESCRIPTOR_BYTES);
    expect(driver.pair(0).tx.reapedCount).toBe(3);
    // The first frame went to the MAC some cycles before it reached the peer; the burst waits the delay after that.
    const firstArrival = top.peer.received[0]!.time;
    const period = top.nic.coreClock.period;
    expect(writes[0]!.time).toBeGreaterThan(firstArrival + (delayCycles - 100) * period);
    expect(writes[0]!.time).toBeLessThanOrEqual(firstArrival + delayCycles * period);
  });

  test("waiting write-backs keep TXDCTL.BUSY set; disabling the queue writes them back and BUSY clears", () => {
    const { top, writes, driver } = sendAndWatch(3, { "top.driver.base.txWriteBackThreshold": 16, "top.nic.tx.writeBackDelay": 1_000_000 });
    const busy = () => R.TX_QUEUE_CONTROL_FIELDS.BUSY.get(top.nic.registers.read(R.TXDCTL(0)));
    expect(top.peer.received.length).toBe(3);
    expect(writes.length).toBe(0);
    expect(driver.pair(0).tx.reapedCount).toBe(0);
    expect(busy()).toBe(1);
    top.nic.registers.write(R.TXDCTL(0), 0);
    top.kernel.run({ until: top.kernel.now + us(5) });
    expect(writes.length).toBe(1);
    expect(busy()).toBe(0);
    // The write-back's TX_DONE interrupt lets the driver reap all three.
    expect(driver.pair(0).tx.reapedCount).toBe(3);
  });

  test("at the ring's end a burst splits in two writes, neither past the ring; jumbo frames' several descriptors all come back", () => {
    const { top, writes, ring, driver } = sendAndWatch(40, { "top.driver.base.txWriteBackThreshold": 6, "top.driver.base.txRingDescriptors": 16 }, 5000);
    expect(top.peer.received.length).toBe(40);
    expect(driver.pair(0).tx.reapedCount).toBe(40);
    const end = ring.base + ring.lengthBytes;
    for (const write of writes) expect(write.address + write.length).toBeLessThanOrEqual(end);
    expect(writes.some((write) => write.address + write.length === end)).toBe(true);
    expect(writes.some((write) => write.length < 6 * DESCRIPTOR_BYTES)).toBe(true);
    // Every descriptor the frames took (three per 5000-byte frame) was written back once.
    expect(writes.reduce((sum, write) => sum + write.length, 0)).toBe(40 * 3 * DESCRIPTOR_BYTES);
  });

  test("a frame that finishes after its queue was disabled is written back at once, so BUSY clears", () => {
    const { kernel, top } = system({ "top.nic.queues": 1, "top.driver.base.txWriteBackThreshold": 16, "top.nic.tx.writeBackDelay": 1_000_000_000, "top.nic.dma.bytesPerCycle": 1 });
    const driver = top.driver.base;
    const busy = () => R.TX_QUEUE_CONTROL_FIELDS.BUSY.get(top.nic.registers.read(R.TXDCTL(0)));
    kernel.process("app", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 3; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 1500), { more: sequence < 2 });
      // Disabled while its frames' buffers are still being read, with WTHRESH kept.
      while (top.nic.tx.framesReading.value < 3) yield delay(us(0.1));
      top.nic.registers.write(R.TXDCTL(0), R.TX_QUEUE_CONTROL_FIELDS.pack({ ENABLE: 0, WTHRESH: 16 }));
    });
    kernel.run({ until: us(60) });
    expect(top.peer.received.length).toBe(3);
    expect(top.nic.registers.read(R.TXDCTL(0)) & R.QUEUE_ENABLE).toBe(0);
    expect(busy()).toBe(0);
    expect(driver.pair(0).tx.reapedCount).toBe(3);
  });

  test("a new WTHRESH written to an enabled queue writes back what waits under the old one", () => {
    const { top, writes, driver } = sendAndWatch(3, { "top.driver.base.txWriteBackThreshold": 16, "top.nic.tx.writeBackDelay": 1_000_000_000 });
    expect(writes.length).toBe(0);
    top.nic.registers.write(R.TXDCTL(0), R.TX_QUEUE_CONTROL_FIELDS.pack({ ENABLE: 1, WTHRESH: 0 }));
    top.kernel.run({ until: top.kernel.now + us(5) });
    expect(writes.length).toBe(1);
    expect(driver.pair(0).tx.reapedCount).toBe(3);
  });

  test("a scenario with WTHRESH 8, and with 8-descriptor rings, passes its scoreboards and ring checks: every packet arrives", () => {
    for (const overrides of [{ "driver.base.txWriteBackThreshold": 8 }, { "driver.base.txWriteBackThreshold": 8, "driver.base.txRingDescriptors": 8, "driver.base.rxRingDescriptors": 8 }]) {
      const { summary } = runScenario(defaultScenario({ ...overrides, durationMicroseconds: 200, "outputs.waveform": false }), { directory: null });
      expect(summary.violations, JSON.stringify(overrides)).toEqual([]);
      expect(summary.outcome, JSON.stringify(overrides)).toBe("every packet arrived");
    }
  }, 60_000);
});
