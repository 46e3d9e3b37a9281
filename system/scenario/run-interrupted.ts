import { constants } from "node:os";
/** Signal numbers a run's thread is told of (the main thread stores one), by name. */
const SIGNAL_NAMES: Readonly<Record<number, string>> = { 1: "SIGHUP", 2: "SIGINT", 15: "SIGTERM" };

/** The main thread received a signal: the run stops here, and its files are flushed and reported as a failed run's are. */
export class RunInterrupted extends Error {
  constructor(signal: string, now: number, end: number, trafficStarted: boolean, duration: number) {
    const microseconds = (time: number) => `${(time / 1e6).toFixed(3)} µs`;
    // Before the traffic starts its end is not known: it runs its duration once IKE has brought the customers up.
    const where = trafficStarted ? `the traffic ends at ${microseconds(end)}` : `the traffic had not started: IKE was bringing the customers up, and the traffic runs ${microseconds(duration)} once it has`;
    super(`interrupted by ${signal} at ${microseconds(now)} of simulated time (${where})`);
  }
}

/** Progress goes to the main thread at most this often (ms of wall time): a long drain looks every 25 µs of simulated time, and a message each time kept the main thread from a signal for minutes. */
const PROGRESS_INTERVAL_MILLISECONDS = 100;

/** Ask the runs in other threads to stop at their next step: the main thread's side of interruptibleProgress. */
export function interruptThreads(interrupt: SharedArrayBuffer, signal: NodeJS.Signals): void {
  Atomics.store(new Int32Array(interrupt), 0, constants.signals[signal]);
}

/**
 * A run's onProgress in a thread of its own: it stops the run (RunInterrupted) once the main
 * thread has stored a signal's number in `interrupt`, and otherwise passes progress on at most
 * every PROGRESS_INTERVAL_MILLISECONDS. `duration`: the traffic's, picoseconds.
 */
export function interruptibleProgress(interrupt: Int32Array, duration: number, report: (now: number, end: number) => void): (now: number, end: number, trafficStarted: boolean) => void {
  let reported = -Infinity;
  return (now, end, trafficStarted) => {
    const signal = Atomics.load(interrupt, 0);
    if (signal !== 0) throw new RunInterrupted(SIGNAL_NAMES[signal] ?? `signal ${signal}`, now, end, trafficStarted, duration);
    const wall = performance.now();
    if (wall - reported < PROGRESS_INTERVAL_MILLISECONDS) return;
    reported = wall;
    report(now, end);
  };
}
