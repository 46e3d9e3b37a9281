import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { releaseOwnLocks } from "../../sim/lock-file.js";
import { realPath } from "../../sim/real-path.js";
import { describeLeftFiles, OutputFiles, outputNameProblems, outputPlaceProblem, temporaryName } from "../../sim/output-files.js";
import { finishedSweep, partialResults, partialResultsText, resumedResults, SweepResumeError } from "../scenario/sweep-resume.js";
import { SweepResultsLog } from "../scenario/sweep-results-log.js";
import type { Scenario } from "../scenario/schema.js";
import type { Shard } from "../scenario/sweep-shard.js";
import type { SweepPoint } from "../scenario/sweep.js";
import { problemsMessage } from "../../sim/errors.js";
import { mergeShards } from "../scenario/sweep-merge.js";
import { readShardFile, shardFileText, SweepMergeError, sweepLines } from "../scenario/sweep-shard-file.js";
import { resolveShard, ShardError, shardPoints, type ShardOptions } from "../scenario/sweep-shard.js";
import { checkSweepPoints, formatSweep, runSweep, type SweepControl, SweepRunsFailed, sweepAxesNotes, sweepAxesProblems, sweepGrid, sweepGridSize } from "../scenario/sweep.js";
import type { SweepResult } from "../scenario/sweep-result.js";
import { outcomeEndedWell } from "../scenario/run-ending.js";
import { Progress } from "./progress.js";
import { temporaryFiles } from "./run-command.js";
import type { StoppingSignal } from "../serve/stop-request.js";
import { signalExitStatus, StopSignals } from "./stop-signals.js";

export interface SweepCommandOptions extends ShardOptions {
  readonly grid: Array<[string, unknown[]]>;
  readonly set: Record<string, unknown>;
  readonly workers?: number;
  readonly out?: string;
  readonly keep?: string;
  readonly quiet?: boolean;
  readonly resume?: boolean;
}

/** Where a sweep's JSON lines go without --out: one name per shard, so that shards sharing a directory do not overwrite each other. */
const defaultOut = (shard: { index: number; count: number } | null) => (shard ? `waveforms/sweep.shard-${shard.index}-of-${shard.count}.jsonl` : "waveforms/sweep.jsonl");

/** What is wrong with the shard a sweep is to run (--shard, --shard-count and the batch systems' variables). */
export function shardProblems(options: SweepCommandOptions): string[] {
  try {
    resolveShard(options, process.env);
    return [];
  } catch (error) {
    if (error instanceof ShardError) return [...error.problems];
    throw error;
  }
}

/**
 * Why the results (--out) or each run's files (--keep) could not go where they are to, found before
 * any run without making anything; `file` is the scenario file, which --out must not write over.
 */
export function sweepPlaceProblems(options: Pick<SweepCommandOptions, "out" | "keep" | "grid">, file?: string): string[] {
  // The results' own name too, when given (a directory or a pipe there was found after every run, and the results lost); the default's name depends on the shard.
  const defaultPlace = options.out === undefined ? outputPlaceProblem(dirname(defaultOut(null)), `${dirname(defaultOut(null))} (the default of --out)`) : null;
  const out = options.out === undefined ? (defaultPlace === null ? [] : [defaultPlace]) : outputNameProblems([options.out], { givenBy: "--out" });
  const keep = options.keep === undefined ? null : outputPlaceProblem(options.keep, `${options.keep} (--keep)`);
  return [...out, ...(keep === null ? [] : [keep]), ...outClashes(options.out, options.keep, file, sweepGridSize(options.grid))];
}

/**
 * --out where the sweep would write over its own scenario file (it did, and the scenario was lost),
 * or over a run's files under --keep (`--keep k --out k/1`: found after every run, with a --resume
 * that could not work; from an architect's check).
 */
