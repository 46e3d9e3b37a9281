import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import { PEER_GATEWAY } from "../../system/ipsec-setup.js";

function scenario(faults: ScenarioInput["faults"]): ScenarioInput {
  return {
    name: "sa-changes",
    seed: 11,
    durationMicroseconds: 60,
    customers: [{ name: "c0", identity: { type: "ID_FQDN", value: "gw.c0.example" }, sas: 3 }],
    traffic: [{ name: "bulk", customer: "c0", direction: "both", packetBytes: 400, pattern: "constant", load: 0.2 }],
    faults,
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

describe("rekeys and deletes in both directions", () => {
  test("inbound rekeys: the gateway sends under the new SAs, and every packet is delivered or dropped with its reason", () => {
    const { summary, design } = runScenario(checkScenario(scenario({ inboundRekeys: 3 })), { directory: null });
    expect(summary.violations).toEqual([]);
    const rekeyedInbound = design.top.traffic.captured.filter((captured) => captured.sa.spi >= 0x3000 && captured.source === PEER_GATEWAY);
    expect(rekeyedInbound).toHaveLength(3);
    // Frames arrived under the new SPIs: the host's intermediate driver knows them.
    const toHost = design.top.traffic.flows.find((flow) => flow.direction === "to-host")!;
    expect(toHost.received).toBeGreaterThan(0);
  });

  test("overlapping changes: rekeys of both directions and deletes start while others are still under way, each on an SA no other change holds", () => {
    const { summary, design } = runScenario(checkScenario(scenario({ rekeys: 3, inboundRekeys: 3, deletes: 2, overlappingSaChanges: true })), { directory: null });
    expect(summary.violations).toEqual([]);
    expect(summary.outcome).not.toMatch(/^stopped/);
    expect(design.top.traffic.captured.filter((captured) => captured.sa.spi >= 0x3000)).toHaveLength(6);
  });
});
