import { parentPort, workerData } from "node:worker_threads";
import { scenarioFileOrDefault } from "../scenario/default-scenario.js";
import { ScenarioError } from "../scenario/load.js";
import { runScenario } from "../scenario/run.js";
import type { RunEnding } from "../scenario/run-ending.js";
import { interruptibleProgress } from "../scenario/run-interrupted.js";
import { RunFailedError } from "../../sim/failed-run.js";

/** What `nicsim run` asks of its run's thread. */
export interface RunRequest {
  readonly file: string | null;
  readonly overrides: Record<string, unknown>;
  readonly out?: string;
  /** One Int32: 0, or the number of the signal that interrupts the run (set by the main thread). */
  readonly interrupt: SharedArrayBuffer;
}

/** What the run's thread reports: progress, then one outcome. */
export type RunReport = { readonly kind: "progress"; readonly now: number; readonly end: number } | RunOutcome;

export type RunOutcome =
  | { readonly kind: "finished"; readonly text: string; readonly files: readonly string[]; readonly ending: RunEnding }
  | { readonly kind: "scenario"; readonly problems: readonly string[] }
  | { readonly kind: "failed"; readonly message: string; readonly summaryText?: string };

// The run, in a thread of its own: a run holds its thread for its whole length, and signals reach
// only the main thread's event loop, which stays free here to receive them.
const request = workerData as RunRequest;
const report = (message: RunReport) => parentPort!.postMessage(message);
try {
  const loaded = scenarioFileOrDefault(request.file || null, request.overrides);
  const result = runScenario(loaded, {
    directory: request.out,
    directoryGivenBy: request.out === undefined ? undefined : "--out",
    onProgress: interruptibleProgress(new Int32Array(request.interrupt), loaded.scenario.durationMicroseconds * 1e6, (now, end) => report({ kind: "progress", now, end })),
  });
  report({ kind: "finished", text: result.text, files: result.files, ending: result.summary.ending });
} catch (error) {
  if (error instanceof ScenarioError) report({ kind: "scenario", problems: error.problems });
  else report({ kind: "failed", message: error instanceof Error ? error.message : String(error), summaryText: error instanceof RunFailedError ? error.extent.summaryText : undefined });
}
