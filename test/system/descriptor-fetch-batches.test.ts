/**
 * Descriptor fetches: a queue fetches once half its cache is free (at most a batch; the whole
 * cache with one read tag), or, with sixteen read tags or more, an eighth while eight are spare;
 * not a descriptor for every slot freed.
 */
import { expect, test } from "vitest";
import { runScenario } from "../../system/scenario/run.js";
import { parseScenarioText } from "../../system/scenario/load.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";

/** One customer keyed by hand, four SAs, the given streams (from architects' checks). */
function run(streams: readonly string[], overrides: Record<string, unknown>) {
  const scenario = `
name: fetches
seed: 141
durationMicroseconds: 2000
driver: { cpu: { cores: 8 } }
customers:
  - { name: cB, identity: { type: ID_KEY_ID, value: cB }, sas: 4 }
traffic:
${streams.map((stream) => `  - ${stream}`).join("\n")}
outputs: { waveform: false, pcap: false, html: false, saTrace: false }
`;
  return runScenario(parseScenarioText(scenario, "fetches.yaml", overrides), { directory: null }).summary;
}

/** 1400-byte packets at the line rate one way. */
function lineRateRun(direction: "to-host" | "to-peer", overrides: Record<string, unknown>) {
  return run([`{ name: bulk, customer: cB, direction: ${direction}, packetBytes: 1400, load: 1, pattern: constant }`], overrides);
}

/** 64-, 1400- and 8900-byte packets at a tenth, 0.4 and 0.45 of the line. */
function mixedSizes(direction: "to-host" | "both"): string[] {
  return [
    ["small", 64, 0.1],
    ["mid", 1400, 0.4],
    ["jumbo", 8900, 0.45],
  ].map(([name, bytes, load]) => `{ name: ${name}, customer: cB, direction: ${direction}, packetBytes: ${bytes}, load: ${load}, pattern: constant }`);
}

const gigabits = (summary: ReturnType<typeof run>) => summary.flows.reduce((sum, flow) => sum + flow.gigabitsPerSecond, 0);

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

test("small RX caches over long reads fetch an eighth at a time while read tags are spare: 64-, 1400- and 8900-byte frames to the host in 1024-byte buffers, caches of 12, reads of 500 cycles, take every frame (waiting for half the cache to be free dropped 420, RX_BUFFER_FULL, and held p50 at 116 µs)", () => {
  const summary = run(mixedSizes("to-host"), { "nic.rx.descriptorCache": 12, "nic.dma.readLatency": 500, "driver.base.rxBufferBytes": 1024 });
  expect(summary.outcome).toBe("every packet arrived");
  expect(summary.countedDrops).toBe(0);
  for (const flow of summary.flows) expect(flow.latency.p50).toBeLessThan(15);
  // A fetch for every two descriptors' room (an eighth of 12), where one per slot made 6,267.
  expect(summary.ringChecks!.fetches).toBeLessThan(4_500);
}, 60_000);

test.each([
  ["one read tag, an RX cache of 16, reads of 500 cycles", "to-host", { "nic.dma.maxOutstandingReads": 1, "nic.dma.readLatency": 500, "nic.rx.descriptorCache": 16 }, 23.3],
  ["two read tags, an RX cache of 12, reads of 1,000 cycles", "to-host", { "nic.dma.maxOutstandingReads": 2, "nic.dma.readLatency": 1000, "nic.rx.descriptorCache": 12 }, 23.3],
  // One tag: the whole cache per read (half of it carried 11.0 Gb/s and dropped 932, a second fetch holding half the cache while it waited for the tag).
  ["one read tag, an RX cache of 8, reads of 500 cycles", "to-host", { "nic.dma.maxOutstandingReads": 1, "nic.dma.readLatency": 500, "nic.rx.descriptorCache": 8 }, 21],
] as const)("with few read tags, a small cache's fetches stay large: %s carries the line and drops nothing (fetches of an eighth of the cache carried 11.1 Gb/s and dropped 2,031)", (_, direction, overrides, floor) => {
  const summary = lineRateRun(direction, overrides);
  expect(summary.countedDrops).toBe(0);
  expect(gigabits(summary)).toBeGreaterThan(floor);
}, 60_000);

