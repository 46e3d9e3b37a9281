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

test("a log that could not be made at all is not said to hold rows: no row is kept for --resume (it said the file held none of the rows, where there was no file: an outside check on a 4 KB disk)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-sweep-log-"));
  const warnings: string[] = [];
  const log = new SweepResultsLog(join(directory, "missing", "s.jsonl.partial"), "{\"header\":1}\n", [], (message) => warnings.push(message));
  expect(log.state).toMatchObject({ rows: 0, begun: false });
  expect(warnings).toHaveLength(1);
  expect(() => log.finish(join(directory, "missing", "s.jsonl"), "whole\n")).toThrow(/s\.jsonl\.partial could not be made either \(ENOENT[^)]*\): no row is kept for --resume$/);
});
