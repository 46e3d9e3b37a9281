import type { InjectionToken } from "../sim/di.js";
import type { DmaEngine } from "./dma/engine.js";
import type { ErrorLog } from "./error-log.js";
import type { InterruptController } from "./interrupts.js";
import type { Statistics } from "./statistics.js";
import type { QueueScheduler } from "./qos/class-scheduler.js";
import type { FrameStages } from "./trace/frame-stages.js";

/** What the NIC's blocks share: sizes from the NIC's parameters and the blocks they all call. */
export interface NicShared {
  readonly queues: number;
  /** nic.priorityBurstBytes: the depth of the priority classes' policers. */
  readonly priorityBurstBytes: number;
  readonly maxFrameBytes: number;
  /** Its parameter's path, for messages about values it does not fit. */
  readonly maxFrameBytesPath: string;
  /** The line rate, bytes per picosecond. */
  readonly lineBytesPerPicosecond: number;
  /** A new scheduler for one place that serves the queues (policed at the line rate). */
  readonly makeScheduler: () => QueueScheduler;
  /** Stage timestamps of each frame, for whoever listens. */
  readonly stages: FrameStages;
  readonly dma: DmaEngine;
  readonly errors: ErrorLog;
  readonly interrupts: InterruptController;
  readonly statistics: Statistics;
}

export const NicSharedToken: InjectionToken<NicShared> = Symbol("NicShared");
