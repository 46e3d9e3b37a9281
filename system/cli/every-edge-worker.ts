import { parentPort, workerData } from "node:worker_threads";
import { checkEveryEdge, withRunOutputs, type EarlierRuns, EVERY_EDGE_RUNS, type EveryEdgeCheck, type EveryEdgeRun, EveryEdgeRunFailed } from "../every-edge-check.js";
import { scenarioFileOrDefault } from "../scenario/default-scenario.js";
import { ScenarioError } from "../scenario/load.js";
import { interruptibleProgress } from "../scenario/run-interrupted.js";

/** What `nicsim every-edge` asks of a configuration's thread. */
export interface EveryEdgeRequest {
  readonly file: string | null;
  readonly overrides: Record<string, unknown>;
  /** Where the runs' files go: --keep's, or a temporary directory the main thread removes. */
  readonly directory: string;
  /** The traffic's duration, ps (the main thread checked the scenario): for a stop's message before the traffic starts. */
  readonly duration: number;
  /** One Int32: 0, or the number of the signal that stops the runs (set by the main thread). */
  readonly interrupt: SharedArrayBuffer;
}

/** What the thread reports: progress, then one outcome. */
export type EveryEdgeReport =
  | { readonly kind: "progress"; readonly run: EveryEdgeRun; readonly now: number; readonly end: number }
  | { readonly kind: "checked"; readonly check: EveryEdgeCheck }
  | { readonly kind: "failed"; readonly run: EveryEdgeRun; readonly message: string; readonly stopped: boolean; readonly earlier: EarlierRuns | null }
  | { readonly kind: "scenario"; readonly problems: readonly string[] }
  | { readonly kind: "error"; readonly message: string };

// The runs, in a thread of their own, as nicsim run's: the main thread stays free for signals and the progress bar.
const request = workerData as EveryEdgeRequest;
const report = (message: EveryEdgeReport) => parentPort!.postMessage(message);
try {
  const load = (outputs: Record<string, unknown>) => scenarioFileOrDefault(request.file, withRunOutputs(request.overrides, outputs));
  const progress = EVERY_EDGE_RUNS.map((run) => interruptibleProgress(new Int32Array(request.interrupt), request.duration, (now, end) => report({ kind: "progress", run, now, end })));
  const check = checkEveryEdge(load, { keep: request.directory, onProgress: (run, now, end, trafficStarted) => progress[EVERY_EDGE_RUNS.indexOf(run)]!(now, end, trafficStarted) });
  report({ kind: "checked", check });
} catch (error) {
  if (error instanceof EveryEdgeRunFailed) report({ kind: "failed", run: error.run, message: error.failure, stopped: error.stopped, earlier: error.earlier });
  else if (error instanceof ScenarioError) report({ kind: "scenario", problems: error.problems });
  else report({ kind: "error", message: error instanceof Error ? error.message : String(error) });
}
