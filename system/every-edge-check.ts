import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunFailedError } from "../sim/failed-run.js";
import { type LoadedScenario, ScenarioError } from "./scenario/load.js";
import { runScenario, type ScenarioRun } from "./scenario/run.js";
import { RunInterrupted } from "./scenario/run-interrupted.js";
import { endedWell } from "./scenario/run-ending.js";
import { COMPARED_OUTPUTS, outputDifferences, type OutputDifference } from "./output-differences.js";

/**
 * The ways a run is made: blocks that say they are idle skipped (every run's way), every block
 * evaluated on every edge, and idle blocks skipped without the waveform (a sweep's way), where a
 * block that draws a signal only while it is watched draws it lazily.
 */
export const EVERY_EDGE_RUNS = ["skip-idle", "every-edge", "no-waveform"] as const;
export type EveryEdgeRun = (typeof EVERY_EDGE_RUNS)[number];

/** What the run without the waveform is compared on: everything the first run wrote but its waveform. */
const UNWATCHED_OUTPUTS = COMPARED_OUTPUTS.filter((output) => output !== ".vcd");

export interface EveryEdgeCheck {
  /** Each compared output's first difference between the runs skipping idle blocks and on every edge; empty when they agree. */
  readonly differences: readonly OutputDifference[];
  /** Each output's first difference between the runs skipping idle blocks with the waveform and without it (all but the waveform); empty when they agree. */
  readonly withoutWaveform: readonly OutputDifference[];
  /** Frames on the wire in the run that skips idle blocks: how much the agreement covers. */
  readonly wireFrames: number;
  /**
   * That run's outcome in words, and whether it ended well (as nicsim run's exit status says): the
   * runs share how a run ends, so a block that never says it is idle keeps them all running alike,
   * and only the outcome shows it.
   */
  readonly outcome: string;
  readonly endedWell: boolean;
  /** What of the waveform the scenario records, when not all of it: the comparison covers only that. */
  readonly waveformLimits: string | null;
  /** Wall seconds of each run. */
  readonly seconds: Readonly<Record<EveryEdgeRun, number>>;
  /** Where each run's files are, when kept. */
  readonly kept: Readonly<Record<EveryEdgeRun, string>> | null;
}

/** The first two runs' comparison, as EveryEdgeCheck gives it. */
export type EarlierRuns = Pick<EveryEdgeCheck, "differences" | "wireFrames" | "waveformLimits">;

/** One of the runs failed or was stopped: which, why (with the files it left, named as runScenario names them), and where its files are now. */
export class EveryEdgeRunFailed extends Error {
  constructor(
    readonly run: EveryEdgeRun,
    readonly failure: string,
    readonly stopped: boolean,
    /** The directory holding the runs' files, or null when they were removed (a temporary one, for a run stopped by a signal). */
    readonly directory: string | null,
    /** When the run without the waveform failed, what the first two runs showed: its failure does not hide it. Null when one of them failed. */
    readonly earlier: EarlierRuns | null = null,
  ) {
    super(`the ${run} run ${stopped ? "was" : "failed:"} ${failure}`);
  }
}

export interface EveryEdgeOptions {
  /** The directory to leave the runs' files in (`skip-idle/`, `every-edge/` and `no-waveform/` under it); without it they go to a temporary one, removed after. */
  readonly keep?: string | null;
  /** After each step of any of the runs (runScenario's onProgress): throw to stop it. */
  readonly onProgress?: (run: EveryEdgeRun, now: number, end: number, trafficStarted: boolean) => void;
}

/**
 * Run a scenario skipping idle blocks and evaluating every block on every edge, and compare what
 * each wrote. A block that says it is idle while it has work to do, or that acts on how often it is
 * asked, makes them differ: the check every component's author runs (README, "Writing a
 * component"). A third run skips idle blocks without the waveform, and is compared with the first
 * on all but the waveform: a signal drawn only while watched, read wrong when not, makes them
 * differ. `load` gives the scenario afresh for each run; every output but the HTML report (and the
 * third run's waveform) is written, whatever the scenario asks. A run that fails leaves its files
 * for a look, in a temporary directory too (EveryEdgeRunFailed says where); one stopped through
 * `onProgress` removes a temporary one.
 */
