import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

const savedSignals = (folder: string) => readFileSync(join(folder, "default.gtkw"), "utf8").split("\n").filter((line) => line.startsWith("top."));

// From a reviewer's check: the save file leaves out a queue whose head never moved; with the head not in the dump (a selection of a queue's
// tail alone), every queue was left out, and GTKWave opened on no signal though the tail had moved 244 times.
test("a queue whose head is not in the dump is kept in the save file: only a head dumped and never moved says the queue carried nothing", () => {
  const selected = mkdtempSync(join(tmpdir(), "nicsim-save-queues-"));
  runScenario(defaultScenario({ durationMicroseconds: 60, "outputs.waveformScopes": ["top.nic.tx.q7.tail", "top.nic.tx.q7.frames_pending"] }), { directory: selected });
  expect(savedSignals(selected).map((line) => line.replace(/\[.*$/, ""))).toEqual(["top.nic.tx.q7.tail", "top.nic.tx.q7.frames_pending"].sort());
  // Dumped whole, the queues whose head never moved are still left out.
  const whole = mkdtempSync(join(tmpdir(), "nicsim-save-queues-"));
  runScenario(defaultScenario({ durationMicroseconds: 60 }), { directory: whole });
  const queues = new Set(savedSignals(whole).flatMap((line) => /^top\.nic\.tx\.(q\d)\./.exec(line)?.[1] ?? []));
  expect(queues.size).toBeGreaterThan(0);
  expect(queues.size).toBeLessThan(8);
}, 60_000);

// From the same check: twelve cores were grouped core0, core1, core10, core11, core2 …
test("the save file's groups take the numbers in their names in order: core2 before core10", () => {
  const folder = mkdtempSync(join(tmpdir(), "nicsim-save-order-"));
  runScenario(defaultScenario({ durationMicroseconds: 50, "driver.cpu.cores": 12 }), { directory: folder });
  const cores = [...new Set(savedSignals(folder).flatMap((line) => /^top\.driver\.cpu\.core(\d+)\./.exec(line)?.[1] ?? []))].map(Number);
  expect(cores).toEqual([...Array(12).keys()]);
}, 60_000);

// From the same check: a queue faulted on its first descriptor, or posted to and never sending, has a head that never moved, and was left out with the queues that carried nothing.
test("a queue whose head never moved is kept in the save file where its fault rose or, for TX, its tail moved", () => {
  const folder = mkdtempSync(join(tmpdir(), "nicsim-save-faulted-"));
  runScenario(defaultScenario({ durationMicroseconds: 60, "nic.dma.readErrorProbability": 1 }), { directory: folder });
  const saved = savedSignals(folder);
  // Every read fails: each RX queue faults on its first descriptor fetch, again after each reset, and its head never moves.
  const rxQueues = new Set(saved.flatMap((line) => /^top\.nic\.rx\.(q\d)\./.exec(line)?.[1] ?? []));
  expect(rxQueues.size).toBe(8);
  for (const queue of rxQueues) expect(saved.some((line) => line.startsWith(`top.nic.rx.${queue}.fault`))).toBe(true);
}, 60_000);
