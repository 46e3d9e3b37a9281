import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { read32 } from "../../sim/bytes.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { percentiles } from "../../sim/stats/percentiles.js";
import { tunnelledSystem } from "../support/tunnels.js";

interface Arrival {
  readonly high: boolean;
  readonly bytes: number;
  readonly gapNanoseconds: number;
}

/**
 * Customer 0 (class 0, bulk) and customer 1 (class 7, latency-sensitive) through a slow crypto
 * engine; returns what the peer got, per-SA sequence numbers as seen on the wire, latencies of
 * the high-priority packets, and the engine's counts.
 */
function run(arrivals: readonly Arrival[], policy: string, direction: "tx" | "rx" = "tx", engines = 1) {
  const customers = 8;
  const design = tunnelledSystem(customers, { [`top.nic.crypto_${direction}.policy`]: policy, [`top.nic.crypto_${direction}.bytesPerCycle`]: 2, [`top.nic.crypto_${direction}.engines`]: engines });
  const { kernel, top, peer, atPeer, atHost } = design;
  // The policy map makes class 7 a priority class: its jobs preempt the others' (seed 000).
  top.driver.base.setSchedules(new Map([[7, { strict: true, percent: 0 }]]));
  const wire: Map<number, number[]> = new Map();
  top.wire.tap((_, frame) => {
    const ip = frame.bytes.subarray(14);
    if (ip[9] !== 50) return;
    const esp = ip.subarray((ip[0]! & 0x0f) * 4);
    const spi = read32(esp, 0);
    if (!wire.has(spi)) wire.set(spi, []);
    wire.get(spi)!.push(read32(esp, 4));
  });
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const sink = direction === "tx" ? atPeer : atHost;
  kernel.process("traffic", function* () {
    yield top.driver.base.whenReady();
    // Warm up: one packet each way per customer installs its SAs.
    for (const customer of [0, 7]) {
      if (direction === "tx") yield* top.driver.intermediate.send(sequencedPacket("to-peer", customer, 100_000 + customer, 100));
      else peer.send(customer, sequencedPacket("to-host", customer, 100_000 + customer, 100));
      yield delay(us(20));
    }
    let sequence = 0;
    for (const arrival of arrivals) {
      const customer = arrival.high ? 7 : 0;
      sentAt.set(sequence, kernel.now);
      if (direction === "tx") yield* top.driver.intermediate.send(sequencedPacket("to-peer", customer, sequence++, arrival.bytes));
      else peer.send(customer, sequencedPacket("to-host", customer, sequence++, arrival.bytes));
      yield delay(arrival.gapNanoseconds * 1000);
    }
  });
  const seen = new Set<number>();
  const watch = () => {
    for (const packet of sink) {
      const view = new DataView(packet.buffer, packet.byteOffset + 28);
      const sequence = view.getUint32(1);
      if (seen.has(sequence) || sequence >= 100_000) continue;
      seen.add(sequence);
      if (view.getUint8(0) === 7) latencies.push(kernel.now - sentAt.get(sequence)!);
    }
  };
  kernel.run({ until: us(20_000), stopWhen: () => (watch(), seen.size >= arrivals.length) });
  const engine = direction === "tx" ? top.nic.offload.txCrypto : top.nic.offload.rxCrypto;
  return { top, peer, sink, wire, latencies, engine, counts: engine.counts, delivered: seen.size, customers };
}

const bulkAndSparse: Arrival[] = Array.from({ length: 60 }, (_, index) => (index % 6 === 5 ? { high: true, bytes: 128, gapNanoseconds: 300 } : { high: false, bytes: 1500, gapNanoseconds: 300 }));

