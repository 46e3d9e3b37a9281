import type { Kernel } from "./kernel.js";

/** Observer of committed changes: the VCD tracer implements it. */
export interface KernelTracer {
  /** Called once, at the start of the first run, after every signal is registered. */
  start(kernel: Kernel): void;
  /** A traced signal or event changed in the current timestep. */
  touch(traceIndex: number): void;
  /** Timestep `now` is complete; the kernel is about to move to `next` (or stop there). */
  timestepDone(now: number, next: number): void;
  /**
   * Flush buffered output so the file on disk holds every complete timestep, through `now` unless
   * `timestepOpen` (a run stopped between the phases of `now`): that one is written as it completes,
   * so that a run stopped there and run on dumps what a run in one go does.
   */
  sync(now: number, timestepOpen: boolean): void;
  close(now: number): void;
}
