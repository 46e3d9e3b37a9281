import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

/** One core, one SA, 64-byte packets towards the host, decrypted by the NIC: past about 0.4 of the line the core cannot take them all. */
const OVERLOADED = `name: host-receive-overload
seed: 2
durationMicroseconds: 200
driver:
  cpu: { cores: 1 }
customers:
  - { name: B, identity: { type: ID_FQDN, value: gw.b.example }, sas: 1 }
traffic:
  - { name: s64, customer: B, direction: to-host, packetBytes: 64, load: 0.4, pattern: constant }
outputs: { waveform: false, pcap: false, html: false, saTrace: false }
`;

function run(load: number) {
  const { summary, design } = runScenario(parseScenarioText(OVERLOADED, "overload.yaml", { "traffic.0.load": load }), { directory: null });
  const flow = summary.flows[0]!;
  return { gigabits: flow.gigabitsPerSecond, lost: flow.lost, nicDrops: summary.nic.drops, hostDrops: summary.ipsec.drops, budgetExhausted: design.top.driver.base.statistics.budgetExhausted };
}

// From an architect's check: what the NIC decrypted went to the SAs' lanes, so the poll emptied the ring at once, the host dropped the
// packets (BACKLOG_FULL) where the NIC should have, and took an interrupt every few frames: 2.40 Gb/s delivered at 0.4 of the line, 1.86 at 1.0.
test("a host that cannot keep up with what the NIC decrypted leaves it on the ring, where the NIC drops it, and delivers as much as at the load it can take", () => {
  const taken = run(0.4);
  const overloaded = run(1);
  expect(taken.lost).toBe(0);
  expect(overloaded.lost).toBeGreaterThan(0);
  // Dropped at the NIC, its ring full, and none at the host's backlog.
  expect(overloaded.hostDrops.BACKLOG_FULL ?? 0).toBe(0);
  expect(overloaded.nicDrops.RX_BUFFER_FULL).toBe(overloaded.lost);
  // NAPI's polls used their budgets, the interrupt masked meanwhile: no livelock.
  expect(overloaded.budgetExhausted).toBeGreaterThan(0);
  expect(overloaded.gigabits).toBeGreaterThan(0.97 * taken.gigabits);
}, 60_000);
