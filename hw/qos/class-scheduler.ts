import type { InjectionToken } from "../../sim/di.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import type { TxSchedule } from "../spec/registers.js";
import { StartTimeFairQueue } from "./start-time-fair-queue.js";

/** What `size(queue)` returns for a queue with nothing to send. */
export const EMPTY = -1;
/** What `size(queue)` returns for a queue whose frame waits for room of its own (its buffer part, its frames in flight): it keeps its place. */
export const BLOCKED = -2;
/**
 * What `size(queue)` returns for a queue whose frame is on its way behind a bottleneck (its
 * descriptors being fetched, or its frames read, over a saturated DMA, where a priority class's
 * own reads go ahead): it keeps its place, and is congestion to a policed priority class, which
 * waits for it. On its way over a DMA that is not saturated, the TX engine says BLOCKED.
 */
export const WAITING = -3;

/** How one queue (traffic class) is scheduled, from its TX_SCHED register. */
export type QueueSchedule = TxSchedule;

/** Chooses which queue goes next where the NIC serves its queues (frame start, the wire, the crypto engines). */
export interface QueueScheduler {
  readonly schedules: readonly QueueSchedule[];
  /** Queues served before the others, highest first (their descriptors are fetched first too). */
  readonly strictQueues: readonly number[];
  /** TX_SCHED was written for the queue, at `now`. */
  configure(queue: number, schedule: QueueSchedule, now: number): void;
  /** The queue to serve next; `size(queue)` gives its head's bytes, EMPTY or BLOCKED. -1: none. */
  pick(now: number, size: (queue: number) => number): number;
  /** Account for a frame served from the queue pick() returned (negative bytes: give back a frame that was not served after all). */
  charge(queue: number, bytes: number): void;
  /** After pick() found nothing, or its pick had to wait: when a queue held back by its rate may go (Infinity: none is). */
  readyAt(now: number, size: (queue: number) => number): number;
}

/** Makes the scheduler of each place the NIC serves queues; register another to try a different discipline. */
export type QueueSchedulerFactory = (queues: number, lineBytesPerPicosecond: number) => QueueScheduler;
export const QueueSchedulerFactoryToken: InjectionToken<QueueSchedulerFactory> = Symbol("QueueSchedulerFactory");

/** Every token bucket's depth unless given: two jumbo frames on the wire, so that no rate is lost while a long frame holds the line. */
export const DEFAULT_BUCKET_BYTES = 2 * wireBytes(9216);

export interface ClassSchedulerOptions {
  /** Depth of the policers' and the minimums' token buckets, cost units: two jumbo frames on the wire by default, so that no rate is lost while a long frame holds the line. */
  readonly bucketDepth?: number;
  /** Depth of the strict queues' policers' buckets (nic.priorityBurstBytes), cost units: bucketDepth unless given. The minimums keep bucketDepth: deeper, their turns at the crypto engines (by frame) decided the shares for as long as they were full (from an architect's check). */
  readonly priorityBurst?: number;
  /** What serving `bytes` costs: time on the wire by default (preamble, padding, FCS, gap). */
  readonly cost?: (bytes: number) => number;
  /** Police strict queues to their percent under congestion (the wire); off where the rate is policed elsewhere (the crypto engines). */
  readonly policeStrict?: boolean;
  /**
   * Order the classes under their minimums by start-time fair queueing on their percents (on by
   * default), where the minimums are rates of the line and a slower bottleneck may not meet them
   * all; off, they take turns by frame. The TX crypto engines' minimums are of their own
   * capacity, and their priority classes policed, so the minimums fit what they do (the driver
   * refuses percents over 100) and any order meets them. By percents there, the shares are the
   * same (nicsim validate passes either way) but three reference runs' frames leave in another
   * order, so the engines keep their turns.
   */
  readonly fairMinimums?: boolean;
}

/** How the last pick was made, so that charge() debits the right account. */
export type Account = "priority" | "unpoliced" | "minimum" | "excess";

/** A bandwidth queue's weight in sharing the excess: REMAINING, a queue without one counting 1. */
export function excessWeight(schedule: Pick<QueueSchedule, "remaining">): number {
  return Math.max(1, schedule.remaining);
}

