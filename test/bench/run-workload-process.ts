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

/** Start a child the bench waits for, stopped if the bench is: its stdout gathered, its stderr passed on unless `quiet`. */
export function startChild(command: string, args: readonly string[], quiet = false): { readonly child: ChildProcess; readonly done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  stopChildrenWithBench();
  const child = spawn(command, args, { stdio: ["ignore", "pipe", quiet ? "pipe" : "inherit"] });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((finish, fail) => {
    child.on("error", (error) => {
      running.delete(child);
      fail(new BenchFailure(`${command}: ${error.message}`));
    });
    child.on("close", (status, signal) => {
      running.delete(child);
      finish({ status, signal, stdout, stderr });
    });
  });
  return { child, done };
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
  const result = await startChild(process.execPath, ["--expose-gc", child, workload, String(size)]).done;
  if (result.status !== 0) {
    throw new BenchFailure(`${label}: its ${workload} process at ${size} ended with ${result.status === null ? `signal ${result.signal}` : `status ${result.status}`}${result.status === 2 ? `: ${REFUSED}` : ""}; what it said is above`);
  }
  try {
    return parse(result.stdout.trim().split("\n").at(-1) ?? "");
  } catch (error) {
    throw new BenchFailure(`${label}: its ${workload} process's report is not one this bench reads (${(error as Error).message})`);
  }
}
