import { expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { formatScenarioSummary } from "../../system/scenario/summary.js";

/** A count a line says with `phrase` after it, 0 when it does not say it. */
function said(line: string, phrase: string): number {
  const match = new RegExp(`(\\d+) ${phrase}`).exec(line);
  return match ? Number(match[1]) : 0;
}

// From an outside check: a customer's "negotiated again" took in the gateway's Quick Modes over a live pair that its own rekeys did not cover, and the customers' 6 read against the IKE line's 4.
test("the customers' lines count rekeys, Quick Modes the gateway started over a live pair and tunnels negotiated again as the IKE line does, and add up to it", () => {
  const { summary } = runScenario(defaultScenario({ durationMicroseconds: 300, "faults.ikeDeletes": 2, "faults.ikeLossProbability": 0.15, "outputs.waveform": false }), { directory: null });
  const lines = formatScenarioSummary(summary).split("\n");
  const ike = lines.find((line) => line.startsWith("  IKE: "))!;
  const customers = summary.ike!.gateways.map((gateway) => lines.find((line) => line.startsWith(`    ${gateway.name}: phase 1`))!);
  const host = summary.ike!.host;
  // The run has each kind the check found apart: both kinds over several customers.
  expect(host.gatewayStarted).toBeGreaterThan(0);
  expect(host.renegotiations).toBeGreaterThan(host.gatewayStarted);
  for (const [phrase, total] of [
    ["started by the gateway while the host had the tunnel's pair", host.gatewayStarted],
    ["negotiated again after a Delete or an expiry", host.renegotiations],
  ] as const) {
    expect(said(ike, phrase)).toBe(total);
    expect(customers.reduce((sum, line) => sum + said(line, phrase), 0)).toBe(total);
  }
  expect(customers.reduce((sum, line) => sum + said(line, "rekeys?,"), 0)).toBe(host.rekeys);
  expect(customers.filter((line) => said(line, "negotiated again after") > 0).length).toBeGreaterThan(1);
}, 60_000);
