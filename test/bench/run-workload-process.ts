import { spawnSync } from "node:child_process";
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

/**
 * One workload in a process of its own (`child`: a build's dist/test/bench/workload-process.js),
 * and its last line read by `parse`; `label` names the build if it fails (its own output is above,
 * on stderr).
 */
export function runWorkloadProcess<T>(child: string, workload: WorkloadName, size: number, label: string, parse: (line: string) => T): T {
  const result = spawnSync(process.execPath, ["--expose-gc", child, workload, String(size)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  if (result.status !== 0) {
    const refused = result.status === 2 ? ": it refused the workload or its size (a build from before the workload, or before the size's rule)" : "";
    throw new BenchFailure(`${label}: its ${workload} process at ${size} ended with ${result.status === null ? `signal ${result.signal}` : `status ${result.status}`}${refused}; what it said is above`);
  }
  try {
    return parse(result.stdout.trim().split("\n").at(-1) ?? "");
  } catch (error) {
    throw new BenchFailure(`${label}: its ${workload} process's report is not one this bench reads (${(error as Error).message})`);
  }
}
