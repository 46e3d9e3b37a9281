import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { buildScenario, runScenario } from "../../system/scenario/run.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { keyIdPolicy, qosBlock } from "../support/qos-text.js";

/** Gold (class 7) beside bulk both ways, with DMA faults; the QoS policy's two classes by key id. */
function goldBesideBulk(options: { name: string; durationMicroseconds: number; dma: string; cores: number; goldDirection: string }): string {
  return `
name: ${options.name}
durationMicroseconds: ${options.durationMicroseconds}
nic:
  sacache: { txEntries: 1, rxEntries: 1 }
  dma: ${options.dma}
driver:
  cpu: { cores: ${options.cores} }
${qosBlock(keyIdPolicy([["gold", "priority percent 10"], ["bulk", "bandwidth remaining percent 100"]]))}customers:
  - { name: c0, identity: { type: ID_KEY_ID, value: c0 }, sas: 1 }
  - { name: c1, identity: { type: ID_KEY_ID, value: c1 }, sas: 4 }
traffic:
  - { name: gold, customer: c0, direction: ${options.goldDirection}, packetBytes: 64, gapMicroseconds: 2 }
  - { name: bulk, customer: c1, direction: both, packetBytes: 1400, load: 0.4 }
outputs: { waveform: false, html: false, pcap: false, saTrace: false }
`;
}

// From an outside check: one core busy with bulk software ESP, DMA read errors disabling queues. Gold's RX queue faulted at 4 µs and
// was reset only at 423 µs, behind the reset of a queue with no traffic (class 1) that waited for the core behind the bulk; gold lost all 145.
const SCENARIO = goldBesideBulk({ name: "reset-priority", durationMicroseconds: 300, dma: "{ readErrorProbability: 0.02 }", cores: 1, goldDirection: "to-host" });

test.each([
  [8, "0 of 145"],
  [3, "32 of 158"],
])("a queue reset runs its work and its poll at the class of the resets waiting behind it: gold's faulted queue is back within µs, not behind bulk (seed %i; before: %s delivered)", (seed) => {
  const { summary, design } = runScenario(parseScenarioText(SCENARIO, "reset-priority.yaml", { seed }), { directory: null });
  expect(summary.violations).toEqual([]);
  const gold = summary.flows.find((flow) => flow.stream === "gold")!;
  expect(design.top.driver.base.statistics.queueResets).toBeGreaterThan(1);
  // What is lost is what arrives while the queue is down for its reset itself.
  expect(gold.received).toBeGreaterThan(0.85 * gold.sent);
}, 60_000);

/** Gold both ways beside bulk on 2 cores, with read errors and reads that never complete: a queue reset may wait out a lost read (BUSY). */
const BUSY_SCENARIO = goldBesideBulk({ name: "reset-busy", durationMicroseconds: 600, dma: "{ readErrorProbability: 0.03, completionTimeoutProbability: 0.03 }", cores: 2, goldDirection: "both" });

// From an outside check: one reset task, and a reset waiting for its queue's BUSY (up to a completion timeout, 50 µs, for a read that never
// completes) held the resets behind it whatever their class. On these seeds gold's queues were down 50 to 70 µs, longer than a timeout of their own.
test.each([
  [5, "56.8"],
  [13, "70.0"],
  [16, "50.0"],
])("a reset waiting for its queue's BUSY lets a waiting reset of a higher class go first: gold's queues are down under a completion timeout (seed %i; before: %s µs)", (seed) => {
  const { kernel, top } = buildScenario(parseScenarioText(BUSY_SCENARIO, "reset-busy.yaml", { seed }));
  const rings = [...top.nic.tx.queues, ...top.nic.rx.queues].map((queue) => queue.ring);
  const faultedAt = new Map<object, number>();
  const longest = new Map<object, number>();
  // Each ring's faults, from the device disabling it to the driver's enable clearing the fault, looked at every 50 ns.
  kernel.process("fault_probe", function* () {
    for (;;) {
      for (const ring of rings) {
        if (ring.fault !== null && !faultedAt.has(ring)) faultedAt.set(ring, kernel.now);
        if (ring.fault === null && faultedAt.has(ring)) {
          longest.set(ring, Math.max(longest.get(ring) ?? 0, kernel.now - faultedAt.get(ring)!));
          faultedAt.delete(ring);
        }
      }
      yield delay(50_000);
    }
  });
  kernel.run({ until: us(600 + 2000) });
  expect(top.driver.base.statistics.queueResets).toBeGreaterThan(10);
  // The driver knows gold's queue once it has brought the device up.
  const gold = top.driver.base.queueOfClass(7);
  const goldLongest = Math.max(...[top.nic.tx.queues[gold]!.ring, top.nic.rx.queues[gold]!.ring].map((ring) => longest.get(ring) ?? 0));
  expect(goldLongest).toBeGreaterThan(0);
  // A completion timeout is 50 µs: gold waited longer than one of its own only behind another queue's.
  expect(goldLongest).toBeLessThan(us(45));
}, 60_000);
