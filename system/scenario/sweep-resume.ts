import { existsSync, readFileSync, statSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { Scenario } from "./schema.js";
import { redactSecrets } from "./secret-paths.js";
import type { Shard } from "./sweep-shard.js";
import { readShardFile, shardFileText, SweepMergeError, sweepFingerprint } from "./sweep-shard-file.js";
import type { SweepPoint } from "./sweep.js";
import type { SweepResult } from "./sweep-result.js";

/** A whole sweep's partial results carry a shard's header, as shard 0 of 1, so that --resume checks them alike. */
const WHOLE_SWEEP: Shard = { index: 0, count: 1, givenBy: "the whole sweep" };

/** A sweep's results that cannot be resumed from; the message names the file and what is wrong. */
export class SweepResumeError extends Error {}

/**
 * What an interrupted or failed sweep keeps under its results' temporary name: a header line with the
 * sweep's fingerprint, which --resume checks, then the finished runs' rows in grid order.
 */
export function partialResultsText(shard: Shard | null, grid: readonly SweepPoint[], scenarios: readonly Scenario[], results: readonly SweepResult[]): string {
  return shardFileText(shard ?? WHOLE_SWEEP, grid, scenarios, results);
}

/** Whether an earlier sweep left finished runs' results under this temporary name: a line after the header (one stopped before any run finished left the header alone). */
export function holdsResults(partial: string): boolean {
  if (!existsSync(partial) || !statSync(partial).isFile()) return false;
  const text = readFileSync(partial, "utf8");
  const firstLineEnd = text.indexOf("\n");
  return firstLineEnd >= 0 && text.length > firstLineEnd + 1;
}

/**
 * The finished runs an interrupted run of this same sweep (or shard) left in `partial`: checked to
 * be this sweep's (its fingerprint covers nicsim's version and every configuration's whole
 * scenario), each row one of the configurations to run, once, with the values it shows.
 */
export function resumedResults(partial: string, shard: Shard | null, grid: readonly SweepPoint[], scenarios: readonly Scenario[], points: readonly SweepPoint[]): SweepResult[] {
  let file;
  try {
    file = readShardFile(partial);
  } catch (error) {
    if (!(error instanceof SweepMergeError)) throw error;
    throw new SweepResumeError(`--resume: ${error.message.replace("not a sweep shard's output (its first line is not the header 'nicsim sweep --shard' writes", "not an interrupted sweep's results (its first line is not the header nicsim sweep writes there")}`);
  }
  const expected = shard ?? WHOLE_SWEEP;
  const header = file.header;
  if (header.index !== expected.index || header.count !== expected.count) {
    const described = (index: number, count: number) => (count === 1 ? "the whole sweep" : `shard ${index} of ${count}`);
    throw new SweepResumeError(`--resume: ${partial} holds results of ${described(header.index, header.count)}, and this is ${described(expected.index, expected.count)}`);
  }
  if (header.points !== grid.length || header.fingerprint !== sweepFingerprint(scenarios)) {
    throw new SweepResumeError(`--resume: ${partial} holds results of another sweep (${header.points} configurations, nicsim ${header.nicsim}; its scenario, grid, --set or nicsim's version differ from this one's, which has ${grid.length}): remove it, or run the sweep it came from with --resume`);
  }
  const byIndex = new Map(points.map((point) => [point.index, point]));
  const seen = new Set<number>();
  for (const { line, result } of file.rows) {
    const point = byIndex.get(result.index);
    if (point === undefined) throw new SweepResumeError(`--resume: ${partial}:${line}: configuration ${result.index} is not one this ${shard ? "shard" : "sweep"} runs`);
    if (seen.has(result.index)) throw new SweepResumeError(`--resume: ${partial}:${line}: configuration ${result.index} a second time`);
    seen.add(result.index);
    if (!isDeepStrictEqual(result.overrides, point.shown ?? redactSecrets(point.overrides))) throw new SweepResumeError(`--resume: ${partial}:${line}: configuration ${result.index}'s values are not this sweep's (edited by hand?)`);
  }
  return file.rows.map((row) => row.result);
}
