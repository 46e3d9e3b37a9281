import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { VALID } from "./scenario-fixture.js";

// From a driver developer's check: a sweep over driver.base.doorbellBatch gave byte-identical runs, and nothing said why.
test("a scenario that sets driver.base.doorbellBatch is told, at its line, that its senders ring as they post; the runs are the same whatever the batch", () => {
  const text = (batch: number) => `${VALID}driver:\n  base:\n    doorbellBatch: ${batch}\n`;
  const warnings = parseScenarioText(text(1), "s.yaml").warnings;
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^s\.yaml:\d+:\d+: warning: driver\.base\.doorbellBatch has no effect in a scenario: its senders post one packet at a time/);
  expect(parseScenarioText(VALID, "s.yaml").warnings).toEqual([]);
  const summary = (batch: number) => runScenario(parseScenarioText(text(batch), "s.yaml", { durationMicroseconds: 40, "outputs.waveform": false }), { directory: null }).summary;
  const [one, many] = [summary(1), summary(65536)];
  expect(many.ringChecks).toEqual(one.ringChecks);
  expect(many.flows).toEqual(one.flows);
}, 60_000);

// From a driver developer's check: an interval of 4.29 s ran out a 50 µs run's drain, its last frames on the rings, where an unreachable write-back threshold is warned of.
test("an interrupt interval longer than the run's drain is warned of at its line; one within it is not", () => {
  const text = (nanoseconds: number) => `${VALID}driver:\n  base:\n    interruptIntervalNanoseconds: ${nanoseconds}\n`;
  const warnings = parseScenarioText(text(4_294_967_295), "s.yaml").warnings;
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/^s\.yaml:\d+:\d+: warning: driver\.base\.interruptIntervalNanoseconds = 4294967295 ns is longer than the run's drain \(/);
  expect(parseScenarioText(text(10_000), "s.yaml").warnings).toEqual([]);
});
