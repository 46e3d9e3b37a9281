import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/** Gold's voice and a bulk customer of `bulkSas` SAs on one core: each bulk SA's first packet asks for an install. */
function goldP99(bulkSas: number): Record<string, number> {
  const scenario: ScenarioInput = {
    name: "installs",
    seed: 1,
    durationMicroseconds: 300,
    qos: [
      "crypto isakmp profile gold",
      " match identity host domain gold.example",
      " set ipsec-qos-group 1",
      "crypto isakmp profile bulk",
      " match identity host domain bulk.example",
      " set ipsec-qos-group 2",
      "class-map match-any gold",
      " match qos-group 1",
      "class-map match-any bulk",
      " match qos-group 2",
      "policy-map edge",
      " class gold",
      "  priority percent 10",
      " class bulk",
      "  bandwidth percent 50",
      " class class-default",
      "  bandwidth remaining percent 100",
      "",
    ].join("\n"),
    driver: { cpu: { cores: 1 } },
    customers: [
      { name: "gold", identity: { type: "ID_FQDN", value: "gw.gold.example" }, sas: 1 },
      { name: "bulk", identity: { type: "ID_FQDN", value: "gw.bulk.example" }, sas: bulkSas },
    ],
    traffic: [
      { name: "voice", customer: "gold", direction: "both", packetBytes: 128, gapMicroseconds: 4 },
      { name: "bulk", customer: "bulk", direction: "both", packetBytes: 1400, load: 0.4 },
    ],
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
  const { summary } = runScenario(checkScenario(scenario), { directory: null });
  expect(summary.outcome).toBe("every packet arrived");
  return Object.fromEntries(summary.classes.filter((entry) => entry.className === "gold").map((entry) => [entry.direction, entry.latency.p99 ?? NaN]));
}

describe("SA installs by class", () => {
  // One install is about 4.1 µs of MMIO writes and the status read on the core (33 writes of 100 ns and a 0.8 µs read).
  test("gold's install waits for one bulk command at most, however many bulk installs are queued: its p99 does not grow with the bulk SAs", () => {
    const one = goldP99(1);
    const many = goldP99(16);
    for (const direction of ["to-peer", "to-host"]) expect(many[direction], `${direction}: ${many[direction]} µs with 16 bulk SAs, ${one[direction]} µs with 1`).toBeLessThanOrEqual(one[direction]! + 5);
  });
});
