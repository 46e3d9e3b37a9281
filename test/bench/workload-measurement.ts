import type { Kernel } from "../../sim/kernel.js";
import type { Nic } from "../../hw/nic.js";

/**
 * What one run of a benchmark workload did and took: the frames it offered and those counted on
 * the wire, the wall time, and what the kernel simulated. The same record for every workload, so
 * that one table shows them all.
 */
export interface WorkloadMeasurement {
  /** Frames (or packets) the workload offered; null when a scenario's traffic decides. */
  readonly offered: number | null;
  /** Frames counted on the wire in the workload's direction (both ways for a scenario). */
  readonly wireFrames: number;
  /** What reached its destination: the peer's or the host's count, or the scenario's delivered packets. */
  readonly delivered: number;
  readonly seconds: number;
  readonly simulatedPicoseconds: number;
  readonly nicCycles: number;
  readonly timesteps: number;
  /** Component evaluations by clocked block (its path): deterministic, and where the blocks' share of the time goes. */
  readonly evaluationsByBlock: Readonly<Record<string, number>>;
  /**
   * Bytes held after a collection at the end of the run, the model still alive: the JavaScript heap
   * and the byte buffers outside it (frames, host memory pages, pooled slabs), which heapUsed leaves out.
   */
  readonly liveMemoryBytes: number;
}

/** The kernel's side of a measurement, read once the run is over. */
export function simulated(kernel: Kernel, nic: Nic): Pick<WorkloadMeasurement, "simulatedPicoseconds" | "nicCycles" | "timesteps" | "evaluationsByBlock" | "liveMemoryBytes"> {
  // With --expose-gc (the bench's processes) the heap is what the run holds; without it (vitest) an upper bound.
  globalThis.gc?.();
  return { simulatedPicoseconds: kernel.now, nicCycles: nic.coreClock.cycleAt(kernel.now), timesteps: kernel.statistics.timesteps, evaluationsByBlock: kernel.evaluationsByBlock(), liveMemoryBytes: liveMemory() };
}

function liveMemory(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
