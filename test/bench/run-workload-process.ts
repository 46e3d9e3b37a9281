import { type ChildProcess, spawn } from "node:child_process";
import type { WorkloadName } from "./reference-workloads.js";

/** A bench cannot go on: what went wrong, said without a stack (BenchFailure.exit). */
export class BenchFailure extends Error {
  /** Say what went wrong and end the bench with status 1; anything else is a fault of the bench itself and keeps its stack. */
  static exit(error: unknown): never {
    if (!(error instanceof BenchFailure)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** The hint a workload process's status 2 (its usage) gets: what a build that refuses a workload usually is. */
export const REFUSED = "it refused the workload or its size (a build from before the workload, or before the size's rule)";

/** The workload processes running, stopped with the bench: signalled alone, it left them running to their end (and a crash writing to it; from an outside check). */
const running = new Set<ChildProcess>();
let stopsChildren = false;

/** The bench's own SIGINT and SIGTERM stop the processes it started, then end it as the signal would. */
export function stopChildrenWithBench(): void {
  if (stopsChildren) return;
  stopsChildren = true;
  for (const [signal, status] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.once(signal, () => {
      stopChildren();
      process.exit(status);
    });
  }
}

/** The variable that sets how long a bench waits for one of its processes, in minutes. */
export const TIME_LIMIT_VARIABLE = "BENCH_MINUTES";

/**
 * How long the bench waits for one process before it stops it: `minutes` unless the environment
 * sets BENCH_MINUTES. A build whose run never ends (a wake lost, a clock that never sleeps)
 * held the bench for ever, saying nothing.
 */
export function timeLimitMinutes(minutes: number): number {
  const problem = timeLimitProblem();
  if (problem !== null) throw new BenchFailure(problem);
  const set = process.env[TIME_LIMIT_VARIABLE];
  return set === undefined || set === "" ? minutes : Number(set);
}

/** What is wrong with BENCH_MINUTES, or null: checked with a bench's arguments, before anything runs. Decimal only, as sizes are (0x1 read as 1). */
export function timeLimitProblem(): string | null {
  const set = process.env[TIME_LIMIT_VARIABLE];
  if (set === undefined || set === "") return null;
  if (!/^(\d+\.?\d*|\.\d+)$/.test(set) || !(Number(set) > 0)) return `${TIME_LIMIT_VARIABLE}=${JSON.stringify(set)}: expected a number of minutes above 0, in decimal digits`;
  return null;
}

/** The longest a timer waits (2^31 - 1 ms, about 24.8 days): a limit past it is none (Node fired a longer one at once, and the bench stopped the process as over its limit; from an outside check). */
const LONGEST_TIMER_MILLISECONDS = 2 ** 31 - 1;

/** A child's end: its status or signal, its stdout, its stderr if gathered, and whether the bench stopped it at its time limit. */
export interface ChildEnd {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Start a child the bench waits for, stopped if the bench is, or once it has run `limitMinutes`:
 * its stdout gathered, its stderr passed on unless `quiet`.
 */
export function startChild(command: string, args: readonly string[], limitMinutes: number, quiet = false): { readonly child: ChildProcess; readonly done: Promise<ChildEnd> } {
  stopChildrenWithBench();
  const child = spawn(command, args, { stdio: ["ignore", "pipe", quiet ? "pipe" : "inherit"] });
  running.add(child);
  let timedOut = false;
  const milliseconds = limitMinutes * 60_000;
  const limit =
    milliseconds > LONGEST_TIMER_MILLISECONDS
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, milliseconds);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildEnd>((finish, fail) => {
    child.on("error", (error) => {
      clearTimeout(limit);
      running.delete(child);
      fail(new BenchFailure(`${command}: ${error.message}`));
    });
    child.on("close", (status, signal) => {
      clearTimeout(limit);
      running.delete(child);
      finish({ status, signal, stdout, stderr, timedOut });
    });
  });
  return { child, done };
}

/** Minutes a workload process may run: at the benches' sizes one takes seconds here (about 12 for the default scenario at 10 times its length). */
export const WORKLOAD_MINUTES = 10;

/** What the bench says of a process it stopped at its time limit. */
export function ranTooLong(label: string, what: string, minutes: number): string {
  return `${label}: ${what} ran past ${minutes} minute${minutes === 1 ? "" : "s"} and was stopped: a run that never ends, or a size too large for the limit (${TIME_LIMIT_VARIABLE}=<minutes> sets it)`;
}

/** Stop every process the bench started and is still waiting for (one build failed: the other's run is no longer wanted). */
export function stopChildren(): void {
  for (const child of running) child.kill("SIGKILL");
}

/**
 * One workload in a process of its own (`child`: a build's dist/test/bench/workload-process.js),
 * and its last line read by `parse`; `label` names the build if it fails (its own output is above,
 * on stderr).
 */
export async function runWorkloadProcess<T>(child: string, workload: WorkloadName, size: number, label: string, parse: (line: string) => T): Promise<T> {
  const minutes = timeLimitMinutes(WORKLOAD_MINUTES);
  const result = await startChild(process.execPath, ["--expose-gc", child, workload, String(size)], minutes).done;
  if (result.timedOut) throw new BenchFailure(ranTooLong(label, `its ${workload} process at ${size}`, minutes));
  if (result.status !== 0) {
    throw new BenchFailure(`${label}: its ${workload} process at ${size} ended with ${result.status === null ? `signal ${result.signal}` : `status ${result.status}`}${result.status === 2 ? `: ${REFUSED}` : ""}; what it said is above`);
  }
  return readReport(result.stdout, label, workload, parse);
}

/** A workload process's report, its last line of `stdout`, read by `parse`; one it cannot read ends the bench naming the build (`label`). */
export function readReport<T>(stdout: string, label: string, workload: WorkloadName, parse: (line: string) => T): T {
  try {
    return parse(stdout.trim().split("\n").at(-1) ?? "");
  } catch (error) {
    throw new BenchFailure(`${label}: its ${workload} process's report is not one this bench reads (${(error as Error).message})`);
  }
}
