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
