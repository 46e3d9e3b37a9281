import { parentPort, workerData } from "node:worker_threads";
import { defaultScenario } from "../scenario/default-scenario.js";
import { loadScenarioFile, ScenarioError } from "../scenario/load.js";
import { runScenario } from "../scenario/run.js";
import type { RunEnding } from "../scenario/run-ending.js";

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
  | { readonly kind: "failed"; readonly message: string };

/** The main thread received a signal: the run stops here, and its files are flushed and reported as a failed run's are. */
export class RunInterrupted extends Error {
  constructor(signal: string, now: number, end: number, trafficStarted: boolean, duration: number) {
    const microseconds = (time: number) => `${(time / 1e6).toFixed(3)} µs`;
    // Before the traffic starts its end is not known: it runs its duration once IKE has brought the customers up.
    const where = trafficStarted ? `the traffic ends at ${microseconds(end)}` : `the traffic had not started: IKE was bringing the customers up, and the traffic runs ${microseconds(duration)} once it has`;
    super(`interrupted by ${signal} at ${microseconds(now)} of simulated time (${where})`);
  }
}

// The run, in a thread of its own: a run holds its thread for its whole length, and signals reach
// only the main thread's event loop, which stays free here to receive them.
const request = workerData as RunRequest;
const interrupt = new Int32Array(request.interrupt);
const signalNames: Readonly<Record<number, string>> = { 1: "SIGHUP", 2: "SIGINT", 15: "SIGTERM" };
const report = (message: RunReport) => parentPort!.postMessage(message);
/** Progress goes to the main thread at most this often (ms of wall time): a long drain looks every 25 µs of simulated time, and a message each time kept the main thread from a signal for minutes. */
const PROGRESS_INTERVAL_MILLISECONDS = 100;
let progressReported = -Infinity;
try {
  const loaded = request.file ? loadScenarioFile(request.file, request.overrides) : defaultScenario(request.overrides);
  const result = runScenario(loaded, {
    directory: request.out,
    directoryGivenBy: request.out === undefined ? undefined : "--out",
    onProgress: (now, end, trafficStarted) => {
      const signal = Atomics.load(interrupt, 0);
      if (signal !== 0) throw new RunInterrupted(signalNames[signal] ?? `signal ${signal}`, now, end, trafficStarted, loaded.scenario.durationMicroseconds * 1e6);
      const wall = performance.now();
      if (wall - progressReported < PROGRESS_INTERVAL_MILLISECONDS) return;
      progressReported = wall;
      report({ kind: "progress", now, end });
    },
  });
  report({ kind: "finished", text: result.text, files: result.files, ending: result.summary.ending });
} catch (error) {
  if (error instanceof ScenarioError) report({ kind: "scenario", problems: error.problems });
  else report({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
}
