import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { vcdStreamChanges } from "../support/vcd-stream-reader.js";

test("the project's VCD reader reads a run's dump change for change as vcd-stream, a parser it shares nothing with, does", async () => {
  // The default run, IKE bring-up and 60 µs of traffic: about 1.7 ms, under vcd-stream's 32-bit limit.
  const directory = mkdtempSync(join(tmpdir(), "nicsim-crosscheck-"));
  runScenario(defaultScenario({ durationMicroseconds: 60, "outputs.pcap": false, "outputs.html": false, "outputs.saTrace": false }), { directory });
  const bytes = readFileSync(join(directory, "default.vcd"));
  const ours = (await readVcd(bytes)).changes.map((change) => `${change.path}@${change.time}=${change.value}`);
  const theirs = await vcdStreamChanges(bytes);
  expect(ours.length).toBeGreaterThan(10_000);
  expect(ours.length).toBe(theirs.length);
  expect(ours.filter((change, index) => change !== theirs[index]).slice(0, 5)).toEqual([]);
}, 120_000);
