/**
 * A strict class's RX queue fetches its descriptors first, and ahead of the reads waiting for the
 * DMA's tags, as its frames are written first (from an architect's check): with few tags over long
 * reads, the RX queues took turns, idle ones filling their caches among them, behind the TX side's
 * strict reads, and gold to the host lost about half its packets (452 of 984 with eight tags of
 * 1,000 cycles, both ways; 659 of 984 to the host alone with one), while silver and bronze
 * waited less than gold did.
 */
import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

const scenario = (direction: "both" | "to-host") => `name: rx-strict-fetches
seed: 7
durationMicroseconds: 400
nic:
  sacache: { txEntries: 8, rxEntries: 8 }
qos: |
  crypto isakmp profile gold
   match identity group gold
   set ipsec-qos-group 1
  crypto isakmp profile silver
   match identity group silver
   set ipsec-qos-group 2
  crypto isakmp profile bronze
   match identity group bronze
   set ipsec-qos-group 3
  class-map match-any gold
   match qos-group 1
  class-map match-any silver
   match qos-group 2
  class-map match-any bronze
   match qos-group 3
  policy-map edge
   class gold
    priority percent 10
   class silver
    bandwidth percent 50
   class bronze
    bandwidth percent 30
   class class-default
    bandwidth remaining percent 100
customers:
  - { name: gold, identity: { type: ID_KEY_ID, value: gold }, sas: 2 }
  - { name: silver, identity: { type: ID_KEY_ID, value: silver }, sas: 3 }
  - { name: bronze, identity: { type: ID_KEY_ID, value: bronze }, sas: 3 }
traffic:
  - { name: g, customer: gold, direction: ${direction}, packetBytes: 64, load: 0.05 }
  - { name: s, customer: silver, direction: ${direction}, packetBytes: 1400, load: 0.3 }
  - { name: b, customer: bronze, direction: ${direction}, packetBytes: 9000, load: ${direction === "both" ? 0.25 : 0.45} }
outputs: { waveform: false }
`;

test.each([
  ["both ways, eight read tags of 1,000 cycles", "both", { "nic.dma.maxOutstandingReads": 8, "nic.dma.readLatency": 1000 }],
  ["both ways, one read tag", "both", { "nic.dma.maxOutstandingReads": 1 }],
  ["to the host, one read tag of 1,000 cycles", "to-host", { "nic.dma.maxOutstandingReads": 1, "nic.dma.readLatency": 1000, "nic.rx.bufferBytes": 73728 }],
] as const)("gold to the host in its own part of the RX buffer loses nothing and waits microseconds, whatever the bulk classes lose: %s", (_, direction, overrides) => {
  const { summary } = runScenario(parseScenarioText(scenario(direction), "rx-strict-fetches.yaml", { ...overrides, "nic.rx.bufferPartition": "per-class" }), { directory: null });
  const gold = summary.flows.find((flow) => flow.stream === "g" && flow.direction === "to-host")!;
  expect(gold.received).toBeGreaterThan(300);
  expect(gold.lost).toBe(0);
  expect(gold.latency.p99).toBeLessThan(15);
  // The bulk classes, over the same tags, do lose frames here: the case is one where the tags are short.
  expect(summary.countedDrops).toBeGreaterThan(0);
}, 60_000);
