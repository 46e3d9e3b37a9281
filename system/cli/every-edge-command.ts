import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { interruptThreads } from "../scenario/run-interrupted.js";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { outputNameProblems, outputPlaceProblem } from "../../sim/output-files.js";
import { runFileNames } from "../scenario/run.js";
import type { Scenario } from "../scenario/schema.js";
import { checkSweepPoints, sweepAxesNotes, sweepAxesProblems, sweepGrid, type SweepPoint } from "../scenario/sweep.js";
import { ScenarioError } from "../scenario/load.js";
import { EVERY_EDGE_RUNS } from "../every-edge-check.js";
import { signalExitStatus, StopSignals } from "./stop-signals.js";
import { Progress } from "./progress.js";
import type { EveryEdgeReport, EveryEdgeRequest } from "./every-edge-worker.js";
import { describeOutcome, leavesFiles, type Outcome } from "./every-edge-lines.js";

export interface EveryEdgeCommandOptions {
  readonly grid: Array<[string, unknown[]]>;
  readonly set: Record<string, unknown>;
  readonly keep?: string;
  readonly workers?: number;
  readonly quiet?: boolean;
}

/** Where a configuration's runs' files go under --keep: the directory itself without a grid, `<index>/` under it for a grid's configurations. */
function keptDirectory(keep: string, point: SweepPoint): string {
  return (point.grid ?? []).length === 0 ? keep : join(keep, String(point.index));
}

/** What is wrong with the options before any run: the grid's axes, and every directory --keep would put files in. */
export function everyEdgeOptionProblems(options: EveryEdgeCommandOptions): string[] {
  const problems = sweepAxesProblems(options.grid, options.set);
  if (options.keep === undefined) return problems;
  const points = sweepGrid(options.grid, options.set);
  const places = [options.keep, ...points.flatMap((point) => EVERY_EDGE_RUNS.map((way) => join(keptDirectory(options.keep!, point), way)))];
  // The first directory that cannot be made says why; those under it would say it again.
  const place = places.map((directory) => outputPlaceProblem(directory, `${directory} (--keep)`)).find((problem) => problem !== null);
  return place === undefined ? problems : [...problems, place];
}

/** Every file --keep would have the runs write, by the scenarios' names, that could not be written there: found before any run, as nicsim run finds its own. */
function keptFileProblems(keep: string, points: readonly SweepPoint[], scenarios: readonly Scenario[]): string[] {
  const outputs = { waveform: true, pcap: true, saTrace: true, html: false };
  // The run without the waveform writes none of its files, as nicsim run without one does not.
  const names = points.flatMap((point, index) => EVERY_EDGE_RUNS.flatMap((way) => runFileNames(join(keptDirectory(keep, point), way, scenarios[index]!.name), { ...outputs, waveform: way !== "no-waveform" }, true)));
  return outputNameProblems(names, { givenBy: "--keep" });
}

/**
 * `nicsim every-edge`: each configuration (the scenario with --set, or each of --grid's, as a
 * sweep makes them) run skipping idle blocks, evaluating every block on every edge, and skipping
 * idle blocks without the waveform, in a thread of its own (several at once with a grid); the first difference in each output, or that
 * they agree. Every configuration is checked before any runs. The exit status is 1 when any
 * configuration's runs differ or one fails. SIGINT or SIGTERM stops the runs at their next step
 * (a second stops at once), removes their temporary files and names what --keep holds.
 */
