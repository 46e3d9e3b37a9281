import { existsSync, readFileSync, statSync } from "node:fs";
import { cannotRead, readNamedFile } from "../../sim/unreadable.js";
import type { Scenario } from "./schema.js";
import { redactSecrets } from "./secret-paths.js";
import type { Shard } from "./sweep-shard.js";
import { parseShardText, type ShardFile, shardFileText, SweepMergeError, sweepFingerprint } from "./sweep-shard-file.js";
import type { SweepPoint } from "./sweep.js";
import { type SweepResult, sweepResultProblems } from "./sweep-result.js";

/** A whole sweep's partial results carry a shard's header, as shard 0 of 1, so that --resume checks them alike. */
const WHOLE_SWEEP: Shard = { index: 0, count: 1, givenBy: "the whole sweep" };

/** A sweep's results that cannot be resumed from; the message names the file and what is wrong. */
export class SweepResumeError extends Error {}

/** The header a sweep's `<out>.partial` starts with (its fingerprint, which --resume checks), then `rows`, in the order given. */
export function partialResultsText(shard: Shard | null, grid: readonly SweepPoint[], scenarios: readonly Scenario[], rows: readonly SweepResult[] = []): string {
  return shardFileText(shard ?? WHOLE_SWEEP, grid, scenarios, rows);
}

/** What is under a sweep's temporary name: nothing to keep, the finished runs of a sweep (readable with its header), or a file of something else, which is not thrown away unasked. */
export type PartialResults = { readonly kind: "none"; readonly why: string } | { readonly kind: "results"; readonly file: ShardFile; readonly cutOff: boolean } | { readonly kind: "other"; readonly why: string };

/** A partial's text as --resume reads it: a last line cut off (a row being written when the sweep was killed) is left out, and said. */
function wholeLines(partial: string): { text: string; cutOff: boolean } {
  let text: string;
  try {
    text = readNamedFile(partial, "utf8");
  } catch (error) {
    throw new SweepResumeError(cannotRead(partial, error));
  }
  const cut = text.length > 0 && !text.endsWith("\n");
  return { text: cut ? text.slice(0, text.lastIndexOf("\n") + 1) : text, cutOff: cut };
}

/** A shard file's reading problem, said of a sweep's partial results (which carry a shard's header). */
const inPartialWords = (message: string) => message.replace("not a sweep shard's output (its first line is not the header 'nicsim sweep --shard' writes", "not an interrupted sweep's results (its first line is not the header nicsim sweep writes there");

export function partialResults(partial: string): PartialResults {
  if (!existsSync(partial)) return { kind: "none", why: `${partial} does not exist` };
  // A directory or a device there is said where the file is written; a file it cannot read, when --resume reads it.
  if (!statSync(partial).isFile()) return { kind: "none", why: `${partial} is no file` };
  if (statSync(partial).size === 0) return { kind: "none", why: `${partial} is empty` };
  let parsed;
  let cutOff = false;
  try {
    const whole = wholeLines(partial);
    cutOff = whole.cutOff;
    parsed = parseShardText(partial, whole.text);
  } catch (error) {
    if (!(error instanceof SweepMergeError || error instanceof SweepResumeError)) throw error;
    return { kind: "other", why: inPartialWords(error.message) };
  }
  if (parsed.rows.length > 0) return { kind: "results", file: parsed, cutOff };
  return { kind: "none", why: `${partial} holds the sweep's header alone${cutOff ? ", and a row cut off as it was written" : ": no run had finished"}` };
}

/**
 * The finished runs an earlier run of this same sweep (or shard) left in `partial`, checked to be
 * this sweep's: its fingerprint covers nicsim's version and every configuration's whole scenario, so
 * each row's figures are its configuration's; each row is one of the configurations to run, once.
 * Rows are shown with this sweep's values (a `--set` of a default's own value left out at the resume
 * makes the same scenario).
 */
export function resumedResults(found: Exclude<PartialResults, { kind: "none" }>, partial: string, shard: Shard | null, grid: readonly SweepPoint[], scenarios: readonly Scenario[], points: readonly SweepPoint[], note: (message: string) => void): SweepResult[] {
  if (found.kind === "other") throw new SweepResumeError(`--resume: ${found.why}; it cannot be resumed: move it aside (or remove it) and run the sweep without --resume`);
  const { file, cutOff } = found;
  if (cutOff) note(`${partial}: its last line was cut off (a row being written when the sweep was stopped): left out, and that configuration runs again`);
  const expected = shard ?? WHOLE_SWEEP;
  const header = file.header;
  if (header.index !== expected.index || header.count !== expected.count) {
    const described = (index: number, count: number) => (count === 1 ? "the whole sweep" : `shard ${index} of ${count}`);
    throw new SweepResumeError(`--resume: ${partial} holds results of ${described(header.index, header.count)}, and this is ${described(expected.index, expected.count)}: resume that one with it, or move it aside`);
  }
  if (header.points !== grid.length || header.fingerprint !== sweepFingerprint(scenarios)) {
    throw new SweepResumeError(
      `--resume: ${partial} holds results of another sweep (${header.points} configurations, nicsim ${header.nicsim}; this one has ${grid.length}): its scenario file, --grid values and their order, --set, or nicsim's version or code differ (the header records only their fingerprint). Resume it with the command that made it, or move the file aside`,
    );
  }
  const byIndex = new Map(points.map((point) => [point.index, point]));
  const seen = new Set<number>();
  return file.rows.map(({ line, result }) => {
    const point = byIndex.get(result.index);
    if (point === undefined) throw new SweepResumeError(`--resume: ${partial}:${line}: configuration ${result.index} is not one this ${shard ? "shard" : "sweep"} runs`);
    if (seen.has(result.index)) throw new SweepResumeError(`--resume: ${partial}:${line}: configuration ${result.index} a second time`);
    seen.add(result.index);
    return { ...result, overrides: point.shown ?? redactSecrets(point.overrides) };
  });
}

/**
 * A finished sweep's own output, when it already holds every configuration of this one with its
 * values: --resume then has nothing to run (a job requeued after it finished ran it all again).
 */
export function finishedSweep(out: string, shard: Shard | null, scenarios: readonly Scenario[], points: readonly SweepPoint[]): SweepResult[] | null {
  if (!existsSync(out) || !statSync(out).isFile()) return null;
  let rows: SweepResult[];
  try {
    const text = readFileSync(out, "utf8");
    if (shard !== null) {
      // A shard's output says which sweep it is: only this one's is finished work.
      const file = parseShardText(out, text);
      if (file.header.fingerprint !== sweepFingerprint(scenarios) || file.header.index !== shard.index || file.header.count !== shard.count) return null;
      rows = file.rows.map((row) => row.result);
    } else rows = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as SweepResult);
  } catch {
    return null;
  }
  if (rows.length !== points.length || rows.some((row) => sweepResultProblems(row) !== null)) return null;
  const matches = rows.every((row, position) => row.index === points[position]!.index && JSON.stringify(row.overrides) === JSON.stringify(points[position]!.shown ?? redactSecrets(points[position]!.overrides)));
  return matches ? rows : null;
}
