import { expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { formatScenarioSummary } from "../../system/scenario/summary.js";

/** The default scenario's three IKE customers, each first answer 10 ms of a core: the gateways wait 23.7 ms in all (2 ms, backoff 1.8, 3 retransmissions). */
const slowExponentiation = (cores: number) =>
  defaultScenario({ "driver.cpu.cores": cores, "driver.intermediate.ike.cyclesPerModularExponentiation": 30_000_000, durationMicroseconds: 50, "outputs.waveform": false });

const backlogWarnings = (cores: number) => slowExponentiation(cores).warnings.filter((warning) => warning.includes("IKE customers' first answers"));

// From an architect's check: 128 IKE customers on one core, 34 ms of first answers against the gateways' 23.8 ms: not one tunnel came up, with no
// word before the run, and the IKE line said "0 phase-1 failures seen by the host" alone, the gateways having given up on a host that never answered.
test("more IKE customers than the host's cores answer before their gateways give up are warned of, and the gateways' phase-1 failures are said", () => {
  expect(backlogWarnings(1)).toEqual([
    expect.stringMatching(/^scenarios\/default\.yaml:\d+:\d+: warning: customers: 3 IKE customers' first answers need at least 30 ms of the host's cores .* on 1 core \(driver\.cpu\.cores by --set driver\.cpu\.cores\)\), longer than a gateway waits for one \(23\.7 ms: retransmitMicroseconds 2000, backoff 1\.8, 3 retransmissions\)/),
  ]);
  // Two cores answer all three in 20 ms (two answers one after the other on one of them).
  expect(backlogWarnings(2)).toEqual([]);
  // A value the parameters' check refuses gives its error, not also a warning worked out from it (from a re-check: "580000.6 ms", "on 1.5 cores", "3 retransmissions" for a text).
  for (const refused of [{ "driver.intermediate.ike.cyclesPerModularExponentiation": 2e10 }, { "driver.cpu.cores": 1.5 }, { "driver.intermediate.ike.retransmitMicroseconds": 0.5 }, { "driver.intermediate.ike.retransmitLimit": "abc" }, { "driver.intermediate.ike.retransmitBackoff": 0.5 }]) {
    const warnings = defaultScenario({ "driver.cpu.cores": 1, "driver.intermediate.ike.cyclesPerModularExponentiation": 30_000_000, ...refused }).warnings;
    expect(warnings.filter((warning) => warning.includes("IKE customers' first answers")), JSON.stringify(refused)).toEqual([]);
  }
  // Near the edge, the work is shown longer than the wait: "at least 23.7 ms" against "23.7 ms" read as none.
  const edge = defaultScenario({ "driver.cpu.cores": 1, "driver.intermediate.ike.cyclesPerModularExponentiation": 23_725_000 }).warnings.find((warning) => warning.includes("IKE customers' first answers"))!;
  expect(edge).toMatch(/need at least 23\.7[0-9]+ ms .* \(23\.7 ms:/);
  expect(defaultScenario().warnings.filter((warning) => warning.includes("IKE customers' first answers"))).toEqual([]);
  const { summary } = runScenario(slowExponentiation(1), { directory: null });
  const failedAtGateways = summary.ike!.gateways.filter((gateway) => gateway.failed === "RETRANSMISSION_LIMIT").length;
  expect(failedAtGateways).toBe(3);
  expect(formatScenarioSummary(summary)).toMatch(/seen by the host, 3 of 3 at the gateways/);
}, 60_000);

// From a re-check: a cyclesPerMessage the parameters' check refuses (2e10) was also warned of, worked out from it.
test("the short retransmission wait's warning weighs only a cost the parameters' check takes", () => {
  const shortWait = (cycles: number) => defaultScenario({ "driver.intermediate.ike.retransmitMicroseconds": 30, "driver.intermediate.ike.cyclesPerMessage": cycles }).warnings.filter((warning) => warning.includes("is shorter than the host's work"));
  expect(shortWait(200_000)).toHaveLength(1);
  expect(shortWait(2e10)).toEqual([]);
});
