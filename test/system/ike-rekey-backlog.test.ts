import { expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { describeDropPlaces } from "../../system/scenario/summary.js";

/**
 * A rekey on a host slower than its traffic: packets it took off its rings under the old SA wait in
 * their SA's receive lane behind the new SA's first, for longer than the rekey's grace. The old
 * inbound SA goes only once they have been taken up (an outside check: deleted 100 µs after the
 * new SA's first packet, it dropped 256 of silver's packets, UNKNOWN_SPI, all in the host already).
 */
test("a rekey on a busy host loses none of the packets already received under the old SA", () => {
  const { summary } = runScenario(
    defaultScenario({ "driver.cpu.cores": 2, "driver.intermediate.offload": false, "customers.1.ike.lifetimeKilobytes": 200, "outputs.waveform": false }),
    { directory: null },
  );
  // The run rekeys the silver customer's pair, with the host's backlog hundreds of microseconds deep.
  expect(summary.ike!.host.rekeys).toBeGreaterThan(0);
  const silver = summary.classes.find((entry) => entry.className === "silver" && entry.direction === "to-host")!;
  expect(silver.host.p99).toBeGreaterThan(300);
  expect(describeDropPlaces(summary)).not.toContain("UNKNOWN_SPI");
  expect(summary.violations).toEqual([]);
}, 120_000);