export function checkEveryEdge(load: (outputs: Record<string, unknown>) => LoadedScenario, options: EveryEdgeOptions = {}): EveryEdgeCheck {
  const keep = options.keep ?? null;
  const base = keep ?? mkdtempSync(join(tmpdir(), "nicsim-every-edge-"));
  let removeBase = keep === null;
  try {
    const outputs = { "outputs.waveform": true, "outputs.pcap": true, "outputs.saTrace": true, "outputs.html": false };
    // The run on every edge ends where the first ended: it settles every clock, so the two would cover different spans. The run without the waveform ends by
    // itself: given the first's end, a waveform that moved the end (a window opening as the run ended) could not show (from an outside check).
    let endAt: number | undefined;
    const runs: { run: ScenarioRun; loaded: LoadedScenario; seconds: number }[] = [];
    // The first two runs' comparison, made as soon as both have run: a failing third run does not hide it.
    let earlier: EarlierRuns | null = null;
    for (const way of EVERY_EDGE_RUNS) {
      const started = performance.now();
      try {
        const loaded = load(way === "no-waveform" ? { ...outputs, "outputs.waveform": false } : outputs);
        const run = runScenario(loaded, { directory: join(base, way), skipIdle: way !== "every-edge", endAt: way === "every-edge" ? endAt : undefined, onProgress: options.onProgress && ((now, end, trafficStarted) => options.onProgress!(way, now, end, trafficStarted)) });
        endAt ??= run.design.kernel.now;
        runs.push({ run, loaded, seconds: (performance.now() - started) / 1000 });
        if (way === "every-edge") earlier = compareFirstTwo(runs[0]!, run);
      } catch (error) {
        // Refused before the first run wrote anything: the scenario's problems as nicsim run says them, and no directory left (one was, empty, said to hold its files).
        if (error instanceof ScenarioError && runs.length === 0) throw error;
        const stopped = error instanceof RunInterrupted || (error instanceof RunFailedError && error.failure instanceof RunInterrupted);
        // A failure is kept for a look; a stop asked for leaves nothing of a temporary directory.
        removeBase &&= stopped;
        const message = error instanceof Error ? error.message : String(error);
        // The files a stopped run names are gone with its temporary directory.
        throw new EveryEdgeRunFailed(way, removeBase ? message.split("\n")[0]! : message, stopped, removeBase ? null : base, earlier);
      }
    }
    const [skipping, everyEdge, unwatched] = runs as [(typeof runs)[number], (typeof runs)[number], (typeof runs)[number]];
    return {
      ...earlier!,
      withoutWaveform: outputDifferences(skipping.run.files, unwatched.run.files, UNWATCHED_OUTPUTS),
      outcome: skipping.run.summary.outcome,
      endedWell: endedWell(skipping.run.summary.ending),
      seconds: { "skip-idle": skipping.seconds, "every-edge": everyEdge.seconds, "no-waveform": unwatched.seconds },
      kept: keep === null ? null : { "skip-idle": join(keep, "skip-idle"), "every-edge": join(keep, "every-edge"), "no-waveform": join(keep, "no-waveform") },
    };
  } finally {
    if (removeBase) rmSync(base, { recursive: true, force: true });
  }
}

/**
 * A configuration's values with the runs' own output switches (`outputs.waveform`, …) on top: set
 * inside a whole `outputs` mapping the configuration gives, where set beside it they were refused
 * as inside a place given whole (from an outside check).
 */
export function withRunOutputs(overrides: Record<string, unknown>, outputs: Record<string, unknown>): Record<string, unknown> {
  const whole = overrides.outputs;
  if (whole === null || typeof whole !== "object" || Array.isArray(whole)) return { ...overrides, ...outputs };
  const inside = Object.fromEntries(Object.entries(outputs).map(([path, value]) => [path.slice("outputs.".length), value]));
  return { ...overrides, outputs: { ...whole, ...inside } };
}

/** The runs skipping idle blocks and on every edge, compared on every output. */
function compareFirstTwo(skipping: { run: ScenarioRun; loaded: LoadedScenario }, everyEdge: ScenarioRun): EarlierRuns {
  return {
    differences: outputDifferences(skipping.run.files, everyEdge.files),
    wireFrames: skipping.run.summary.wireFrames.toPeer + skipping.run.summary.wireFrames.toHost,
    waveformLimits: waveformLimits(skipping.loaded, skipping.run.design.kernel.now),
  };
}

/** A window's time as the dump takes it, whole picoseconds: a file's 81.33099999999999 (a double's noise, accepted as 81.331) was shown as written (from an outside check). */
function asRecorded(microseconds: number): number {
  return Math.round(microseconds * 1e6) / 1e6;
}

/** The scenario's limits on what its waveform records (scopes, exclusions, a window, one the run never reached), in words; null when it records everything. */
function waveformLimits(loaded: LoadedScenario, end: number): string | null {
  const { waveformScopes, waveformExclude, waveformFromMicroseconds, waveformToMicroseconds } = loaded.scenario.outputs;
  const limits = [
    ...(waveformScopes === undefined ? [] : [`scopes ${waveformScopes.join(", ")}`]),
    ...(waveformExclude === undefined || waveformExclude.length === 0 ? [] : [`without ${waveformExclude.join(", ")}`]),
    ...(waveformFromMicroseconds === undefined && waveformToMicroseconds === undefined ? [] : [`from ${asRecorded(waveformFromMicroseconds ?? 0)} µs to ${waveformToMicroseconds === undefined ? "the end" : `${asRecorded(waveformToMicroseconds)} µs`}`]),
  ];
  // As nicsim run warns of it: the dump holds the values at the run's end, and no change to compare.
  const unreached = waveformFromMicroseconds !== undefined && waveformFromMicroseconds * 1e6 > end ? `, which the run, ending at ${(end / 1e6).toFixed(3)} µs, never reached: no change compared` : "";
  return limits.length === 0 ? null : `${limits.join("; ")}${unreached}`;
}
