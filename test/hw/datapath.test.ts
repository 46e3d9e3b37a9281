import { describe, expect, test } from "vitest";
import { sequencedFrame, frameSequence } from "../../sim/packet/test-frames.js";
import { ns, us } from "../../sim/time.js";
import { delay } from "../../sim/process.js";
import { byClass, firstDifference, system } from "../support/nic.js";
import * as R from "../../hw/spec/registers.js";

const SIZES = [60, 1514, 9000];

describe("transmit", () => {
  test("60, 1514 and 9000-byte frames on all 8 queues reach the peer byte-exact and in order per queue", () => {
    const { kernel, top } = system();
    const driver = top.driver.base;
    const sent = new Map<number, Uint8Array[]>();
    kernel.process("app", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 30; sequence++) {
        for (let queue = 0; queue < 8; queue++) {
          const frame = sequencedFrame("to-peer", queue, sequence, SIZES[(sequence + queue) % 3]!);
          if (!sent.has(queue)) sent.set(queue, []);
          sent.get(queue)!.push(frame);
          // Several frames per doorbell, and the last one of each queue rung.
          yield* driver.transmit(queue, frame, { more: sequence % 5 !== 4 && sequence !== 29 });
        }
      }
    });
    kernel.run({ until: us(2000) });
    const received = byClass(top.peer.received.map((frame) => frame.bytes));
    expect([...received.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [queue, frames] of sent) {
      const got = received.get(queue)!;
      expect(got.length, `queue ${queue}`).toBe(frames.length);
      got.forEach((frame, index) => expect(firstDifference(frame, frames[index]!), `queue ${queue} frame ${index}`).toBeNull());
    }
    const statistics = top.nic.statistics;
    expect(statistics.txPackets).toEqual(new Array(8).fill(30));
    expect(statistics.txBytes.reduce((a, b) => a + b)).toBe([...sent.values()].flat().reduce((sum, frame) => sum + frame.length, 0));
    expect(top.nic.diagnostics).toEqual([]);
    // All completions reaped: every ring is empty again.
    for (let queue = 0; queue < 8; queue++) expect(driver.inFlight(queue)).toBe(0);
  });

  test("TQBC counts a short frame as the line carries it, padded to 60 bytes, as tx_frame_length draws it", () => {
    const { kernel, top } = system();
    const driver = top.driver.base;
    const lengths = [14, 59, 60, 61];
    kernel.process("app", function* () {
      yield driver.whenReady();
      // Frames cut short of a UDP packet: the MAC sends what it is given, padded.
      for (const [sequence, length] of lengths.entries()) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 61).slice(0, length));
    });
    kernel.run({ until: us(50) });
    expect(top.peer.received.map((frame) => frame.bytes.length)).toEqual([60, 60, 60, 61]);
    expect(top.nic.statistics.txPackets[0]).toBe(4);
    expect(top.nic.statistics.txBytes[0]).toBe(60 + 60 + 60 + 61);
    expect(top.nic.diagnostics).toEqual([]);
  });

  test("back-to-back 60-byte frames leave at exactly the line rate: one every 26.88 ns at 25 Gb/s", () => {
    const { kernel, top } = system({ "top.driver.base.postNanoseconds": 0, "top.driver.base.copyBytesPerNanosecond": 1000 });
    const driver = top.driver.base;
    kernel.process("app", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 400; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 60), { more: true });
      driver.ringDoorbell(0);
    });
    kernel.run({ until: us(200) });
    const times = top.peer.received.map((frame) => frame.time);
    expect(times.length).toBe(400);
    // 60 bytes + 4 FCS + 8 preamble + 12 gap = 84 bytes = 672 bits = 26.88 ns at 25 Gb/s.
    const gaps = times.slice(201).map((time, index) => time - times[200 + index]!);
    expect(new Set(gaps)).toEqual(new Set([26880]));
  });

  test("a full TX ring back-pressures the sender without losing a frame", () => {
    const { kernel, top } = system({ "top.driver.base.txRingDescriptors": 16, "top.nic.queues": 2 });
    const driver = top.driver.base;
    let posted = 0;
    kernel.process("app", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 500; sequence++) {
        yield* driver.transmit(1, sequencedFrame("to-peer", 4, sequence, 1514), { trafficClass: 4 });
        posted++;
      }
    });
    kernel.run({ until: us(2000) });
    expect(posted).toBe(500);
    expect(driver.statistics.ringFullWaits).toBeGreaterThan(0);
    const sequences = top.peer.received.map((frame) => frameSequence(frame.bytes).sequence);
    expect(sequences).toEqual([...Array(500).keys()]);
  });
});