/**
 * The class scheduler of the policy map, with the semantics of Cisco's LLQ and CBWFQ as IOS XE's
 * scheduler has them (README: "QoS on encrypted traffic"):
 * - `priority percent N` (STRICT): served before every other class, highest queue first, and
 *   policed to N % of the line only under congestion: over its rate it waits while any other
 *   class can send or has a frame on its way behind a saturated DMA (WAITING: its reads wait
 *   behind the priority class's own), and goes when none has (a class held by room of its own,
 *   BLOCKED, gains nothing from its wait).
 * - `bandwidth percent N`: a guaranteed minimum of N % of the line, served before any excess;
 *   where a slower bottleneck cannot meet every minimum, shared by the percents (fairMinimums).
 * - `bandwidth remaining percent N` (REMAINING): the class's weight in sharing the excess, what
 *   priority classes and minimums leave. The driver gives the classes without one an equal split
 *   of what the others leave of 100; a weight below 1 counts as 1, so no class is starved.
 * Used where the NIC chooses which queue goes next: starting a frame's DMA, putting a frame on
 * the wire, and starting crypto jobs.
 */
export class ClassScheduler implements QueueScheduler {
  readonly schedules: QueueSchedule[];
  /**
   * Strict queues' policer tokens, bandwidth queues' minimum tokens (cost units), as they stood
   * after each queue's last charge (or TX_SCHED write), at `tokenTime`: what a queue holds at a
   * later time is worked out from there in one step. Refilled a step at each look, the tokens
   * depended on how often the scheduler was asked (the rounding of each step's sum), and so did
   * a frame's turn: a block evaluated on every edge sent 22 frames of a policed run in another
   * order than one evaluated only when it had work.
   */
  private readonly tokens: number[];
  private readonly tokenTime: number[];
  /** The latest time the scheduler was asked at: the time its tokens are counted to. */
  private countedTo = 0;
  private readonly bucketDepth: number;
  private readonly priorityBurst: number;
  private readonly cost: (bytes: number) => number;
  private readonly policeStrict: boolean;
  private readonly fairMinimums: boolean;
  /** The minimum pass's turns by frame (fairMinimums off). */
  private nextMinimum = 0;
  /**
   * The minimum pass, by the classes' percents: where minimums add up to more than the bottleneck
   * carries, every class under its minimum holds tokens, and served in turn by frame they shared
   * it by frame size (three minimums of 30 % in 64-, 1500- and 9000-byte frames over a DMA link of
   * 0.63 of the line got 0.03, 0.30 and 0.30; from an outside check).
   */
  private readonly minimums: StartTimeFairQueue;
  /**
   * The excess pass, by the classes' remaining weights. By deficit round robin a class took its
   * turn as the round reached it, and one whose frame was on its way (WAITING) as the round passed
   * lost it: a class of 64-byte frames with a minimum, its descriptors fetched over a saturated
   * DMA link of 12 bytes a cycle, got its 45 % and none of the excess (0.450 of the line where
   * the closed form gives 0.588, 0.481 now, its fetches the limit; from an outside check).
   */
  private readonly excess: StartTimeFairQueue;
  /** The last pick's queue and account (fields, not an object per pick: the TX engine and the MAC pick per frame). */
  private lastQueue = -1;
  private lastAccount: Account = "excess";

  constructor(
    readonly queues: number,
    /** Line rate, bytes (cost units) per picosecond: the rate percentages are of. */
    private readonly lineBytesPerPicosecond: number,
    options: ClassSchedulerOptions = {},
  ) {
    this.bucketDepth = options.bucketDepth ?? DEFAULT_BUCKET_BYTES;
    this.priorityBurst = options.priorityBurst ?? this.bucketDepth;
    this.cost = options.cost ?? wireBytes;
    this.policeStrict = options.policeStrict ?? true;
    this.fairMinimums = options.fairMinimums ?? true;
    this.schedules = Array.from({ length: queues }, () => ({ strict: false, percent: 0, remaining: 0 }));
    this.minimums = new StartTimeFairQueue(queues);
    this.excess = new StartTimeFairQueue(queues);
    // Full, whatever depth the queue's schedule gives its bucket.
    this.tokens = new Array<number>(queues).fill(Infinity);
    this.tokenTime = new Array<number>(queues).fill(0);
    this.sizes = new Array<number>(queues).fill(EMPTY);
  }

  /** The strict queues, highest first: the ones served before any other. */
  strictQueues: readonly number[] = [];

