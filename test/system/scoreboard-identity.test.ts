import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/** A scenario of many small streams over one customer's two SAs, both ways. */
function manyStreams(count: number): ScenarioInput {
  return {
    name: "many-streams",
    seed: 7,
    durationMicroseconds: 12,
    customers: [{ name: "c0", identity: { type: "ID_FQDN", value: "gw.c0.example" }, sas: 2 }],
    traffic: Array.from({ length: count }, (_, index) => ({ name: `s${index}`, customer: "c0", direction: "both" as const, packetBytes: 64 + (index % 7) * 20, pattern: "constant" as const, gapMicroseconds: 5 })),
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

describe("the scoreboard names each packet by stream and sequence", () => {
  test("300 streams: none aliases another in the payload's stream index, and every packet arrives once, intact", () => {
    const { summary, design } = runScenario(checkScenario(manyStreams(300)), { directory: null });
    expect(summary.violations).toEqual([]);
    expect(summary.outcome).toBe("every packet arrived");
    const flows = design.top.traffic.flows;
    expect(flows).toHaveLength(600);
    // Stream 256 and stream 0 would share a one-byte index: each got its own packets.
    for (const flow of flows) {
      expect(flow.sent, flow.stream).toBeGreaterThan(0);
      expect(flow.received, flow.stream).toBe(flow.sent);
    }
  }, 60_000);
});
