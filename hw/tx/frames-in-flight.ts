import { MAX_QUEUES } from "../spec/registers.js";
import { BLOCKED, type QueueSchedule, WAITING } from "../qos/class-scheduler.js";

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
  /** As last worked out by shareWindow: the window, each waiting queue's fair share of it, and the room the queues below theirs still lack. */
  private window = Infinity;
  private share = Infinity;
  private shortfall = 0;

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

  /** Frames of the queue read and not yet handed on: waiting for the crypto engines, or for a frame ahead of them. */
  private framesRead(queue: number): number {
    return this.started[queue]! - this.readingByQueue[queue]!;
  }

  /**
   * Share the window (the frames in flight the queues that are not strict may hold) equally among
   * those of them that hold frames read or have one to start (`waiting`): a queue whose frames read
   * fill its share may start more only while the room left still holds what the others lack of
   * theirs. Without it the frame start, which works in line rates, decided each class's share of
   * a window waiting for the crypto engines, and so of the engines, whatever their own policy.
   * Frames still being read are not counted: where the DMA reads are the bottleneck, the frame
   * start's policy is the only one there is.
   */
  shareWindow(schedules: readonly QueueSchedule[], window: number, waiting: (queue: number) => boolean): void {
    this.window = window;
    // No queue holds the least a share can be (the window over every queue): none is over its share, and the heads need not be looked at.
    let most = 0;
    for (let queue = 0; queue < schedules.length; queue++) if (!schedules[queue]!.strict && this.framesRead(queue) > most) most = this.framesRead(queue);
    if (most < Math.ceil(window / schedules.length)) {
      this.share = Infinity;
      return;
    }
    let holders = 0;
    for (let queue = 0; queue < schedules.length; queue++) if (!schedules[queue]!.strict && (this.framesRead(queue) > 0 || waiting(queue))) holders++;
    this.share = holders === 0 ? Infinity : Math.ceil(window / holders);
    this.shortfall = 0;
    for (let queue = 0; queue < schedules.length; queue++) {
      if (schedules[queue]!.strict || this.framesRead(queue) >= this.share || !waiting(queue)) continue;
      this.shortfall += this.share - this.framesRead(queue);
    }
  }

  /**
   * Whether a queue that is not strict must wait, and how (WAITING while frames it waits for are
   * still being read, BLOCKED otherwise), or null: the window is full, or its frames read fill its
   * share and the room left must hold what the others lack of theirs.
   */
  heldBack(queue: number): typeof WAITING | typeof BLOCKED | null {
    if (this.nonStrict >= this.window) return this.nonStrictReading > 0 ? WAITING : BLOCKED;
    if (this.framesRead(queue) >= this.share && this.window - this.nonStrict - 1 < this.shortfall) return this.reading(queue) > 0 ? WAITING : BLOCKED;
    return null;
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