  configure(queue: number, schedule: QueueSchedule, now: number): void {
    // What the queue holds at the write stands, counted at its old rate; its new rate counts from there. Counted only to the last look, the time since was credited at the new rate, and so depended on how often the block looked (from an outside check).
    this.countTo(now);
    this.tokens[queue] = this.tokensNow(queue);
    this.tokenTime[queue] = this.countedTo;
    // Its lead in virtual time was counted at its old percent: kept so, a class raised from 1 % waited for the others to catch up with its last jumbo frame's cost at 1 %, 146 µs without a frame (from an outside check).
    const old = this.schedules[queue]!.percent;
    if (old > 0 && schedule.percent > 0) this.minimums.reweigh(queue, old, schedule.percent);
    const oldWeight = this.weight(queue);
    this.schedules[queue] = schedule;
    this.excess.reweigh(queue, oldWeight, this.weight(queue));
    this.strictQueues = this.schedules.flatMap((other, index) => (other.strict ? [index] : [])).reverse();
  }

  pick(now: number, size: (queue: number) => number): number {
    this.countTo(now);
    // Each queue's size asked once: the passes below look at most queues more than once.
    const sizes = this.sizes;
    let anyFrame = false;
    for (let queue = 0; queue < this.queues; queue++) if ((sizes[queue] = size(queue)) >= 0) anyFrame = true;
    // Every pass below serves only a queue with a frame: with none, the answer is none (an idle block asked on every edge, or frames all held back).
    if (!anyFrame) return -1;
    for (const queue of this.strictQueues) {
      const bytes = sizes[queue]!;
      if (bytes >= 0 && (!this.policed(queue) || this.hasTokens(queue, bytes))) return this.picked(queue, "priority");
    }
    const minimum = this.underMinimum();
    if (minimum >= 0) return this.picked(minimum, "minimum");
    const excess = this.excessShare();
    if (excess >= 0) return this.picked(excess, "excess");
    // No other class has a frame: a line with nothing else to send is not congested, and the policer stands aside.
    if (sizes.includes(WAITING)) return -1;
    for (const queue of this.strictQueues) if (sizes[queue]! >= 0) return this.picked(queue, "unpoliced");
    return -1;
  }

  /**
   * Whether a strict queue's frame of `bytes` may go now outside pick() (the crypto engines place
   * strict jobs over others'), and on which account to charge it: within its rate ("priority"), or
   * over it while no other class has a frame ("unpoliced", as a pick would); null: it waits.
   */
  strictMayGo(now: number, queue: number, bytes: number, size: (queue: number) => number): Account | null {
    if (!this.policed(queue)) return "priority";
    this.countTo(now);
    if (this.hasTokens(queue, bytes)) return "priority";
    // Another class that would be served: any that is not strict, or a strict one within its rate (two over theirs: the higher goes).
    for (let other = 0; other < this.queues; other++) {
      const waiting = size(other);
      if (other === queue || waiting < 0) continue;
      if (!this.schedules[other]!.strict || !this.policed(other) || this.hasTokens(other, waiting)) return null;
    }
    return "unpoliced";
  }

  /** The queues' sizes during a pick. */
  private readonly sizes: number[];

  /** Debit what serving `bytes` of a queue costs (a negative amount credits it) to the account its pick was made on; returns that account. */
  charge(queue: number, bytes: number, account: Account = this.lastQueue === queue ? this.lastAccount : this.schedules[queue]!.strict ? "priority" : "excess"): Account {
    const cost = Math.sign(bytes) * this.cost(Math.abs(bytes));
    // The passes move on only once their pick is served: until then, pick() gives the same queue (it keeps its turn).
    if (account === "minimum") this.chargeMinimum(queue, cost);
    if (account === "priority" || account === "minimum") {
      this.tokens[queue] = this.tokensNow(queue) - cost;
      this.tokenTime[queue] = this.countedTo;
    } else if (account === "excess") this.excess.charge(queue, cost, this.weight(queue));
    return account;
  }

  /**
   * When a class held back by its rate has the tokens for its frame: a policed priority class over
   * its rate (another class's frame on its way), or a bandwidth class short of its minimum (a pick
   * it would win then, where the frame picked now must wait for room or reads: from an outside check).
   */
  readyAt(now: number, size: (queue: number) => number): number {
    this.countTo(now);
    let ready = Infinity;
    for (let queue = 0; queue < this.queues; queue++) {
      const schedule = this.schedules[queue]!;
      if (schedule.strict ? !this.policed(queue) : schedule.percent === 0) continue;
      const bytes = size(queue);
      if (bytes < 0 || this.hasTokens(queue, bytes)) continue;
      ready = Math.min(ready, this.firstTimeHolding(queue, this.need(queue, bytes), now));
    }
    return ready;
  }

