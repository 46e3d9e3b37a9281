import type { HostCpu } from "../driver/cpu/host-cpu.js";
import type { Kernel } from "../sim/kernel.js";
import type { SystemReport } from "./report.js";

/** Picoseconds as µs to two decimals, as the reports give them. */
export const microseconds = (picoseconds: number) => Math.round(picoseconds / 1e4) / 100;

/** The host CPU's part of a report: use per core over the run, time by kind of work, waits by class. */
export function hostReport(kernel: Kernel, cpu: HostCpu): SystemReport["host"] {
  const elapsed = Math.max(1, kernel.now);
  const { statistics, params } = cpu;
  return {
    cores: params.cores,
    megahertz: params.megahertz,
    policy: params.policy,
    utilisation: cpu.busy().map((busy) => Math.round((busy / elapsed) * 1e4) / 1e4),
    busyMicroseconds: Object.fromEntries([...cpu.busyByKindNow()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, busy]) => [kind, microseconds(busy)])),
    waits: [...statistics.waits]
      .sort(([a], [b]) => b - a)
      .map(([trafficClass, waits]) => ({ trafficClass, jobs: waits.jobs, meanMicroseconds: microseconds(waits.total / waits.jobs), maximumMicroseconds: microseconds(waits.maximum) })),
    preemptions: statistics.preemptions,
    restarts: statistics.restarts,
    waitingAtEnd: cpu.runQueue.current,
  };
}

/** One line on the host: its cores' use, and how long each class waited for one. */
export function describeHost(host: SystemReport["host"], className: (trafficClass: number) => string = (trafficClass) => `class ${trafficClass}`): string {
  const percent = (share: number) => Math.round(share * 100);
  const shares = host.utilisation;
  // Past eight cores, the spread rather than every core.
  const busy =
    shares.length <= 8
      ? `busy ${shares.map(percent).join("/")} %`
      : `busy ${percent(shares.reduce((sum, share) => sum + share, 0) / shares.length)} % on average (${percent(Math.min(...shares))} to ${percent(Math.max(...shares))} %)`;
  const waits = host.waits.map((wait) => `${className(wait.trafficClass)} ${wait.meanMicroseconds.toFixed(2)}`).join(", ");
  const left = host.waitingAtEnd > 0 ? `; ${host.waitingAtEnd} jobs still waiting for a core at the end` : "";
  return `host: ${host.cores} core${host.cores === 1 ? "" : "s"} at ${host.megahertz} MHz ${busy} over the run; software ESP suspended ${host.preemptions} times (${host.policy}); mean wait for a core before a job first runs, µs: ${waits || "none"}${left}`;
}
