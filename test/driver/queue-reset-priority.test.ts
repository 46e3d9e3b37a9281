import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { keyIdPolicy, qosBlock } from "../support/qos-text.js";

// From an outside check: one core busy with bulk software ESP, DMA read errors disabling queues. Gold's RX queue faulted at 4 µs and
// was reset only at 423 µs, behind the reset of a queue with no traffic (class 1) that waited for the core behind the bulk; gold lost all 145.
const SCENARIO = `
name: reset-priority
seed: 8
durationMicroseconds: 300
nic:
  sacache: { txEntries: 1, rxEntries: 1 }
  dma: { readErrorProbability: 0.02 }
driver:
  cpu: { cores: 1 }
${qosBlock(keyIdPolicy([["gold", "priority percent 10"], ["bulk", "bandwidth remaining percent 100"]]))}customers:
  - { name: c0, identity: { type: ID_KEY_ID, value: c0 }, sas: 1 }
  - { name: c1, identity: { type: ID_KEY_ID, value: c1 }, sas: 4 }
traffic:
  - { name: gold, customer: c0, direction: to-host, packetBytes: 64, gapMicroseconds: 2 }
  - { name: bulk, customer: c1, direction: both, packetBytes: 1400, load: 0.4 }
outputs: { waveform: false, html: false, pcap: false, saTrace: false }
`;

test("queue resets go highest class first, and the one under way is lent the class of those waiting: gold's faulted queue is back within µs, not behind bulk", () => {
  const { summary, design } = runScenario(parseScenarioText(SCENARIO, "reset-priority.yaml"), { directory: null });
  expect(summary.violations).toEqual([]);
  const gold = summary.flows.find((flow) => flow.stream === "gold")!;
  expect(design.top.driver.base.statistics.queueResets).toBeGreaterThan(1);
  // Before: 0 of 145 delivered, every one dropped RX_QUEUE_DISABLED.
  expect(gold.received).toBeGreaterThan(0.9 * gold.sent);
}, 60_000);
