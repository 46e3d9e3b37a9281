import type { InjectionToken } from "../../sim/di.js";
import { wireBytes } from "../../sim/packet/ethernet.js";

/** What `size(queue)` returns for a queue with nothing to send. */
export const EMPTY = -1;
/** What `size(queue)` returns for a queue whose frame waits for room: it keeps its place. */
export const BLOCKED = -2;

/** How one queue (traffic class) is scheduled, from its TX_SCHED register. */
export interface QueueSchedule {
  /** Served before the others (`priority percent`), policed to `percent` of the line. */
  readonly strict: boolean;
  /** Share of the line: the policed rate of a strict queue, the weight of a bandwidth one; 0: the rest. */
  readonly percent: number;
}

/** Chooses which queue goes next where the NIC serves its queues (frame start, the wire). */
export interface QueueScheduler {
  readonly schedules: readonly QueueSchedule[];
  /** Queues served before the others, highest first (their descriptors are fetched first too). */
  readonly strictQueues: readonly number[];
  /** TX_SCHED was written for the queue. */
  configure(queue: number, schedule: QueueSchedule): void;
  /** The queue to serve next; `size(queue)` gives its head frame's bytes, EMPTY or BLOCKED. -1: none. */
  pick(now: number, size: (queue: number) => number): number;
  /** Account for a frame served from the queue pick() returned. */
  charge(queue: number, bytes: number): void;
  /** After pick() found nothing: when a queue held back by its policed rate may go (Infinity: none is). */
  readyAt(now: number, size: (queue: number) => number): number;
}

/** Makes the scheduler of each place the NIC serves queues; register another to try a different discipline. */
export type QueueSchedulerFactory = (queues: number, lineBytesPerPicosecond: number) => QueueScheduler;
export const QueueSchedulerFactoryToken: InjectionToken<QueueSchedulerFactory> = Symbol("QueueSchedulerFactory");

/**
 * The class scheduler of the policy map: strict priority for `priority` classes, each policed to
 * its percentage of the line by a token bucket (over its rate it waits: it never takes more);
 * deficit round robin across the other classes by their percentages, the classes without one
 * sharing what remains. Used where the NIC chooses which queue goes next: starting a
 * frame's DMA, and putting a frame on the wire.
 */
export class ClassScheduler implements QueueScheduler {
  readonly schedules: QueueSchedule[];
  private readonly deficits: number[];
  private readonly tokens: number[];
  private lastRefill = 0;
  private readonly bucketDepth: number;
  private next = 0;

  constructor(
    readonly queues: number,
    /** Line rate, bytes per picosecond, for policing. */
    private readonly lineBytesPerPicosecond: number,
    /** DRR quantum of a 10% share, bytes on the wire; twice it is the token bucket's depth. */
    private readonly quantum = 1538,
  ) {
    this.schedules = Array.from({ length: queues }, () => ({ strict: false, percent: 0 }));
    this.deficits = new Array<number>(queues).fill(0);
    this.tokens = new Array<number>(queues).fill(0);
    this.bucketDepth = 2 * quantum;
  }

  /** The strict queues, highest first: the ones served before any other. */
  strictQueues: readonly number[] = [];

  configure(queue: number, schedule: QueueSchedule): void {
    this.schedules[queue] = schedule;
    this.strictQueues = this.schedules.flatMap((other, index) => (other.strict ? [index] : [])).reverse();
  }

  /**
   * The queue to serve next, given the size of each queue's head frame (or EMPTY, or BLOCKED: a
   * frame that cannot start yet), or -1. Call charge() with what was served.
   */
  pick(now: number, size: (queue: number) => number): number {
    this.refill(now);
    let strict = -1;
    for (let queue = this.queues - 1; queue >= 0; queue--) {
      const schedule = this.schedules[queue]!;
      if (!schedule.strict) continue;
      const bytes = size(queue);
      if (bytes < 0) continue;
      // A full bucket lets any frame go (a jumbo frame may cost more than the bucket holds).
      if (schedule.percent === 0 || this.tokens[queue]! >= Math.min(wireBytes(bytes), this.bucketDepth)) {
        strict = queue;
        break;
      }
    }
    if (strict >= 0) return strict;
    return this.roundRobin((queue) => (this.schedules[queue]!.strict ? EMPTY : size(queue)));
  }

  /** Account for a frame served from the queue pick() returned. */
  charge(queue: number, bytes: number): void {
    // Shares are of the line: a frame costs its time on the wire (preamble, padding, FCS, gap).
    const cost = wireBytes(bytes);
    if (this.schedules[queue]!.strict) this.tokens[queue] = this.tokens[queue]! - cost;
    else this.deficits[queue] = this.deficits[queue]! - cost;
  }

  /** A bandwidth queue's percent; the queues without one split what is left among those with frames waiting. */
  readyAt(now: number, size: (queue: number) => number): number {
    this.refill(now);
    let at = Infinity;
    for (let queue = 0; queue < this.queues; queue++) {
      const schedule = this.schedules[queue]!;
      const bytes = size(queue);
      if (!schedule.strict || schedule.percent === 0 || bytes < 0) continue;
      const missing = Math.min(wireBytes(bytes), this.bucketDepth) - this.tokens[queue]!;
      if (missing <= 0) continue;
      at = Math.min(at, now + Math.ceil(missing / (this.lineBytesPerPicosecond * (schedule.percent / 100))));
    }
    return at;
  }

  private weight(queue: number, size: (queue: number) => number): number {
    const schedule = this.schedules[queue]!;
    if (schedule.percent > 0) return schedule.percent;
    let used = 0;
    let sharing = 0;
    for (let other = 0; other < this.queues; other++) {
      used += this.schedules[other]!.percent;
      if (this.schedules[other]!.percent === 0 && size(other) !== EMPTY) sharing++;
    }
    return Math.max(1, (100 - used) / Math.max(1, sharing));
  }

  private roundRobin(size: (queue: number) => number): number {
    // Deficit round robin. A blocked queue keeps its deficit (it is not empty, only waiting for room).
    if (!this.anyReady(size)) return -1;
    // Ends: some queue is ready, and each round adds to its deficit.
    for (;;) {
      const queue = this.next;
      const bytes = size(queue);
      if (bytes < 0) {
        if (bytes === EMPTY) this.deficits[queue] = 0;
        this.next = (queue + 1) % this.queues;
        continue;
      }
      if (this.deficits[queue]! >= wireBytes(bytes)) return queue;
      this.deficits[queue] = this.deficits[queue]! + (this.quantum * this.weight(queue, size)) / 10;
      this.next = (queue + 1) % this.queues;
    }
  }

  private anyReady(size: (queue: number) => number): boolean {
    for (let queue = 0; queue < this.queues; queue++) if (size(queue) >= 0) return true;
    return false;
  }

  private refill(now: number): void {
    const elapsed = now - this.lastRefill;
    this.lastRefill = now;
    if (elapsed <= 0) return;
    for (let queue = 0; queue < this.queues; queue++) {
      const schedule = this.schedules[queue]!;
      if (!schedule.strict || schedule.percent === 0) continue;
      this.tokens[queue] = Math.min(this.bucketDepth, this.tokens[queue]! + elapsed * this.lineBytesPerPicosecond * (schedule.percent / 100));
    }
  }
}
