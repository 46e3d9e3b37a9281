import { spawnSync } from "node:child_process";
import { parseWorkloadReport, type WorkloadName, type WorkloadReport } from "./reference-workloads.js";

/** One workload in a process of its own (`child`: a build's dist/test/bench/workload-process.js), and the report its last line gives; `label` names it if it fails. */
export function runWorkloadProcess(child: string, workload: WorkloadName, size: number, label: string): WorkloadReport {
  const result = spawnSync(process.execPath, ["--expose-gc", child, workload, String(size)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`${label}: the workload process ended with ${result.status ?? result.signal}`);
  return parseWorkloadReport(result.stdout.trim().split("\n").at(-1) ?? "");
}
