/**
 * A tunnel whose Quick Mode failed, with no pair left, waits at its trap at both ends: its next
 * packet negotiates it again (RFC 4301's acquire), whichever end started the Quick Mode that
 * failed and whether or not the host heard of it. Only an acquire that failed was trapped again,
 * so a tunnel whose first Quick Mode failed stayed down for the rest of the run, its packets
 * dropped (NO_SA) both ways (from an architect's check: 281 of 491 gold packets lost).
 */
import { expect, test } from "vitest";
import { runScenario } from "../../system/scenario/run.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";

test("a tunnel whose first Quick Mode failed at the gateway, the host never hearing of it, is negotiated again by the gateway's next packet for it, and is up at the end", () => {
  // Seed 8: customerB's Quick Mode for UDP port 49201 fails at the gateway, its messages lost on the link; the host saw none of it.
  const { summary } = runScenario(defaultScenario({ seed: 8, "faults.ikeLossProbability": 0.3, durationMicroseconds: 300, "outputs.waveform": false }), { directory: null });
  const customerB = summary.ike!.gateways.find((gateway) => gateway.name === "customerB")!;
  expect(customerB.quickModeFailurePorts).toEqual([49201]);
  const port49201 = summary.ike!.timeline.filter((entry) => entry.gateway === "customerB" && entry.text.includes("UDP port 49201"));
  expect(port49201.map((entry) => entry.kind)).toEqual(["quick-mode-up"]);
  expect(customerB.tunnels).toEqual({ up: 4, of: 6, upAtEnd: 6, down: [] });
}, 60_000);
