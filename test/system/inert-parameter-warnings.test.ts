import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { VALID } from "./scenario-fixture.js";

const warningsOf = (overrides: Record<string, unknown>) => parseScenarioText(VALID, "s.yaml", overrides).warnings;

// From a bad-input check: each of these ran without a word and changed nothing (a sweep over one gave identical runs).
test.each([
  [{ "nic.crypto_tx.policy": "run-to-completion", "nic.crypto_tx.saveCycles": 50, "nic.crypto_tx.checkInterval": 100 }, ["nic.crypto_tx.checkInterval has no effect: nic.crypto_tx.policy is run-to-completion", "nic.crypto_tx.saveCycles has no effect: nic.crypto_tx.policy is run-to-completion"]],
  [{ "nic.crypto_rx.policy": "preempt-restart", "nic.crypto_rx.contextSlots": 1, "nic.crypto_rx.checkInterval": 100 }, ["nic.crypto_rx.contextSlots has no effect: nic.crypto_rx.policy is preempt-restart"]],
  [{ "driver.cpu.policy": "run-to-completion", "driver.cpu.switchCycles": 5000 }, ["driver.cpu.switchCycles has no effect: driver.cpu.policy is run-to-completion"]],
  [{ "nic.tx.writeBackDelay": 5000 }, ["nic.tx.writeBackDelay has no effect: driver.base.txWriteBackThreshold is 0 (the default)"]],
  [{ "nic.dma.completionTimeout": 10 }, ["nic.dma.completionTimeout has no effect: nic.dma.completionTimeoutProbability is 0 (the default)"]],
  [{ "faults.overlappingSaChanges": true, "faults.rekeys": 1 }, ["faults.overlappingSaChanges has no effect: faults asks for at most one SA change"]],
  [{ "driver.intermediate.offload": false, "nic.crypto_tx.bytesPerCycle": 1, "driver.intermediate.placement": "metric" }, ["nic.crypto_tx.bytesPerCycle has no effect: driver.intermediate.offload is false", "driver.intermediate.placement has no effect: driver.intermediate.offload is false", "nic.sacache.txEntries has no effect: driver.intermediate.offload is false: every ESP packet is processed in software, and the NIC's SA tables and crypto engines are not used (the SA trace's header still gives its sizes, for nicsim policy-eval"]],
  // Without the SA trace, the table sizes are read by nothing at all.
  [{ "driver.intermediate.offload": false, "outputs.saTrace": false, "nic.sacache.rxEntries": 4 }, ["nic.sacache.txEntries has no effect: driver.intermediate.offload is false: every ESP packet is processed in software, and the NIC's SA tables and crypto engines are not used", "nic.sacache.rxEntries has no effect: driver.intermediate.offload is false: every ESP packet is processed in software, and the NIC's SA tables and crypto engines are not used"]],
  [{ "driver.intermediate.ike.retransmitLimit": 7, "peer.softLifetimePercent": 50 }, ["driver.intermediate.ike.retransmitLimit has no effect: no customer has ike", "peer.softLifetimePercent has no effect: no customer has ike"]],
  [{ "outputs.waveform": false, "outputs.waveformFromMicroseconds": 5 }, ["outputs.waveformFromMicroseconds has no effect: outputs.waveform is false"]],
] as const)("a parameter given where the scenario makes it do nothing is warned of at its place: %o", (overrides, expected) => {
  const warnings = warningsOf(overrides);
  expect(warnings).toHaveLength(expected.length);
  // Each at its place: the --set that gave it, or the file's line.
  expected.forEach((text, index) => {
    expect(warnings[index]).toContain(`: warning: ${text}`);
    expect(warnings[index]).toMatch(new RegExp(`^(--set ${text.split(" ")[0]!.replace(/\./g, "\\.")}|s\\.yaml:\\d+:\\d+): warning: `));
  });
});

test("without the SA trace, the table sizes are said to set nothing at all; with it, to set only the sizes its header gives policy-eval", () => {
  const offloadOff = { "driver.intermediate.offload": false, "nic.sacache.rxEntries": 4 };
  expect(warningsOf({ ...offloadOff, "outputs.saTrace": false }).filter((warning) => warning.includes("SA trace"))).toEqual([]);
  expect(warningsOf(offloadOff).filter((warning) => warning.includes("sacache")).every((warning) => warning.endsWith("for nicsim policy-eval to replay the trace at)"))).toBe(true);
});

test("where they act, they are not warned of: a preempting engine's save cycles, a write-back delay with a threshold, a timeout that can happen, IKE timers with an IKE customer", () => {
  expect(warningsOf({ "nic.crypto_tx.saveCycles": 50, "nic.crypto_tx.checkInterval": 100, "driver.cpu.switchCycles": 5000 })).toEqual([]);
  expect(warningsOf({ "nic.tx.writeBackDelay": 5000, "driver.base.txWriteBackThreshold": 4 }).filter((warning) => warning.includes("writeBackDelay"))).toEqual([]);
  expect(warningsOf({ "nic.dma.completionTimeout": 10, "nic.dma.completionTimeoutProbability": 0.01 })).toEqual([]);
  expect(warningsOf({ "faults.overlappingSaChanges": true, "faults.rekeys": 2 })).toEqual([]);
  expect(warningsOf({ "driver.intermediate.ike.retransmitLimit": 7, "customers.0.ike": { mode: "main", preSharedKey: "k" } })).toEqual([]);
});

test("what the warnings say holds: with run-to-completion engines, the engines' save cycles and check interval change nothing in a run", () => {
  const summary = (overrides: Record<string, unknown>) =>
    runScenario(parseScenarioText(VALID, "s.yaml", { durationMicroseconds: 30, "outputs.waveform": false, "nic.crypto_tx.policy": "run-to-completion", ...overrides }), { directory: null }).summary;
  const [plain, set] = [summary({}), summary({ "nic.crypto_tx.saveCycles": 50, "nic.crypto_tx.checkInterval": 100 })];
  expect(set.flows).toEqual(plain.flows);
  expect(set.crypto).toEqual(plain.crypto);
}, 60_000);