function outClashes(given: string | undefined, keep: string | undefined, file: string | undefined, configurations: number): string[] {
  // The default's clash (--keep waveforms/sweep.jsonl) is one too, found after every run.
  const out = given ?? defaultOut(null);
  const option = given === undefined ? `--out's default, ${out},` : `--out ${out}:`;
  const problems: string[] = [];
  if (file !== undefined && realPath(out) === realPath(file)) problems.push(`${option} is the scenario file; the results would write over it`);
  if (keep !== undefined) {
    const within = relative(realPath(keep), realPath(out));
    const first = within.split(sep)[0]!;
    // A configuration's directory is its index in digits (not 01), and only the grid's indices are made.
    const index = /^(0|[1-9]\d*)$/.test(first) && Number(first) < configurations;
    if (within === "" || index) problems.push(`${option} is ${within === "" ? "--keep's directory itself" : `in --keep's directory for configuration ${first}'s files (${join(keep, first)})`}; put the results elsewhere`);
    // --keep in the place of the results' own files: each run failed as it ran.
    const own = [`${out}.lock`, temporaryName(out), `${temporaryName(out)}.new`].find((name) => realPath(name) === realPath(keep));
    if (own !== undefined) problems.push(`--keep ${keep}: is where the results' own file ${own} goes; keep the runs' files elsewhere`);
  }
  return problems;
}

/**
 * `nicsim sweep`: the whole grid, or one shard's share of it (from --shard or a SLURM array task or
 * Kubernetes Indexed Job). Every configuration of the grid is checked before any run, a shard's too,
 * so that a bad value stops every shard at once, and so that a shard's fingerprint covers the whole sweep.
 */