describe("receive", () => {
  test("frames from the peer reach the driver byte-exact, on the queue of their class, in order", () => {
    const { kernel, top } = system();
    const driver = top.driver.base;
    const sent: Uint8Array[] = [];
    kernel.process("peer-traffic", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 24; sequence++) {
        for (let trafficClass = 0; trafficClass < 8; trafficClass++) {
          const frame = sequencedFrame("to-host", trafficClass, sequence, SIZES[(sequence * 3 + trafficClass) % 3]!);
          sent.push(frame);
          top.peer.send(frame);
        }
      }
    });
    kernel.run({ until: us(2000) });
    expect(driver.received.length).toBe(sent.length);
    for (const frame of driver.received) expect(frame.queue).toBe(frameSequence(frame.bytes).trafficClass);
    const expected = byClass(sent);
    const got = byClass(driver.received.map((frame) => frame.bytes));
    for (const [trafficClass, frames] of expected) {
      got.get(trafficClass)!.forEach((frame, index) => expect(firstDifference(frame, frames[index]!), `class ${trafficClass} frame ${index}`).toBeNull());
    }
    expect(top.nic.statistics.rxPackets).toEqual(new Array(8).fill(24));
  });

  test("a slow driver fills its RX ring; the NIC holds frames in its buffer and loses none", () => {
    const { kernel, top } = system({
      "top.nic.queues": 1,
      "top.driver.base.rxRingDescriptors": 32,
      "top.driver.base.napiBudget": 4,
      "top.driver.base.cleanNanoseconds": 1500,
    });
    const driver = top.driver.base;
    kernel.process("peer-traffic", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 150; sequence++) top.peer.send(sequencedFrame("to-host", 0, sequence, 1514));
    });
    let peak = 0;
    kernel.process("watch", function* () {
      for (;;) {
        yield delay(ns(200));
        peak = Math.max(peak, top.nic.rx.bufferUsed.value);
      }
    });
    kernel.run({ until: us(1000) });
    expect(peak).toBeGreaterThan(32 * 1514);
    expect(driver.received.map((frame) => frameSequence(frame.bytes).sequence)).toEqual([...Array(150).keys()]);
    expect(top.nic.statistics.drops.size).toBe(0);
    expect(driver.statistics.budgetExhausted).toBeGreaterThan(0);
  });

  test("when the RX buffer overflows, frames are dropped and counted by reason and in RQDPC", () => {
    const { kernel, top } = system({
      "top.nic.queues": 1,
      "top.nic.rx.bufferBytes": 16384,
      "top.driver.base.rxRingDescriptors": 16,
      "top.driver.base.cleanNanoseconds": 2000,
    });
    const driver = top.driver.base;
    let rqdpc = -1;
    kernel.process("peer-traffic", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < 100; sequence++) top.peer.send(sequencedFrame("to-host", 0, sequence, 1514));
      yield delay(us(900));
      rqdpc = (yield driver.bus.mmioRead(R.RQDPC(0))) as number;
    });
    kernel.run({ until: us(1000) });
    const dropped = top.nic.statistics.drops.get("RX_BUFFER_FULL") ?? 0;
    expect(dropped).toBeGreaterThan(0);
    expect(rqdpc).toBe(dropped);
    expect(driver.received.length + dropped).toBe(100);
    const sequences = driver.received.map((frame) => frameSequence(frame.bytes).sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  });
});

describe("rings wrap", () => {
  test("several thousand frames each way through 64-descriptor rings", () => {
    const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.txRingDescriptors": 64, "top.driver.base.rxRingDescriptors": 64 });
    const driver = top.driver.base;
    driver.keepReceived = false;
    top.peer.keepReceived = false;
    const count = 3000;
    const toPeer: number[][] = [[], []];
    const toHost: number[][] = [[], []];
    top.peer.onReceive = (frame) => {
      const { trafficClass, sequence } = frameSequence(frame.bytes);
      toPeer[trafficClass >> 2]!.push(sequence);
    };
    driver.onReceive = (frame) => {
      toHost[frame.queue]!.push(frameSequence(frame.bytes).sequence);
    };
    kernel.process("host-traffic", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < count; sequence++) {
        yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 60 + (sequence % 200)));
        yield* driver.transmit(1, sequencedFrame("to-peer", 4, sequence, 60 + (sequence % 300)));
      }
    });
    kernel.process("peer-traffic", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < count; sequence++) {
        top.peer.send(sequencedFrame("to-host", 0, sequence, 60 + (sequence % 100)));
        top.peer.send(sequencedFrame("to-host", 7, sequence, 200));
        yield delay(ns(120));
      }
    });
    kernel.run({ until: us(3000) });
    const all = [...Array(count).keys()];
    expect(toPeer[0]).toEqual(all);
    expect(toPeer[1]).toEqual(all);
    expect(toHost[0]).toEqual(all);
    expect(toHost[1]).toEqual(all);
    // 3000 frames through 64 slots: both rings went round 46 times and ended where the count says.
    expect(top.nic.tx.ring(0).head).toBe(count % 64);
    expect(top.nic.rx.ring(1).head).toBe(count % 64);
    expect(top.nic.diagnostics).toEqual([]);
  });
});
