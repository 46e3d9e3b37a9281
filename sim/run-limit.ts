import type { ClockDomain } from "./clock-domain.js";
import type { Kernel } from "./kernel.js";
import { formatTime } from "./time.js";

export interface RunOptions {
  /** Stop at this absolute time (ps); events at exactly this time still run. */
  until?: number;
  /** Stop after this many rising edges of `clock` (default: the first registered clock). */
  cycles?: number;
  clock?: ClockDomain;
  /**
   * Checked after every timestep; the run stops when it returns true. A signal that nothing watches
   * may change between timesteps (its block draws it lazily): wait on it in a process to act at its time.
   */
  stopWhen?: (kernel: Kernel) => boolean;
}

export type StopReason = "until" | "cycles" | "stopped" | "stop-condition" | "exhausted";

/** How a run ended, and when. */
export interface RunResult {
  reason: StopReason;
  time: number;
  /** The argument of kernel.stop(), when that is why the run ended. */
  message?: string;
}

/** The time a run given `options` stops at, from `now` (Infinity: none); `firstClock` counts cycles when the options name no clock. */
export function runLimit(options: RunOptions, now: number, firstClock: ClockDomain | undefined): number {
  if (options.until !== undefined && options.cycles !== undefined) throw new RangeError("run(): give either until or cycles, not both");
  if (options.until !== undefined) {
    // A whole time past the last one the kernel holds is named as that, not as a fraction (2^60 was said not to be an integer).
    if (Number.isInteger(options.until) && !Number.isSafeInteger(options.until)) {
      throw new RangeError(`run(): until ${options.until} ps is past the last time the kernel holds, 2^53 - 1 ps (${formatTime(Number.MAX_SAFE_INTEGER)}); run without until to the end of the work, or to a time before it`);
    }
    if (!Number.isSafeInteger(options.until) || options.until < now) {
      throw new RangeError(`run(): until ${options.until} ps must be an integer time not before now (${formatTime(now)})`);
    }
    return options.until;
  }
  if (options.cycles !== undefined) {
    const clock = options.clock ?? firstClock;
    if (!clock) throw new RangeError("run({ cycles }): there is no clock domain to count cycles of");
    if (!Number.isSafeInteger(options.cycles) || options.cycles < 0) throw new RangeError(`run(): cycles ${options.cycles} must be a whole number from 0 to 2^53 - 1 (Number.MAX_SAFE_INTEGER)`);
    return options.cycles === 0 ? now : clock.edgesAfter(now, options.cycles);
  }
  return Infinity;
}
