import { defaultScenario } from "../../system/scenario/default-scenario.js";
import type { BenchRow } from "./reference-table.js";
import type { WorkloadName } from "./reference-workloads.js";

/** The rows of `npm run bench`: each reference workload at the size its row runs it, and its goal. */
// The default scenario's own length (1x), from its file.
export const scenarioMicroseconds = defaultScenario().scenario.durationMicroseconds;
export const ROWS: readonly BenchRow[] = [
  { id: "tx-60", workload: "plain-tx-60", size: 80_000, goal: { kind: "frames-per-second", atLeast: 200_000 } },
  { id: "tx-1500", workload: "plain-tx-1500", size: 40_000, goal: { kind: "frames-per-second", atLeast: 100_000 } },
  { id: "rx-60", workload: "plain-rx-60", size: 80_000, goal: { kind: "frames-per-second", atLeast: 200_000 } },
  { id: "rx-1500", workload: "plain-rx-1500", size: 40_000, goal: { kind: "frames-per-second", atLeast: 100_000 } },
  { id: "esp-1400", workload: "esp-tx-1400", size: 24_000, goal: { kind: "frames-per-second", atLeast: 50_000 } },
  { id: "default-1x", workload: "default-scenario", size: scenarioMicroseconds, goal: { kind: "none" } },
  { id: "default-3x", workload: "default-scenario", size: 3 * scenarioMicroseconds, goal: { kind: "none" } },
  { id: "default-10x", workload: "default-scenario", size: 10 * scenarioMicroseconds, goal: { kind: "frames-per-second", atLeast: 20_000 } },
  { id: "default-10x-waveform", workload: "default-scenario-waveform", size: 10 * scenarioMicroseconds, goal: { kind: "slower-than", baseline: "default-10x", atMost: 1.5 } },
];

/** The size `npm run bench` runs a workload at (its first row's): what the other benches take when given none. */
export function benchSizeOf(workload: WorkloadName): number {
  return ROWS.find((row) => row.workload === workload)!.size;
}