  private picked(queue: number, account: Account): number {
    this.lastQueue = queue;
    this.lastAccount = account;
    return queue;
  }

  private policed(queue: number): boolean {
    return this.policeStrict && this.schedules[queue]!.percent > 0;
  }

  /** Tokens a frame needs: its cost, but never more than a full bucket (a jumbo frame may cost more than the bucket holds). */
  private need(queue: number, bytes: number): number {
    return Math.min(this.cost(bytes), this.depthOf(queue));
  }

  private hasTokens(queue: number, bytes: number): boolean {
    return this.tokensNow(queue) >= this.need(queue, bytes);
  }

  /** A queue's bucket: a policer's for a strict queue, a minimum's for the others. */
  private depthOf(queue: number): number {
    return this.schedules[queue]!.strict ? this.priorityBurst : this.bucketDepth;
  }

  private rateOf(queue: number): number {
    return this.lineBytesPerPicosecond * (this.schedules[queue]!.percent / 100);
  }

  /**
   * A ready bandwidth queue still owed its minimum: of those holding the tokens for their frames,
   * the one whose next frame starts first in virtual time (ties, or fairMinimums off: the first in
   * round-robin order), so that minimums a bottleneck cannot all meet share it in proportion to
   * their percents.
   */
  private underMinimum(): number {
    if (this.fairMinimums) return this.minimums.pick(this.owedMinimum);
    for (let step = 0; step < this.queues; step++) {
      const queue = (this.nextMinimum + step) % this.queues;
      if (this.owedMinimum(queue)) return queue;
    }
    return -1;
  }

  /** Whether a bandwidth queue has a frame in this pick's sizes and the tokens for it (one function for every pick: the TX engine and the MAC pick per frame). */
  private readonly owedMinimum = (queue: number): boolean => {
    const schedule = this.schedules[queue]!;
    const bytes = this.sizes[queue]!;
    return !schedule.strict && schedule.percent > 0 && bytes >= 0 && this.hasTokens(queue, bytes);
  };

  /** Whether a bandwidth queue has a frame in this pick's sizes. */
  private readonly sharesExcess = (queue: number): boolean => !this.schedules[queue]!.strict && this.sizes[queue]! >= 0;

  /** A frame served on a queue's minimum (a negative cost: given back). */
  private chargeMinimum(queue: number, cost: number): void {
    const percent = this.schedules[queue]!.percent;
    if (percent === 0) return;
    this.minimums.charge(queue, cost, percent);
    if (cost > 0) this.nextMinimum = (queue + 1) % this.queues;
  }

  private weight(queue: number): number {
    return excessWeight(this.schedules[queue]!);
  }

  /** The bandwidth queue with a frame whose share of the excess, by its weight, comes first. */
  private excessShare(): number {
    return this.excess.pick(this.sharesExcess);
  }

  /** Count the tokens to `now` (time only moves on). */
  private countTo(now: number): void {
    if (now > this.countedTo) this.countedTo = now;
  }

  /** A queue's tokens at the last look: those after its last charge, and what its rate has added since, up to a full bucket. */
  private tokensNow(queue: number): number {
    return this.tokensAt(queue, this.countedTo);
  }

  private tokensAt(queue: number, time: number): number {
    if (this.schedules[queue]!.percent === 0) return this.tokens[queue]!;
    return Math.min(this.depthOf(queue), this.tokens[queue]! + (time - this.tokenTime[queue]!) * this.rateOf(queue));
  }

  /**
   * The first time after `now` at which a queue of a rate holds `need` tokens, by the very sum
   * hasTokens makes then: the division's rounding may put it a picosecond either side, and a block
   * waking a picosecond late, past an edge, would act an edge later than one asking at every edge.
   */
  private firstTimeHolding(queue: number, need: number, now: number): number {
    let time = now + Math.max(1, Math.ceil((need - this.tokensNow(queue)) / this.rateOf(queue)));
    while (time > now + 1 && this.tokensAt(queue, time - 1) >= need) time--;
    while (this.tokensAt(queue, time) < need) time++;
    return time;
  }
}
