import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readTrace } from "../../driver/caching/trace.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

test("a run writes its SA trace as it goes: the file has every access, and memory keeps none", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-sa-trace-"));
  const run = runScenario(defaultScenario({ durationMicroseconds: 400, "outputs.waveform": false }), { directory });
  const path = join(directory, "default.sa-trace.jsonl");
  expect(run.files).toContain(path);
  const trace = readTrace(path);
  expect(trace.tableEntries).toEqual({ tx: run.design.top.nic.offload.cache.params.txEntries, rx: run.design.top.nic.offload.cache.params.rxEntries });
  // More than one flush's worth would show a chunk boundary problem as a line readTrace refuses.
  expect(trace.accesses.length).toBeGreaterThan(500);
  expect(readFileSync(path, "utf8").length).toBeGreaterThan(64 * 1024);
  const summary = run.summary;
  expect(trace.accesses.length).toBe(summary.ipsec.hardwareTx + summary.ipsec.hardwareRx + summary.ipsec.softwareTx + summary.ipsec.softwareRx);
  expect(run.design.top.driver.intermediate.trace.accesses).toEqual([]);
  expect(run.design.top.driver.intermediate.trace.removals).toEqual([]);
  // Bytes are the inner packet's either way (the streams' 128 and 1400), on either path: RX recorded the received frame's (70 more).
  for (const direction of ["tx", "rx"] as const) {
    for (const path of ["hardware", "software"] as const) expect(new Set(trace.accesses.filter((access) => access.direction === direction && access.path === path).map((access) => access.bytes)), `${direction} ${path}`).toEqual(new Set([128, 1400]));
  }
});

test("a run without files (a sweep's) keeps no SA trace either: it kept a record per packet to its end, read by no one", () => {
  const run = runScenario(defaultScenario({ durationMicroseconds: 100, "outputs.waveform": false }), { directory: null });
  expect(run.summary.ipsec.hardwareTx).toBeGreaterThan(0);
  expect(run.design.top.driver.intermediate.trace.accesses).toEqual([]);
});