export async function everyEdgeCommand(file: string | undefined, options: EveryEdgeCommandOptions): Promise<void> {
  const say = (message: string) => process.stderr.write(`nicsim every-edge: ${message}\n`);
  for (const note of sweepAxesNotes(options.grid)) say(`note: ${note}`);
  const points = sweepGrid(options.grid, options.set);
  const scenarios = checkSweepPoints(file ?? null, points, everyEdgeOptionProblems(options), say);
  const unwritable = options.keep === undefined ? [] : keptFileProblems(options.keep, points, scenarios);
  if (unwritable.length > 0) throw new ScenarioError(unwritable);
  const workers = Math.min(points.length, options.workers ?? availableParallelism());
  const interrupt = new SharedArrayBuffer(4);
  const running = new Set<Worker>();
  const temporary = new Set<string>();
  let progress = new Progress(points.length === 1 ? "every-edge: skip-idle run" : `every-edge, ${workers} at once`, options.quiet);
  let progressRun = "skip-idle";
  const signals = new StopSignals({
    first: (signal) => {
      progress.stop();
      interruptThreads(interrupt, signal);
      say(`${signal}: stopping the runs at their next step (${signal} again stops at once)`);
    },
    again: (signal) => {
      progress.stop();
      for (const worker of running) void worker.terminate();
      for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
      say(`${signal} again: stopped at once${options.keep === undefined ? "; the temporary files are removed" : `; what is under ${options.keep} is as the runs left it, files under temporary names cut off`}`);
      process.exit(signalExitStatus(signal));
    },
  });
  const outcomes = new Map<number, Outcome>();
  /** Where each configuration's runs wrote: --keep's directory, or a temporary one. */
  const directories = new Map<number, string>();
  let printed = 0;
  let differing = 0;
  let differingWithoutWaveform = 0;
  let failed = 0;
  // Outcomes are printed in the grid's order, each as soon as those before it are.
  const printReady = () => {
    for (let outcome = outcomes.get(printed); outcome !== undefined; outcome = outcomes.get(++printed)) {
      const point = points[printed]!;
      progress.stop();
      const line = describeOutcome(point, outcome, options.keep === undefined ? null : keptDirectory(options.keep, point), directories.get(printed)!);
      process.stdout.write(line.text);
      if (line.differs) differing++;
      if (line.differsWithoutWaveform) differingWithoutWaveform++;
      if (line.failed) failed++;
    }
  };
  const run = (point: SweepPoint) =>
    new Promise<void>((resolve) => {
      const directory = options.keep === undefined ? mkdtempSync(join(tmpdir(), "nicsim-every-edge-")) : keptDirectory(options.keep, point);
      if (options.keep === undefined) temporary.add(directory);
      directories.set(point.index, directory);
      const request: EveryEdgeRequest = { file: file ?? null, overrides: point.overrides, directory, duration: scenarios[point.index]!.durationMicroseconds * 1e6, interrupt };
      const worker = new Worker(new URL("./every-edge-worker.js", import.meta.url), { workerData: request });
      running.add(worker);
      let outcome: Outcome | null = null;
      worker.on("message", (message: EveryEdgeReport) => {
        if (message.kind === "progress") {
          if (points.length > 1 || signals.signal !== null) return;
          // A bar of its own for each run: its wall time and rate are that run's.
          if (message.run !== progressRun) {
            progress.stop();
            progress = new Progress(`every-edge: ${message.run} run`, options.quiet);
            progressRun = message.run;
          }
          progress.update(message.now / 1e6, message.end / 1e6, "µs", "traffic over, waiting for the last packets");
        } else outcome = message;
      });
      worker.on("error", (error) => (outcome = { kind: "error", message: error.message }));
      worker.on("exit", () => {
        running.delete(worker);
        const result = outcome ?? { kind: "error" as const, message: "the configuration's thread stopped without a result" };
        // Kept for a look or removed, it is no longer for a second signal to remove.
        temporary.delete(directory);
        if (options.keep === undefined && !leavesFiles(result)) rmSync(directory, { recursive: true, force: true });
        outcomes.set(point.index, result);
        printReady();
        if (points.length > 1 && signals.signal === null) progress.update(outcomes.size, points.length, "configurations");
        resolve();
      });
    });
  try {
    let next = 0;
    const lane = async () => {
      while (next < points.length && signals.signal === null) await run(points[next++]!);
    };
    await Promise.all(Array.from({ length: workers }, lane));
  } finally {
    signals.release();
    progress.stop();
  }
  const notRun = points.length - outcomes.size;
  const received = signals.signal;
  if (received !== null) {
    say(`stopped by ${received}${notRun > 0 ? `; ${notRun} configuration${notRun === 1 ? "" : "s"} not run` : ""}`);
    process.exitCode = signalExitStatus(received);
    return;
  }
  if (differing + differingWithoutWaveform + failed > 0) {
    const parts = [
      ...(differing > 0 ? [`${differing} differ on every edge (a block skipped as idle had work to do, or acts on how often it is asked: README, "Writing a component")`] : []),
      ...(differingWithoutWaveform > 0 ? [`${differingWithoutWaveform} differ without the waveform (a block shows something one way while the waveform watches it and another while nothing does)`] : []),
      ...(failed > 0 ? [`${failed} failed (a run failed, or did not end well)`] : []),
    ];
    process.stdout.write(`${parts.join("; ")}: of ${points.length} configuration${points.length === 1 ? "" : "s"}\n`);
    process.exitCode = 1;
  }
}
