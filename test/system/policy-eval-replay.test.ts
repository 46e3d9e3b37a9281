/**
 * `nicsim policy-eval` replays a run's own SA trace: its costs are the model's, and an SA the run
 * deleted frees its entry in the replay where it did in the run (from an outside check: a run with
 * rekeys replayed its dead SAs holding their entries for ever, 21 of 151 TX hits where the run had
 * 71; and an install cost a third of the model's made installing policies look cheap).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readTrace } from "../../driver/caching/trace.js";
import { evaluatePolicies, MODEL_COSTS } from "../../system/policy-eval.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

test("policy-eval's costs are the model's defaults: an install's mean core time in a run, software ESP per packet and byte, the inline path", () => {
  const { design } = runScenario(defaultScenario({ durationMicroseconds: 100, "outputs.waveform": false }), { directory: null });
  const intermediate = design.top.driver.intermediate;
  const installCycles = (design.top.driver.base.saTable.meanInstallPicoseconds()! * intermediate.cpu.params.megahertz) / 1e6;
  expect(MODEL_COSTS.installCycles).toBeCloseTo(installCycles, 0);
  expect(MODEL_COSTS.softwareCyclesPerPacket).toBe(intermediate.params.cyclesPerPacket);
  expect(MODEL_COSTS.softwareCyclesPerByte).toBe(intermediate.params.cyclesPerByte);
  expect(MODEL_COSTS.hardwareCyclesPerPacket).toBe(intermediate.params.offloadCyclesPerPacket);
}, 60_000);

const REKEYING = `name: rekeying
seed: 3
durationMicroseconds: 400
nic:
  sacache: { txEntries: 1, rxEntries: 1 }
driver:
  intermediate: { placement: token }
customers:
  - name: bulk
    identity: { type: ID_FQDN, value: gw.bulk.example }
    sas: 2
    ike: { mode: main, preSharedKey: k3, lifetimeKilobytes: 30 }
traffic:
  - { name: b, customer: bulk, direction: both, packetBytes: 1400, load: 0.2, spread: even }
outputs: { waveform: false, pcap: false, html: false }
`;

test("a run whose SAs are rekeyed records their deletions, and the replay of its own policy (install while there is room) comes near its hits, where dead SAs holding their entries cut them to a third", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-policy-replay-"));
  const { summary } = runScenario(parseScenarioText(REKEYING, "rekeying.yaml"), { directory });
  const trace = readTrace(join(directory, "rekeying.sa-trace.jsonl"));
  expect(trace.removals.length).toBeGreaterThan(4);
  const rows = evaluatePolicies(MODEL_COSTS, 1, [{ name: "run", trace: trace.accesses, removals: trace.removals, tableEntries: trace.tableEntries }]);
  const hits = (direction: "tx" | "rx") => rows.find((row) => row.workload === `run ${direction}`)!.outcomes.find((outcome) => outcome.policy === "static")!.hits;
  // The replay takes an SA as installed at its miss; the model's install takes a core 4 µs, in which a few more packets go through software.
  expect(hits("tx")).toBeGreaterThanOrEqual(summary.ipsec.hardwareTx);
  expect(hits("tx")).toBeLessThanOrEqual(1.2 * summary.ipsec.hardwareTx);
  expect(hits("rx")).toBeGreaterThanOrEqual(summary.ipsec.hardwareRx);
  expect(hits("rx")).toBeLessThanOrEqual(1.2 * summary.ipsec.hardwareRx);
  // Without the deletions, the static policy's entry stays with the first SA, dead after its rekey.
  const blind = evaluatePolicies(MODEL_COSTS, 1, [{ name: "run", trace: trace.accesses, tableEntries: trace.tableEntries }]);
  expect(blind.find((row) => row.workload === "run tx")!.outcomes.find((outcome) => outcome.policy === "static")!.hits).toBeLessThan(0.5 * summary.ipsec.hardwareTx);
}, 60_000);
