/**
 * RX descriptor fetches go ahead of TX's reads in the DMA (hw/dma/read-urgency.ts), as a frame
 * finding no descriptor waits in the RX buffer, which drops what overflows it (from an
 * architect's check): with one read tag, a strict class to the peer and 9000-byte bulk to the
 * peer, silver's RX fetches waited about 50 µs behind
 * two jumbo frames' pieces and gold's reads, and silver to the host waited 58 µs at the median,
 * 152 at p99, in 600 µs (39 frames dropped, RX_BUFFER_FULL, in 2 ms).
 */
import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { keyIdPolicy, qosBlock } from "../support/qos-text.js";

const scenario = `name: rx-fetches-first
seed: 2
durationMicroseconds: 600
nic:
  sacache: { txEntries: 64, rxEntries: 64 }
  dma: { maxOutstandingReads: 1 }
driver:
  cpu: { cores: 8 }
${qosBlock(keyIdPolicy([["gold", "priority percent 10"], ["silver", "bandwidth percent 40"], ["bronze", "bandwidth percent 20"]]))}customers:
  - { name: c0, identity: { type: ID_KEY_ID, value: c0 }, sas: 2 }
  - { name: c1, identity: { type: ID_KEY_ID, value: c1 }, sas: 4 }
  - { name: c2, identity: { type: ID_KEY_ID, value: c2 }, sas: 4 }
traffic:
  - { name: gold-s, customer: c0, direction: to-peer, packetBytes: 64, load: 0.02 }
  - { name: gold-l, customer: c0, direction: to-peer, packetBytes: 1400, load: 0.03 }
  - { name: silver-s, customer: c1, direction: to-host, packetBytes: 64, load: 0.05 }
  - { name: silver-j, customer: c1, direction: to-host, packetBytes: 9000, load: 0.25 }
  - { name: bronze-j, customer: c2, direction: to-peer, packetBytes: 9000, load: 0.25 }
outputs: { waveform: false }
`;

test("with one read tag, RX descriptor fetches pass the TX reads waiting for it: silver to the host, beside a strict class and jumbo bulk to the peer, waits microseconds", () => {
  const { summary } = runScenario(parseScenarioText(scenario, "rx-fetches-first.yaml"), { directory: null });
  const silver = summary.classes.find((entry) => entry.direction === "to-host" && entry.trafficClass === 6)!;
  expect(silver.received).toBeGreaterThan(600);
  for (const flow of summary.flows.filter((entry) => entry.direction === "to-host")) expect(flow.lost, flow.stream).toBe(0);
  expect(summary.countedDrops).toBe(0);
  expect(silver.latency.p50).toBeLessThan(10);
  expect(silver.latency.p99).toBeLessThan(30);
  // The DMA is short here: bronze's jumbo frames to the peer wait for the tag, so the case is one where the reads compete.
  const bronze = summary.classes.find((entry) => entry.direction === "to-peer" && entry.trafficClass === 5)!;
  expect(bronze.latency.p50).toBeGreaterThan(100);
}, 60_000);

const classes = keyIdPolicy([["gold", "priority percent 20"], ["silver", "bandwidth percent 40"], ["bronze", "bandwidth percent 20"]]);
const customers = `customers:
  - { name: c0, identity: { type: ID_KEY_ID, value: c0 }, sas: 2 }
  - { name: c1, identity: { type: ID_KEY_ID, value: c1 }, sas: 4 }
  - { name: c2, identity: { type: ID_KEY_ID, value: c2 }, sas: 4 }
`;
const classOf = (summary: ReturnType<typeof runScenario>["summary"], trafficClass: number, direction: "to-host" | "to-peer") => summary.classes.find((entry) => entry.trafficClass === trafficClass && entry.direction === direction)!;

// From an outside check: a ring no larger than the cache left half the cache always free, and each of the driver's refills made a fetch of one to three descriptors, ahead of TX's reads: bronze to the peer got nothing in traffic.
test("an RX ring smaller than the RX cache: fetches wait for the host to hold a due fetch's descriptors (HTHRESH), and TX beside them still carries its share", () => {
  const text = `name: ring-below-cache
seed: 2
durationMicroseconds: 800
nic:
  dma: { maxOutstandingReads: 1, readLatency: 500 }
driver:
  cpu: { cores: 8 }
  base: { rxRingDescriptors: 32 }
${qosBlock(classes)}${customers}traffic:
  - { name: silver-m, customer: c1, direction: to-host, packetBytes: 1400, load: 0.1 }
  - { name: silver-j, customer: c1, direction: to-host, packetBytes: 9000, load: 0.15 }
  - { name: bronze-j, customer: c2, direction: to-peer, packetBytes: 9000, load: 0.3 }
outputs: { waveform: false }
`;
  const { summary } = runScenario(parseScenarioText(text, "ring-below-cache.yaml"), { directory: null });
  expect(summary.countedDrops).toBe(0);
  expect(classOf(summary, 5, "to-peer").gigabitsPerSecondInTraffic).toBeGreaterThan(0.5);
  // Each fetch takes a due fetch's eight, or a frame's rest: not one per refill.
  const received = summary.flows.filter((flow) => flow.direction === "to-host").reduce((sum, flow) => sum + flow.received, 0);
  expect(summary.ringChecks!.fetches).toBeLessThan(received);
}, 60_000);

// From the same check: a strict class's RX fetches, at its own urgency, waited behind its own 9000-byte TX frames' pieces: gold's p99 to the host 2.3 µs alone, 111 beside them.
test("a strict class's RX fetches go ahead of its own TX reads: gold to the host waits microseconds beside gold's jumbo frames to the peer over one tag", () => {
  const text = `name: strict-rx-beside-its-tx
seed: 2
durationMicroseconds: 1500
nic:
  dma: { maxOutstandingReads: 1, readLatency: 1000 }
driver:
  cpu: { cores: 8 }
${qosBlock(classes)}${customers}traffic:
  - { name: gold-h, customer: c0, direction: to-host, packetBytes: 64, load: 0.02 }
  - { name: gold-p, customer: c0, direction: to-peer, packetBytes: 9000, load: 0.02 }
outputs: { waveform: false }
`;
  const { summary } = runScenario(parseScenarioText(text, "strict-rx-beside-its-tx.yaml"), { directory: null });
  expect(summary.countedDrops).toBe(0);
  expect(classOf(summary, 7, "to-host").latency.p99).toBeLessThan(10);
  expect(classOf(summary, 7, "to-peer").received).toBeGreaterThan(5);
}, 60_000);
