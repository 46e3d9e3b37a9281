import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { keyIdPolicy, qosBlock } from "../support/qos-text.js";

/** Gold and silver both priority classes, with bulk, each way given; `nic` lines under the NIC. */
function scenario(nic: string, direction: "to-host" | "to-peer" = "to-host"): string {
  return `
name: context-slots
seed: 1
durationMicroseconds: 100
nic:
${nic}
${qosBlock(keyIdPolicy([["gold", "priority percent 10"], ["silver", "priority percent 5"], ["bulk", "bandwidth percent 30"]]))}customers:
  - { name: c0, identity: { type: ID_KEY_ID, value: c0 }, sas: 1 }
  - { name: c1, identity: { type: ID_KEY_ID, value: c1 }, sas: 1 }
  - { name: c2, identity: { type: ID_KEY_ID, value: c2 }, sas: 1 }
traffic:
  - { name: gold, customer: c0, direction: ${direction}, packetBytes: 64, load: 0.05 }
  - { name: silver, customer: c1, direction: ${direction}, packetBytes: 9000, load: 0.1 }
  - { name: bulk, customer: c2, direction: ${direction}, packetBytes: 1500, load: 0.5 }
outputs: { waveform: false, html: false, pcap: false, saTrace: false }
`;
}

const slotWarnings = (text: string) => parseScenarioText(text, "context-slots.yaml").warnings.filter((warning) => warning.includes("saves fewer contexts"));

// From an architect's check: with one slot, gold's job waited for silver's (a priority class too) to finish, silver's having suspended bulk's:
// gold's p99 to the host 14.4 µs, 7.1 with four slots, and nothing said why.
test("more priority classes through a direction's crypto engines than an engine saves contexts is warned of at load, at the slots given", () => {
  expect(slotWarnings(scenario("  crypto_rx: { contextSlots: 1 }"))).toEqual([
    expect.stringContaining("context-slots.yaml:6:16: warning: nic.crypto_rx.contextSlots = 1 saves fewer contexts than the 2 priority classes to-host (7, 6) can nest"),
  ]);
  // Enough slots, a store shared by two engines, run to completion, or the other direction's engines: nothing to say.
  expect(slotWarnings(scenario("  crypto_rx: { contextSlots: 2 }"))).toEqual([]);
  expect(slotWarnings(scenario("  crypto_rx: { contextSlots: 1, engines: 2, contextStore: shared }"))).toEqual([]);
  expect(slotWarnings(scenario("  crypto_rx: { contextSlots: 1, policy: run-to-completion }"))).toEqual([]);
  expect(slotWarnings(scenario("  crypto_tx: { contextSlots: 1 }"))).toEqual([]);
  expect(slotWarnings(scenario("  crypto_tx: { contextSlots: 1 }", "to-peer"))).toEqual([expect.stringContaining("nic.crypto_tx.contextSlots = 1 saves fewer contexts than the 2 priority classes to-peer (7, 6)")]);
});