export async function sweepCommand(file: string | undefined, options: SweepCommandOptions, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  const shard = resolveShard(options, environment);
  const grid = sweepGrid(options.grid, options.set);
  const say = (message: string) => process.stderr.write(`nicsim sweep: ${message}\n`);
  for (const note of sweepAxesNotes(options.grid, { keep: options.keep !== undefined, set: options.set })) say(`note: ${note}`);
  const scenarios = checkSweepPoints(file ?? null, grid, [...sweepAxesProblems(options.grid, options.set), ...sweepPlaceProblems(options, file)], say);
  const allPoints = shard ? shardPoints(grid, shard) : grid;
  const out = options.out ?? defaultOut(shard);
  const partial = temporaryName(out);
  // Before the runs, so that a directory the results cannot go to is known at once.
  const outputs = new OutputFiles({ directory: dirname(out), givenBy: options.out === undefined ? "the default of --out" : "--out" });
  // One sweep at a time writes <out>: a second one (a requeued job, a second launch) is refused, rather than its rows replacing the first's.
  outputs.lockFor(out);
  // The file a sweep that finished writes: a shard's with its header (sweep-merge needs it), a whole sweep's rows alone.
  const wholeText = (rows: readonly SweepResult[]) => (shard ? shardFileText(shard, grid, scenarios, rows) : sweepLines(rows));
  const resumed = resumedRuns(options.resume === true, { out, partial, shard, grid, scenarios, points: allPoints }, say);
  if (resumed === "finished") {
    outputs.unlock();
    return;
  }
  // Resumed rows whose run kept no files (the sweep interrupted was run without --keep, or elsewhere): said, not left to be found missing (from an architect's check).
  const unkept = options.keep === undefined ? [] : resumed.filter((row) => !existsSync(join(options.keep!, String(row.index)))).map((row) => row.index);
  if (unkept.length > 0) {
    const which = unkept.length === resumed.length ? `the ${resumed.length === 1 ? "configuration" : `${resumed.length} configurations`} resumed` : `${unkept.length} of the ${resumed.length} configurations resumed`;
    const listed = `${unkept.slice(0, 8).join(", ")}${unkept.length > 8 ? ` and ${unkept.length - 8} more` : ""}`;
    say(`--resume: ${which} (${listed}) ${unkept.length === 1 ? "has" : "have"} no files under --keep ${options.keep}: the run that gave ${unkept.length === 1 ? "its row" : "their rows"} kept none there; run without --resume to keep every configuration's files`);
  }
  const finishedBefore = new Set(resumed.map((row) => row.index));
  const points = allPoints.filter((point) => !finishedBefore.has(point.index));
  // The rows resumed and those run now, in grid order: the file and table an uninterrupted sweep gives.
  const withResumed = (rows: readonly SweepResult[]) => [...resumed, ...rows].sort((a, b) => a.index - b.index);
  // Each run's row goes to <out>.partial as it finishes: a sweep killed outright leaves them for --resume.
  const log = new SweepResultsLog(partial, partialResultsText(shard, grid, scenarios), resumed, say);
  const logged = () => {
    const { rows, failure, begun } = log.state;
    if (!begun) return `${partial} could not be made (${failure}): no row is kept`;
    return `${partial} holds ${rows === 0 ? "the sweep's header alone" : `the results of ${rows}`}${failure === null ? "" : ` (writing there failed: ${failure})`}`;
  };
  const progress = new Progress(shard ? `sweep shard ${shard.index}/${shard.count}` : "sweep", options.quiet);
  const started = performance.now();
  const control: SweepControl = {};
  // Stopped by a signal: the runs under way end at once (their threads stopped first, so that what they left is said as it stays);
  // the finished ones' rows are in the log already, and each run cut off has its files and lock said.
  const onSignal = async (signal: StoppingSignal) => {
    progress.stop();
    const { cutOff, finished: doneNow } = (await control.stop?.()) ?? { cutOff: [], finished: [] };
    const done = withResumed(doneNow);
    const whole = done.length === allPoints.length;
    let saved: string;
    try {
      if (whole) log.finish(out, wholeText(done));
      saved = whole ? `every run had finished: their results are in ${out}` : `${logged()}; --resume runs the rest`;
    } catch (error) {
      // The runs' own files are still said, and their locks removed.
      saved = `their results could not be written (${(error as Error).message})`;
    }
    const lines = [`nicsim sweep: ${signal}: stopped with ${done.length} of ${allPoints.length} runs done; ${saved}.`, ...cutOffRuns(options.keep, cutOff)];
    process.stderr.write(`${lines.join("\n")}\n`);
    process.exit(signalExitStatus(signal));
  };
  // A second signal changes nothing: the first already stops the runs at once.
  const signals = new StopSignals({
    first: (signal) =>
      void onSignal(signal).catch((error: unknown) => {
        process.stderr.write(`nicsim sweep: ${signal}: stopped, but saying what it left failed: ${(error as Error).message}\n`);
        process.exit(signalExitStatus(signal));
      }),
  });
  let results: readonly SweepResult[];
  try {
    const onResult = (result: SweepResult, done: number) => {
      log.append(result);
      progress.update(resumed.length + done, allPoints.length, "runs");
    };
    results = withResumed(await runSweep(file ?? null, points, { workers: options.workers, keep: options.keep ?? null, checked: true, control, onResult }));
  } catch (error) {
    progress.stop();
    if (!(error instanceof SweepRunsFailed)) throw error;
    // The sweep is not whole: the finished runs' rows stay under the temporary name, for --resume once what failed is mended.
    const finished = resumed.length + error.finished.length;
    // Their table too: only a pointer to the partial file was said (from an architect's check); and those that did not end well, as a whole sweep names them.
    if (finished > 0) {
      process.stdout.write(formatSweep(withResumed(error.finished)));
      reportNotEndedWell(withResumed(error.finished), "sweep");
    }
    throw new Error(`${error.failures.length} of ${allPoints.length} configuration${allPoints.length === 1 ? "" : "s"} failed as they ran:\n  ${error.failures.join("\n  ")}\n${log.state.begun ? `The results of the ${finished} that finished${resumed.length > 0 ? ` (${resumed.length} of them resumed)` : ""} are in ${partial}${log.state.failure === null ? "" : ` (as far as writing there went: ${log.state.failure})`}` : `${finished} finished, but ${logged()}`}, not given the name ${out}, since the sweep is not whole; --resume runs the rest once what failed is mended.`);
  } finally {
    signals.release();
  }
  progress.stop();
  try {
    log.finish(out, wholeText(results));
  } catch (error) {
    // The results are whole in memory: the table still reaches the user (a disk full lost every run's figures but two: an outside check).
    outputs.unlock();
    reportSweep(results, shard, grid.length, resumed.length > 0 ? ` (${resumed.length} resumed from ${partial})` : "", `wall ${((performance.now() - started) / 1000).toFixed(1)} s; ${out} not written`);
    throw error;
  }
  outputs.unlock();
  reportSweep(results, shard, grid.length, resumed.length > 0 ? ` (${resumed.length} resumed from ${partial})` : "", `wall ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${out}`);
}

