import { expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

const softwareEspWarnings = (overrides: Record<string, unknown>) => defaultScenario(overrides).warnings.filter((warning) => warning.includes("cycles of software ESP a microsecond"));

// From an architect's check: one core, offload off, 64-byte packets at 0.9 of the line (not the line's overload): 238,083 packets still on their way after
// 40 ms, the drain run out, and no word before the run.
test("with offload off, more software ESP offered than the host's cores can do is warned of before the run, at the offload setting", () => {
  // The default scenario's bulk and voice, each way: at least 13,647 cycles a microsecond, against 3,000 a core.
  expect(softwareEspWarnings({ "driver.intermediate.offload": false, "driver.cpu.cores": 4 })).toEqual([
    "--set driver.intermediate.offload: warning: driver.intermediate.offload = false: the traffic offers the host's cores at least 13,647 cycles of software ESP a microsecond (1500 a packet and 1.5 a byte, each stream each way it goes), more than their 12,000 (4 cores (driver.cpu.cores by --set driver.cpu.cores) at 3000 MHz): the host's backlog grows while the traffic lasts, and the drain may run out with packets still on their way",
  ]);
  // A value the parameters' check refuses gives its error, not also a warning worked out from it (or from the default, for a text; from a re-check).
  for (const refused of [{ "driver.cpu.cores": 1.5 }, { "driver.cpu.cores": "64" }, { "driver.intermediate.cyclesPerPacket": 2e9 }, { "wire.gigabitsPerSecond": 3200 }]) {
    expect(() => softwareEspWarnings({ "driver.intermediate.offload": false, ...refused })).not.toThrow();
    expect(softwareEspWarnings({ "driver.intermediate.offload": false, "driver.cpu.cores": 1, ...refused }), JSON.stringify(refused)).toEqual([]);
  }
  expect(softwareEspWarnings({ "driver.intermediate.offload": false, "driver.cpu.cores": 5 })).toEqual([]);
  // With offload the NIC takes what its tables hold: no warning, whatever the cores.
  expect(softwareEspWarnings({ "driver.cpu.cores": 1 })).toEqual([]);
  // The warning is a lower bound: the run it names does fall behind (its bronze p99 is the backlog's, far past the few µs the line takes).
  const { summary } = runScenario(defaultScenario({ "driver.intermediate.offload": false, "driver.cpu.cores": 4, "outputs.waveform": false }), { directory: null });
  const bronze = summary.classes.find((entry) => entry.className === "bronze" && entry.direction === "to-peer")!;
  expect(bronze.latency.p99).toBeGreaterThan(500);
}, 60_000);
