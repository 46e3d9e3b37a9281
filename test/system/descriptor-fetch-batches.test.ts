/** Descriptor fetches in batches: a queue fetches once a whole batch fits in its cache, not a descriptor for every slot freed. */
import { expect, test } from "vitest";
import { runScenario } from "../../system/scenario/run.js";
import { parseScenarioText } from "../../system/scenario/load.js";

/** One customer keyed by hand, four SAs, 1400-byte packets at the line rate one way (from an architect's check). */
function lineRateRun(direction: "to-host" | "to-peer", overrides: Record<string, unknown>) {
  const scenario = `
name: fetches
seed: 141
durationMicroseconds: 2000
driver: { cpu: { cores: 8 } }
customers:
  - { name: cB, identity: { type: ID_KEY_ID, value: cB }, sas: 4 }
traffic:
  - { name: bulk, customer: cB, direction: ${direction}, packetBytes: 1400, load: 1, pattern: constant }
outputs: { waveform: false, pcap: false, html: false, saTrace: false }
`;
  return runScenario(parseScenarioText(scenario, "fetches.yaml", overrides), { directory: null }).summary;
}

test.each([
  ["one read tag", { "nic.dma.maxOutstandingReads": 1 }],
  ["one read tag and reads of 2,000 cycles", { "nic.dma.maxOutstandingReads": 1, "nic.dma.readLatency": 2000, "traffic.0.load": 0.2 }],
])("RX at the line with %s takes every frame, its descriptors fetched in batches (a read of one descriptor per frame delivered a frame per round trip, and dropped the rest: RX_BUFFER_FULL)", (_, overrides) => {
  const summary = lineRateRun("to-host", overrides);
  expect(summary.outcome).toBe("every packet arrived");
  const frames = summary.flows.reduce((sum, flow) => sum + flow.received, 0);
  expect(frames).toBeGreaterThan(100);
  // Fetches take what the driver has posted since, up to a batch (8): one for every 2 to 5 frames here, where a fetch per frame freed its slot before.
  expect(summary.ringChecks!.fetches).toBeLessThan(frames / 1.5);
}, 60_000);

test("TX at the line with its cache full fetches its descriptors in batches too (2 read tags: a fetch per frame before, 4,239 for 4,183 frames)", () => {
  const summary = lineRateRun("to-peer", { "nic.dma.maxOutstandingReads": 2 });
  expect(summary.outcome).toBe("every packet arrived");
  const frames = summary.flows.reduce((sum, flow) => sum + flow.received, 0);
  expect(summary.ringChecks!.fetches).toBeLessThan(frames / 3);
}, 60_000);

test("with a batch of one, each fetch takes one descriptor as before: the batch is what a fetch waits to fit", () => {
  const summary = lineRateRun("to-host", { "nic.rx.descriptorBatch": 1 });
  const frames = summary.flows.reduce((sum, flow) => sum + flow.received, 0);
  expect(summary.ringChecks!.fetches).toBeGreaterThan(frames * 0.9);
}, 60_000);