describe("the preemptive crypto pipeline", () => {
  test("preempt-resume suspends bulk encryption for high-priority packets; every packet decrypts at the peer; sequence numbers never go backwards per SA", () => {
    const result = run(bulkAndSparse, "preempt-resume");
    expect(result.delivered).toBe(60);
    expect(result.peer.drops.size).toBe(0);
    expect(result.counts.preemptions).toBeGreaterThan(0);
    expect(result.counts.restarts).toBe(0);
    for (const [spi, sequences] of result.wire) expect(sequences, `SPI ${spi}`).toEqual([...sequences].sort((a, b) => a - b));
  });

  test("preemption shortens the high-priority latency against run-to-completion; preempt-restart is also correct", () => {
    const resume = run(bulkAndSparse, "preempt-resume");
    const complete = run(bulkAndSparse, "run-to-completion");
    const restart = run(bulkAndSparse, "preempt-restart");
    expect(complete.counts.preemptions).toBe(0);
    expect(restart.counts.restarts).toBeGreaterThan(0);
    for (const result of [complete, restart]) {
      expect(result.delivered).toBe(60);
      expect(result.peer.drops.size).toBe(0);
    }
    expect(percentiles(resume.latencies).p99).toBeLessThan(percentiles(complete.latencies).p99);
  });

  test("decryption is preemptible too: RX high-priority packets overtake bulk in the engine and every packet verifies", () => {
    const result = run(bulkAndSparse, "preempt-resume", "rx");
    expect(result.delivered).toBe(60);
    expect(result.counts.preemptions).toBeGreaterThan(0);
    expect(result.top.nic.statistics.drops.size).toBe(0);
    expect(result.top.driver.intermediate.counts.hardwareRx).toBeGreaterThan(50);
  });

  test.each(["tx", "rx"] as const)("several engines (%s) share the queue: a free engine takes a high-priority job without preempting, every packet verifies, and per-SA order holds on the wire", (direction) => {
    // 6 Gb/s offered: more than one engine at 2 bytes per cycle does (4 Gb/s), half of what three do.
    const arrivals = bulkAndSparse.map((arrival) => ({ ...arrival, gapNanoseconds: 2000 }));
    const one = run(arrivals, "preempt-resume", direction, 1);
    const three = run(arrivals, "preempt-resume", direction, 3);
    expect(three.delivered).toBe(60);
    expect(three.peer.drops.size).toBe(0);
    expect(three.top.nic.statistics.drops.size).toBe(0);
    // Free engines are taken in order: the load needs two of the three.
    expect(three.engine.engines.map((engine) => engine.counts.jobs > 0)).toEqual([true, true, false]);
    // One engine falls behind and is preempted; three keep up, so a high-priority job finds one free.
    expect(one.counts.preemptions).toBeGreaterThan(0);
    expect(three.counts.preemptions).toBeLessThan(one.counts.preemptions);
    // The typical high-priority packet is faster; the slowest is the first, the same either way.
    expect(percentiles(three.latencies).p50).toBeLessThan(percentiles(one.latencies).p50);
    expect(percentiles(three.latencies).p99).toBeLessThanOrEqual(percentiles(one.latencies).p99);
    if (direction === "tx") for (const [spi, sequences] of three.wire) expect(sequences, `SPI ${spi}`).toEqual([...sequences].sort((a, b) => a - b));
  });

  test("over random arrival patterns, preempted and resumed packets all decrypt and sequence numbers never go backwards", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ high: fc.boolean(), bytes: fc.integer({ min: 60, max: 1500 }), gapNanoseconds: fc.integer({ min: 0, max: 800 }) }), { minLength: 5, maxLength: 30 }),
        fc.constantFrom("preempt-resume", "preempt-restart"),
        fc.integer({ min: 1, max: 3 }),
        (arrivals, policy, engines) => {
          const result = run(arrivals, policy, "tx", engines);
          expect(result.delivered).toBe(arrivals.length);
          expect(result.peer.drops.size).toBe(0);
          for (const sequences of result.wire.values()) expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
        },
      ),
      { numRuns: 12, seed: 6 },
    );
  });
});
