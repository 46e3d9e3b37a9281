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

/**
 * A receive lane and its process end with their inbound SA: a run of many rekeys kept one per SA
 * it ever had, each waiting for ever on a lane no packet could reach again, so that its memory grew
 * with its length.
 */
test("rekey after rekey, the host keeps a receive lane only for the inbound SAs it still has", () => {
  const { design, summary } = runScenario(
    defaultScenario({ durationMicroseconds: 2000, "customers.1.ike.lifetimeKilobytes": 50, "outputs.waveform": false }),
    { directory: null },
  );
  const tunnels = summary.ike!.gateways.reduce((sum, gateway) => sum + gateway.tunnels.of, 0);
  // Far more inbound SAs came and went than there are tunnels, old and new together during a rekey.
  expect(summary.ike!.host.quickModes).toBeGreaterThan(3 * tunnels);
  const lanes = design.kernel.liveProcesses().filter((process) => /\.receive_sa\d+$/.test(process.name));
  expect(lanes.length).toBeGreaterThan(0);
  expect(lanes.length).toBeLessThanOrEqual(2 * tunnels);
  expect(summary.violations).toEqual([]);
}, 120_000);

/**
 * A rekeyed pair is deleted, with a Delete to the gateway, once the gateway sends under the new one. On a
 * host whose RX has fallen behind, the run ends with many still waiting: the summary says how many, where
 * a reader was left to count 13 rekeys against 3 Deletes (from an outside check).
 */
test("rekeyed pairs the host was still retiring when the run ended are said, and add up with the Deletes", () => {
  const { design, summary, text } = runScenario(
    defaultScenario({ "driver.cpu.cores": 2, "driver.intermediate.offload": false, "customers.1.ike.lifetimeKilobytes": 200, "outputs.waveform": false }),
    { directory: null },
  );
  const customerB = summary.ike!.gateways.find((gateway) => gateway.name === "customerB")!;
  const retiring = design.kernel.liveProcesses().filter((process) => /\.rekey_[0-9a-f]+$/.test(process.name)).length;
  expect(retiring).toBeGreaterThan(0);
  expect(customerB.pairsRetiringAtEnd).toBe(retiring);
  // Every pair a rekey replaced, the host's or the gateway's, was retired with the host's Delete or is still being retired.
  const own = summary.ike!.timeline.filter((entry) => entry.gateway === "customerB");
  const replaced = own.filter((entry) => entry.kind === "quick-mode-up" && /^(rekey up|Quick Mode up in place of a live pair)/.test(entry.text)).length;
  const deleted = own.filter((entry) => entry.kind === "delete-sent").length;
  expect(replaced).toBe(deleted + retiring);
  expect(text).toContain(`customerB: phase 1 up at`);
  expect(text).toContain(`, ${retiring} replaced pairs still being retired when the run ended (the host deletes one, and sends its Delete, once the gateway sends under a newer pair)`);
}, 120_000);
