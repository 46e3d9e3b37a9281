import { describe, expect, test } from "vitest";
import { runPlainTraffic } from "../../system/run-scenario.js";
import { parseScenarioText } from "../../system/scenario/load.js";
import { VALID } from "./scenario-fixture.js";

const withDriver = (lines: string) => parseScenarioText(`${VALID}driver:\n  base:\n${lines}`, "s.yaml").warnings;

describe("a TX write-back threshold the rings can never reach", () => {
  test("is accepted with a warning at its line: every write-back would wait out nic.tx.writeBackDelay (an architect's run stalled silently)", () => {
    expect(withDriver("    txRingDescriptors: 8\n    txWriteBackThreshold: 8\n")).toEqual([
      expect.stringMatching(/^s\.yaml:\d+:5: warning: driver\.base\.txWriteBackThreshold = 8 is never reached: a TX ring of 8 descriptors \(driver\.base\.txRingDescriptors\) holds at most 7 done ones, so every write-back waits out nic\.tx\.writeBackDelay \(256 core cycles\)/),
    ]);
    // The default ring (512) never warns: WTHRESH is at most 127.
    expect(withDriver("    txWriteBackThreshold: 127\n")).toEqual([]);
    // One the ring can hold: its size less one.
    expect(withDriver("    txRingDescriptors: 8\n    txWriteBackThreshold: 7\n")).toEqual([]);
    expect(withDriver("    txRingDescriptors: 8\n    txWriteBackThreshold: 0\n")).toEqual([]);
    // With no delay nothing waits (a check of the first version warned of 0 cycles).
    expect(parseScenarioText(`${VALID.replace("nic:\n", "nic:\n  tx:\n    writeBackDelay: 0\n")}driver:\n  base:\n    txRingDescriptors: 8\n    txWriteBackThreshold: 8\n`, "s.yaml").warnings).toEqual([]);
  });

  test("plain-traffic, which takes the same parameters, warns too, before its run and at the head of its report", () => {
    const heard: string[] = [];
    const result = runPlainTraffic({ parameters: { "top.driver.base.txRingDescriptors": 8, "top.driver.base.txWriteBackThreshold": 8, "top.traffic.framesPerQueue": 4 }, parametersSource: "--set", warn: (warning) => heard.push(warning) });
    expect(heard).toEqual([expect.stringMatching(/^warning: driver\.base\.txWriteBackThreshold = 8 is never reached/)]);
    expect(result.text.startsWith(`${heard[0]}\n`)).toBe(true);
  });
});
