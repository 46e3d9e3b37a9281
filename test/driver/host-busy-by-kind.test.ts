import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { buildScenario, runScenario } from "../../system/scenario/run.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { ns, us } from "../../sim/time.js";
import { CpuWork } from "../../driver/cpu/cpu-work.js";

// One core at 1 MHz encrypting 1400-byte packets in software: the drain runs out with a job on the core.
const scenario = `
name: busy-by-kind
seed: 11
durationMicroseconds: 20
driver:
  cpu: { cores: 1, megahertz: 1 }
  intermediate: { offload: false }
customers: [ { name: c, identity: { type: ID_FQDN, value: gw.c.example }, sas: 1 } ]
traffic: [ { name: t, customer: c, direction: to-peer, packetBytes: 1400, load: 0.9, pattern: constant } ]
outputs: { waveform: false, html: false, pcap: false, saTrace: false }
`;

// From an architect's check: a run ending with a job on a core gave the core 100 % busy and no time by kind (the job was charged only as it left).
test("the cores' time by kind adds up to their busy time, a job still running at the run's end counted to then", () => {
  const { summary } = runScenario(parseScenarioText(scenario, "busy-by-kind.yaml"), { directory: null });
  expect(summary.ending.kind).not.toBe("arrived");
  const byKind = Object.values(summary.host.busyMicroseconds).reduce((sum, busy) => sum + busy, 0);
  const busy = summary.host.utilisation[0]! * summary.simulatedMicroseconds;
  expect(byKind).toBeGreaterThan(0);
  // Utilisation is given to four places: within 0.01 % of the run.
  expect(Math.abs(byKind - busy)).toBeLessThan(summary.simulatedMicroseconds * 1e-4);
}, 60_000);

// From the re-check: a suspension's switch was charged whole as it began, so a run stopped during one counted more time by kind than its cores were busy.
test("stopped at any time, switches and jobs under way included, the cores' time by kind is their busy time to the picosecond", () => {
  const { kernel, top } = buildScenario(defaultScenario({ "outputs.waveform": false }));
  const cpu = top.driver.cpu;
  let stopsDuringSwitches = 0;
  for (let step = 0; us(1600) + step * ns(7300) <= us(2600); step++) {
    const time = us(1600) + step * ns(7300);
    kernel.run({ until: time });
    const byKind = [...cpu.busyByKindNow().values()].reduce((sum, busy) => sum + busy, 0);
    expect(byKind).toBe(cpu.busy().reduce((sum, busy) => sum + busy, 0));
    if (cpu.cores.some((core) => core.work.value === CpuWork.code("CONTEXT_SWITCH"))) stopsDuringSwitches++;
  }
  expect(stopsDuringSwitches).toBeGreaterThan(0);
}, 60_000);