/** What --resume keeps: the rows an earlier run of this sweep left in <out>.partial, or "finished" when <out> holds the whole sweep already (its table printed). Without --resume, a partial holding anything is refused, never thrown away. */
function resumedRuns(resume: boolean, place: { out: string; partial: string; shard: Shard | null; grid: readonly SweepPoint[]; scenarios: readonly Scenario[]; points: readonly SweepPoint[] }, say: (message: string) => void): SweepResult[] | "finished" {
  const { out, partial, shard, grid, scenarios, points } = place;
  const found = partialResults(partial);
  if (!resume) {
    if (found.kind === "results") {
      const rows = found.file.rows.length;
      const runs = `${rows} finished run${rows === 1 ? "" : "s"}`;
      // --resume is advised only where it would take them: rows of another sweep (an edited scenario, another grid) are said as such.
      try {
        resumedResults(found, partial, shard, grid, scenarios, points, () => {});
      } catch (error) {
        if (!(error instanceof SweepResumeError)) throw error;
        const why = error.message.replace(/^--resume: /, "");
        // The reason says what to do where it can (another sweep's: resume it with its own command); a row it refuses does not.
        throw new SweepResumeError(`${partial}: holds the results of ${runs} that --resume would not take for this sweep: ${why}${/move (it|the file) aside/.test(why) ? "" : "; move it aside or remove it"}`);
      }
      throw new SweepResumeError(`${partial}: holds the results of ${runs} of an earlier run of this sweep that did not finish; give --resume to keep them and run only the configurations they lack, or remove the file`);
    }
    if (found.kind === "other") throw new SweepResumeError(`${partial}: a file that is no sweep's results nicsim can resume (${found.why}); it is not thrown away unasked: move it aside or remove it`);
    return [];
  }
  if (found.kind === "none") {
    const finished = finishedSweep(out, shard, scenarios, points);
    if (finished !== null) {
      say(`--resume: ${out} holds every configuration's result already, with this sweep's values${shard ? " and fingerprint" : " (a whole sweep's output carries no fingerprint: nicsim cannot tell whether its scenario file and nicsim's code were this run's)"}: nothing to run; remove it to run the sweep again`);
      reportSweep(finished, shard, grid.length, " (none run now)", `${out} as it was`);
      return "finished";
    }
    // <out> holding another sweep's results (another shard's, another grid's): running would replace them, where --resume means to keep work (a shard given another's file replaced it; from a re-check).
    // Rows another version of nicsim wrote (without a field this one adds, such as injectedCopies) are not this sweep's either: said, as they were called another sweep's (from a re-check).
    if (existsSync(out)) throw new SweepResumeError(`--resume: ${out} holds results that are not this ${shard ? `shard's (${shard.index}/${shard.count})` : "sweep's"} (another sweep's, or rows another version of nicsim wrote), and there is no ${partial} to resume: running would replace them; move ${out} aside or remove it, or run without --resume`);
    say(`--resume: no finished run to keep (${found.why}); running all ${points.length}`);
    return [];
  }
  const rows = resumedResults(found, partial, shard, grid, scenarios, points, say);
  say(`--resume: ${rows.length} of ${points.length} configurations finished in ${partial}; running the other ${points.length - rows.length}`);
  return rows;
}

/** The table and closing line of a finished sweep (or shard), and the configurations whose runs would exit 1 alone, which fail it. */
function reportSweep(results: readonly SweepResult[], shard: Shard | null, gridSize: number, ranNote: string, tail: string): void {
  // A shard that no configuration falls to (more shards than configurations) has no table, only its file's header line.
  if (results.length > 0) process.stdout.write(formatSweep(results));
  else if (shard) console.log(`no configuration falls to shard ${shard.index} of ${shard.count} (the sweep has ${gridSize}): its file holds only the header line sweep-merge needs`);
  console.log(shard ? `\nshard ${shard.index}/${shard.count} (${shard.givenBy}): ${results.length} of ${gridSize} runs${ranNote}, ${tail}` : `\n${results.length} run${results.length === 1 ? "" : "s"}${ranNote}, ${tail}`);
  reportNotEndedWell(results, "sweep");
}

/** A configuration whose run would exit 1 on its own fails the sweep too, and the merge of its shards: named with its outcome (the table has no room for it). */
function reportNotEndedWell(results: readonly SweepResult[], command: "sweep" | "sweep-merge"): void {
  const failed = results.filter((row) => !outcomeEndedWell(row.outcome));
  if (failed.length > 0) {
    const listed = failed.slice(0, 8).map((row) => `configuration ${row.index}: ${row.outcome}`);
    process.stderr.write(`nicsim ${command}: ${failed.length} of ${results.length} runs did not end well (each alone would exit 1):\n  ${listed.join("\n  ")}${failed.length > 8 ? `\n  and ${failed.length - 8} more` : ""}\n`);
    process.exitCode = 1;
  }
}

/** What the runs a signal cut off left under --keep: their files and states, and their locks, removed. */
function cutOffRuns(keep: string | undefined, cutOff: readonly number[]): string[] {
  if (keep === undefined) return [];
  const lines: string[] = [];
  const directories = cutOff.map((index) => join(keep, String(index)));
  const leftIn = directories.map((directory) => temporaryFiles(directory));
  const left = leftIn.flat();
  if (left.length > 0) lines.push(`The runs cut off (--keep ${keep}) ${describeLeftFiles(left).replace(/^The run did not finish/, "did not finish")}`);
  // A run stopped as it finished has its files under their own names, but sent no figures: its row is not among the results.
  const named = cutOff.filter((_, position) => leftIn[position]!.length === 0 && existsSync(directories[position]!) && readdirSync(directories[position]!).length > 0);
  if (named.length > 0) lines.push(`Run${named.length === 1 ? "" : "s"} ${named.join(", ")} (--keep ${keep}) had given ${named.length === 1 ? "its" : "their"} files their own names when stopped, but not sent ${named.length === 1 ? "its" : "their"} figures: not among the results.`);
  const released = directories.flatMap(releaseOwnLocks);
  if (released.length > 0) lines.push(`Their lock files are removed: ${released.join(", ")}`);
  return lines;
}

/**
 * What keeps shards from being merged, every one at once: a shard given twice (its rows would be
 * merged twice), a file that cannot be read or is no shard, and an --out that would write over one.
 */
export function sweepMergeProblems(files: readonly string[], out: string): { shards: ReturnType<typeof readShardFile>[]; problems: string[] } {
  const problems: string[] = [];
  const same = (file: string) => files.filter((other) => resolve(other) === resolve(file));
  const unique = files.filter((file, index) => files.indexOf(same(file)[0]!) === index);
  for (const file of unique) if (same(file).length > 1) problems.push(`${file}: given more than once; give each shard once`);
  const shards = unique.flatMap((file) => {
    try {
      return [readShardFile(file)];
    } catch (error) {
      if (!(error instanceof SweepMergeError)) throw error;
      problems.push(error.message);
      return [];
    }
  });
  if (files.some((file) => realPath(file) === realPath(out))) problems.push(`--out ${out}: is one of the shards given; merging would write over it`);
  else problems.push(...outputNameProblems([out], { givenBy: "--out" }));
  return { shards, problems };
}

/** `nicsim sweep-merge`: the shards' outputs joined into the JSON lines and table of the whole sweep, as one unsharded sweep gives them. */
export function sweepMergeCommand(files: readonly string[], options: { readonly out: string }): void {
  const { shards, problems } = sweepMergeProblems(files, options.out);
  const refused = problemsMessage("the shards cannot be merged", problems);
  if (refused !== null) throw new SweepMergeError(refused);
  const merged = mergeShards(shards);
  const outputs = new OutputFiles({ directory: dirname(options.out), givenBy: "--out" });
  // As a sweep holds <out>.lock while it writes <out>: a merge onto the --out of a sweep still running wrote it, and the sweep then replaced it (from an architect's check).
  outputs.lockFor(options.out);
  try {
    outputs.write(options.out, merged.text);
    outputs.commit();
  } finally {
    outputs.unlock();
  }
  process.stdout.write(formatSweep(merged.results));
  console.log(`\n${merged.results.length} run${merged.results.length === 1 ? "" : "s"} from ${merged.shards} shard${merged.shards === 1 ? "" : "s"}; wrote ${options.out}`);
  // What the unsharded sweep says of a run that did not end well, and its exit status (the merge said nothing and exited 0).
  reportNotEndedWell(merged.results, "sweep-merge");
}
