import { describe, expect, test } from "vitest";
import { container } from "../../../sim/di.js";
import { sequencedFrame } from "../../../sim/packet/test-frames.js";
import { delay } from "../../../sim/process.js";
import { us } from "../../../sim/time.js";
import { MemorySink } from "../../../sim/vcd/sink.js";
import { VcdTracer } from "../../../sim/vcd/tracer.js";
import { DmaEngine } from "../../../hw/dma/engine.js";
import { system } from "../../support/nic.js";
import { PerCycleDmaEngine } from "./per-cycle-dma-engine.js";

/**
 * The whole NIC with its driver, plain frames both ways on four queues, once with the
 * transaction-level DMA engine and once with the per-cycle one in its place: everything the
 * model shows must be the same, signal for signal.
 */
function run(engine: "transaction-level" | "per-cycle", parameters: Record<string, unknown>) {
  const scope = container.createChildContainer();
  if (engine === "per-cycle") scope.register(DmaEngine, { useClass: PerCycleDmaEngine as unknown as typeof DmaEngine });
  const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.txRingDescriptors": 32, "top.driver.base.rxRingDescriptors": 32, ...parameters }, { seed: 3, container: scope });
  const sink = new MemorySink();
  kernel.traceWith(new VcdTracer({ sink }));
  // Descriptor fetches of two (an eighth of a cache of 12): made only while read tags are spare; no buffer here is 32 bytes.
  let smallFetches = 0;
  top.nic.dma.observers.push((request) => {
    if (!request.write && request.length === 32) smallFetches++;
  });
  const base = top.driver.base;
  // Class 6 strict: its queue's descriptor fetches are urgent reads, taken ahead of the others.
  base.setSchedules(new Map([[6, { strict: true, percent: 40 }]]));
  const received: string[] = [];
  top.peer.onReceive = (frame) => received.push(`${frame.time} ${Buffer.from(frame.bytes).toString("hex")}`);
  const sizes = [60, 1500, 9000, 700];
  for (let queue = 0; queue < 4; queue++) {
    kernel.process(`sender${queue}`, function* () {
      yield base.whenReady();
      for (let sequence = 0; sequence < 30; sequence++) {
        yield* base.transmit(queue, sequencedFrame("to-peer", queue * 2, sequence, sizes[(sequence + queue) % sizes.length]!), { more: sequence % 3 !== 2 });
        yield delay(us(0.3));
      }
    });
  }
  kernel.process("peer", function* () {
    yield base.whenReady();
    for (let sequence = 0; sequence < 120; sequence++) {
      top.peer.send(sequencedFrame("to-host", (sequence % 4) * 2, sequence, sizes[sequence % sizes.length]!));
      yield delay(us(0.4));
    }
  });
  kernel.run({ until: us(250) });
  kernel.close();
  return { engine: top.nic.dma.constructor.name, smallFetches, vcd: sink.text(), received, drops: Object.fromEntries(top.nic.statistics.drops), dmaErrors: top.nic.dma.errors.value, bytesRead: top.nic.dma.readBytes.value };
}

describe("the NIC with the transaction-level DMA engine against the per-cycle one", () => {
  test.each([
    ["default link", {}],
    ["read errors, completion timeouts and extra latency", { "top.nic.dma.readErrorProbability": 0.02, "top.nic.dma.completionTimeoutProbability": 0.01, "top.nic.dma.completionTimeout": 800, "top.nic.dma.extraLatencyMaximum": 30 }],
    ["four tags, a narrow link, small read requests and payloads", { "top.nic.dma.maxOutstandingReads": 4, "top.nic.dma.bytesPerCycle": 8, "top.nic.dma.maxReadRequest": 128, "top.nic.dma.maxPayload": 64 }],
    // Small descriptor caches over long reads: fetches of an eighth while tags are spare, decided as the ring engines run.
    ["caches of 12, sixteen tags, reads of 400 cycles", { "top.nic.tx.descriptorCache": 12, "top.nic.rx.descriptorCache": 12, "top.nic.dma.maxOutstandingReads": 16, "top.nic.dma.readLatency": 400 }],
  ] as const)("%s: the same waveform, frames and drops", (_, parameters) => {
    const fast = run("transaction-level", parameters);
    const oracle = run("per-cycle", parameters);
    expect([fast.engine, oracle.engine]).toEqual(["DmaEngine", "PerCycleDmaEngine"]);
    expect(fast.bytesRead).toBeGreaterThan(100_000);
    if ("top.nic.dma.readErrorProbability" in parameters) expect(fast.dmaErrors).toBeGreaterThan(0);
    if ("top.nic.tx.descriptorCache" in parameters) expect(fast.smallFetches).toBeGreaterThan(0);
    expect(fast.smallFetches).toBe(oracle.smallFetches);
    expect(fast.received.length).toBeGreaterThan(20);
    expect(fast.received).toEqual(oracle.received);
    expect(fast.drops).toEqual(oracle.drops);
    expect(fast.dmaErrors).toBe(oracle.dmaErrors);
    // Compared as text only when they differ would hide nothing; toBe on megabytes prints too much.
    expect(fast.vcd === oracle.vcd, "waveforms equal").toBe(true);
  }, 60_000);
});
