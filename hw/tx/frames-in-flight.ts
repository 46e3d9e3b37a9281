import { MAX_QUEUES } from "../spec/registers.js";
import type { QueueSchedule } from "../qos/class-scheduler.js";

/**
 * The TX engine's frames in flight by queue: started and not yet handed on, and of those the ones
 * whose buffers are still being read. A frame start asks what the queues that are not strict hold
 * (their limit under the priority reserve), and whether their room is held by frames still reading.
 */
export class FramesInFlight {
  private readonly started = new Array<number>(MAX_QUEUES).fill(0);
  private readonly readingByQueue = new Array<number>(MAX_QUEUES).fill(0);
  /** Queues with a frame in flight. */
  queues = 0;
  /** As last counted by countNonStrict. */
  nonStrict = 0;
  nonStrictReading = 0;

  start(queue: number, reading: boolean): void {
    if (this.started[queue]!++ === 0) this.queues++;
    if (reading) this.readingByQueue[queue]!++;
  }

  /** Its buffers are all read (or failed to be). */
  read(queue: number): void {
    this.readingByQueue[queue]!--;
  }

  leave(queue: number): void {
    if (--this.started[queue]! === 0) this.queues--;
  }

  reading(queue: number): number {
    return this.readingByQueue[queue]!;
  }

  /** Count the frames of the queues that are not strict now (a schedule may have changed since they started). */
  countNonStrict(schedules: readonly QueueSchedule[]): void {
    this.nonStrict = 0;
    this.nonStrictReading = 0;
    for (let queue = 0; queue < schedules.length; queue++) {
      if (schedules[queue]!.strict) continue;
      this.nonStrict += this.started[queue]!;
      this.nonStrictReading += this.readingByQueue[queue]!;
    }
  }
}
