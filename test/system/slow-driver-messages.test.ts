import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { oneStreamScenario } from "./scenario-fixture.js";

test("a message between the drivers that takes longer than the quiet that ends a run is work under way, not a stuck run (its packets were a scoreboard violation: an outside check)", () => {
  const text = oneStreamScenario({ durationMicroseconds: 40, packetBytes: 600, load: 0.3, quiet: true });
  const { summary } = runScenario(parseScenarioText(text, "s.yaml", { "driver.intermediate.messageNanoseconds": 150_000 }), { directory: null });
  expect(summary.ending.kind).toBe("drain-limit");
  expect(summary.outcome).toBe("the drain time ran out with packets still in flight");
});
