import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { SweepResultsLog } from "../../system/scenario/sweep-results-log.js";
import type { SweepResult } from "../../system/scenario/sweep-result.js";

test("a sweep whose whole file cannot be written says how many finished runs its log holds, as it holds them (it said every finished run's row was there, where two were: an outside check on a full disk)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-sweep-log-"));
  const log = new SweepResultsLog(join(directory, "s.jsonl.partial"), "{\"header\":1}\n", [], () => {});
  const row = (index: number) => ({ index }) as unknown as SweepResult;
  log.append(row(0));
  log.append(row(1));
  expect(readFileSync(join(directory, "s.jsonl.partial"), "utf8").split("\n")).toHaveLength(4);
  // The sweep's own name taken by a directory: the whole file cannot be renamed there.
  mkdirSync(join(directory, "s.jsonl"));
  expect(() => log.finish(join(directory, "s.jsonl"), "whole\n")).toThrow(`; ${join(directory, "s.jsonl.partial")} holds the rows of 2 finished runs, for --resume`);
});