test.each([
  ["TX, a cache of 8, eight tags, reads of 1,000 cycles", "to-peer", { "nic.dma.maxOutstandingReads": 8, "nic.dma.readLatency": 1000, "nic.tx.descriptorCache": 8 }, 6.75],
  ["TX, a cache of 16, sixteen tags, reads of 1,000 cycles", "to-peer", { "nic.dma.maxOutstandingReads": 16, "nic.dma.readLatency": 1000, "nic.tx.descriptorCache": 16 }, 14.0],
] as const)("where TX's buffer reads hold the tags, small fetches wait for spare ones: %s keeps its throughput (fetching an eighth whatever the tags: 6.28 and 13.50 Gb/s, against 6.76 and 14.02)", (_, direction, overrides, floor) => {
  expect(gigabits(lineRateRun(direction, overrides))).toBeGreaterThan(floor);
}, 60_000);

test("TX and RX sharing sixteen tags, caches of 16, reads of 500 cycles: RX drops nothing (73 dropped, RX_BUFFER_FULL, when small fetches took tags whatever TX's reads needed)", () => {
  const summary = run(mixedSizes("both"), { "nic.tx.descriptorCache": 16, "nic.rx.descriptorCache": 16, "nic.dma.maxOutstandingReads": 16, "nic.dma.readLatency": 500 });
  expect(summary.countedDrops).toBe(0);
  for (const flow of summary.flows.filter((candidate) => candidate.direction === "to-host")) expect(flow.latency.p99).toBeLessThan(30);
}, 60_000);

test("the default run with caches of 8, sixteen tags and reads of 500 cycles: bulk-A to the peer at p50 under 25 µs (61 µs when small fetches took tags whatever TX's reads needed; 19.3 before RX's fetches went ahead of TX's reads, 20.5 since)", () => {
  const summary = runScenario(defaultScenario({ "outputs.waveform": false, "nic.tx.descriptorCache": 8, "nic.rx.descriptorCache": 8, "nic.dma.maxOutstandingReads": 16, "nic.dma.readLatency": 500 }), { directory: null }).summary;
  expect(summary.outcome).toBe("every packet arrived");
  const bulkA = summary.flows.find((flow) => flow.stream === "bulk-A" && flow.direction === "to-peer")!;
  expect(bulkA.latency.p50).toBeLessThan(25);
}, 60_000);

test("just above the tags small fetches need, a tiny cache is not left bunching its fetches as spare tags come and go: 1400-byte frames to the host at 0.8 of the line, an RX cache of 4, nine tags, reads of 500 cycles: none dropped, p50 under 5 µs (28 dropped and 52.8 µs when nine tags allowed small fetches)", () => {
  const summary = lineRateRun("to-host", { "traffic.0.load": 0.8, "nic.dma.maxOutstandingReads": 9, "nic.rx.descriptorCache": 4, "nic.dma.readLatency": 500 });
  expect(summary.countedDrops).toBe(0);
  expect(summary.flows[0]!.latency.p50).toBeLessThan(5);
}, 60_000);

test("a tiny TX cache over plentiful tags keeps several fetches on their way: 1400-byte frames at 0.85 of the line, a TX cache of 4, sixteen tags, reads of 500 cycles: p50 under 10 µs (75 µs when a fetch waiting behind other reads took the slots freed meanwhile, one fetch a round trip)", () => {
  const summary = lineRateRun("to-peer", { "traffic.0.load": 0.85, "nic.dma.maxOutstandingReads": 16, "nic.tx.descriptorCache": 4, "nic.dma.readLatency": 500 });
  expect(summary.flows[0]!.latency.p50).toBeLessThan(10);
  expect(gigabits(summary)).toBeGreaterThan(19.5);
}, 60_000);

test("the default run with TX and RX caches of 4 and reads of 1,000 cycles drops nothing, and bulk-B reaches the host at p50 under 30 µs (13 dropped and 46 µs when a fetch waited for half the cache)", () => {
  const summary = runScenario(defaultScenario({ "outputs.waveform": false, "nic.tx.descriptorCache": 4, "nic.rx.descriptorCache": 4, "nic.dma.readLatency": 1000 }), { directory: null }).summary;
  expect(summary.outcome).toBe("every packet arrived");
  expect(summary.countedDrops).toBe(0);
  const bulkB = summary.flows.find((flow) => flow.stream === "bulk-B" && flow.direction === "to-host")!;
  expect(bulkB.latency.p50).toBeLessThan(30);
}, 60_000);

test("with a batch of one, each fetch takes one descriptor as before: the batch is what a fetch waits to fit", () => {
  const summary = lineRateRun("to-host", { "nic.rx.descriptorBatch": 1 });
  const frames = summary.flows.reduce((sum, flow) => sum + flow.received, 0);
  expect(summary.ringChecks!.fetches).toBeGreaterThan(frames * 0.9);
}, 60_000);
