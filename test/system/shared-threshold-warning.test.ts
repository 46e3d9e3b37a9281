import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { VALID } from "./scenario-fixture.js";

const withNic = (lines: string) => VALID.replace("nic:\n", `nic:\n${lines}`);

// From an architect's check: nic.rx.sharedThreshold with the RX buffer split per class was taken without a word and changed nothing.
test("a sharedThreshold given for a buffer split per class is warned of at its line, for TX (per class by default) and RX; one for a shared buffer is not", () => {
  const tx = parseScenarioText(withNic("  tx:\n    sharedThreshold: 4\n"), "s.yaml").warnings;
  expect(tx).toHaveLength(1);
  expect(tx[0]).toMatch(/^s\.yaml:5:\d+: warning: nic\.tx\.sharedThreshold has no effect: nic\.tx\.bufferPartition is per-class \(the default\): /);
  const rx = parseScenarioText(withNic("  rx:\n    bufferPartition: per-class\n    sharedThreshold: 1\n"), "s.yaml").warnings;
  expect(rx).toHaveLength(1);
  expect(rx[0]).toMatch(/^s\.yaml:6:\d+: warning: nic\.rx\.sharedThreshold has no effect: nic\.rx\.bufferPartition is per-class: /);
  expect(parseScenarioText(withNic("  rx:\n    sharedThreshold: 1\n  tx:\n    bufferPartition: shared\n    sharedThreshold: 2\n"), "s.yaml").warnings).toEqual([]);
});
