import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

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
