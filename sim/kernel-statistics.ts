/** What the kernel did, counted: the model's own work, deterministic for a seed and configuration. */
export interface KernelStatistics {
  /** Times at which something ran (an event, a process, an edge); a run's limit reached with nothing there is none. */
  timesteps: number;
  phases: number;
  edgesEvaluated: number;
  componentEvaluations: number;
  /** Edges taken on which every member was idle: a wake no one needed. */
  emptyEdges: number;
  /** Members asked whether they are idle: polling, which members that sleep until woken are spared. */
  idleChecks: number;
  /** Processes resumed: one woken only to wait again (one of thousands in a line, not yet its turn) costs this and no evaluation. */
  processResumptions: number;
}

export function newKernelStatistics(): KernelStatistics {
  return { timesteps: 0, phases: 0, edgesEvaluated: 0, componentEvaluations: 0, emptyEdges: 0, idleChecks: 0, processResumptions: 0 };
}
