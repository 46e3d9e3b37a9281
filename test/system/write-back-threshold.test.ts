import { describe, expect, test } from "vitest";
import { runLatencyReport } from "../../system/latency-report.js";
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
    // One the ring can hold: its size less one, with frames of one descriptor.
    expect(withDriver("    txRingDescriptors: 8\n    txBufferBytes: 9216\n    txWriteBackThreshold: 7\n")).toEqual([]);
    expect(withDriver("    txRingDescriptors: 8\n    txWriteBackThreshold: 0\n")).toEqual([]);
    // With no delay nothing waits (a check of the first version warned of 0 cycles).
    expect(parseScenarioText(`${VALID.replace("nic:\n", "nic:\n  tx:\n    writeBackDelay: 0\n")}driver:\n  base:\n    txRingDescriptors: 8\n    txWriteBackThreshold: 8\n`, "s.yaml").warnings).toEqual([]);
  });

  test("one frames of several descriptors may leave unreached is warned of too, sized by the frames the scenario sends (a run of jumbo frames on a ring of 8 stalled silently at 7; a first version sized them by nic.maxFrameBytes, and warned of runs of short frames)", () => {
    const streams = (...sizes: number[]) => VALID.replace(/traffic:[\s\S]*$/, `traffic:\n${sizes.map((size, index) => `  - { name: s${index}, customer: a, direction: to-peer, packetBytes: ${size}, gapMicroseconds: 5 }\n`).join("")}`);
    const warnings = (scenario: string, ring: number, threshold: number) => parseScenarioText(`${scenario}driver:\n  base:\n    txRingDescriptors: ${ring}\n    txWriteBackThreshold: ${threshold}\n`, "s.yaml").warnings;
    // Jumbo frames (5 descriptors of 2048 bytes) among short ones: a sender waiting for room for one can leave 8 - 5 = 3 done.
    expect(warnings(streams(9000, 64), 8, 7)).toEqual([
      expect.stringMatching(/^s\.yaml:\d+:5: warning: driver\.base\.txWriteBackThreshold = 7 may not be reached: a frame of 9\d\d\d bytes takes 5 descriptors of 2048 bytes \(driver\.base\.txBufferBytes\), and a sender waiting for room for one, its ring filled by shorter frames, can leave as few as 3 done ones in a TX ring of 8/),
    ]);
    expect(warnings(streams(9000, 64), 8, 4)).toHaveLength(1);
    expect(warnings(streams(9000, 64), 8, 3)).toEqual([]);
    // Jumbo frames alone: a ring of 8 full of them holds one, 5 done descriptors.
    expect(warnings(streams(9000), 8, 5)).toEqual([]);
    expect(warnings(streams(9000), 8, 6)).toEqual([expect.stringContaining("a TX ring of 8 (driver.base.txRingDescriptors) full of such frames holds 5 done ones")]);
    // Frames of one descriptor each, whatever nic.maxFrameBytes allows: only the ring's size less one bounds it.
    expect(warnings(streams(1400), 8, 7)).toEqual([]);
    expect(warnings(streams(64), 8, 7)).toEqual([]);
    // Frames the ring cannot take at all (18 descriptors of 512 bytes) are refused with their own words, not warned of (it said "as few as -10 done ones").
    expect(parseScenarioText(`${streams(9000)}driver:\n  base:\n    txRingDescriptors: 8\n    txBufferBytes: 512\n    txWriteBackThreshold: 7\n`, "s.yaml").warnings).toEqual([]);
  });

  test("plain-traffic, which takes the same parameters, warns too, before its run and at the head of its report", () => {
    const heard: string[] = [];
    const result = runPlainTraffic({ parameters: { "top.driver.base.txRingDescriptors": 8, "top.driver.base.txWriteBackThreshold": 8, "top.traffic.framesPerQueue": 4 }, parametersSource: "--set", warn: (warning) => heard.push(warning) });
    expect(heard).toEqual([expect.stringMatching(/^--set driver\.base\.txWriteBackThreshold: warning: driver\.base\.txWriteBackThreshold = 8 is never reached/)]);
    expect(result.text.startsWith(`${heard[0]}\n`)).toBe(true);
    expect(result.warnings).toEqual(heard);
  });

  test("latency, which takes them too, warns before its first run", () => {
    const heard: string[] = [];
    // A mistake refuses the report before any run, warnings and all.
    expect(() => runLatencyReport({ directions: ["tx"], highPackets: 1, parameters: { "top.driver.base.txRingDescriptors": 8, "top.driver.base.txWriteBackThreshold": 8, "top.nic.crypto_tx.policy": "preempt-resume" }, parametersSource: "--set", warn: (warning) => heard.push(warning) })).toThrow("the report runs each crypto policy in turn");
    expect(heard).toEqual([]);
    runLatencyReport({ directions: ["tx"], highPackets: 1, load: 0.1, parameters: { "top.driver.base.txRingDescriptors": 8, "top.driver.base.txWriteBackThreshold": 8 }, parametersSource: "--set", warn: (warning) => heard.push(warning), onRun: () => {} });
    expect(heard).toEqual([expect.stringMatching(/^--set driver\.base\.txWriteBackThreshold: warning: driver\.base\.txWriteBackThreshold = 8 is never reached/)]);
  }, 120_000);
});
