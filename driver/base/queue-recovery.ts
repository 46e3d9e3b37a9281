import { concatenate } from "../../sim/bytes.js";
import type { Kernel } from "../../sim/kernel.js";
import { Mailbox } from "../../sim/mailbox.js";
import { type Command, delay } from "../../sim/process.js";
import type { Signal } from "../../sim/signal.js";
import type { DeviceBus } from "../../hw/spec/bus.js";
import { type DmaFaultCode, errorCodeName, isDmaFault } from "../../hw/spec/errors.js";
import * as R from "../../hw/spec/registers.js";
import type { HostCpu } from "../cpu/host-cpu.js";
import type { QueuePair, QueueRecoveryState } from "./queue-pair.js";
import { PROGRAM_RX_WRITES, PROGRAM_TX_WRITES, programRxRing, programTxRing } from "./ring-registers.js";

/**
 * Why the base driver dropped a frame: the TX frame whose descriptors a failed fetch read (by the
 * fault's code; DMA_UNMAPPED when the ring itself is unmapped), or any other frame still posted
 * on a ring that had to be reset.
 */
export type BaseDropReason = DmaFaultCode | "DMA_UNMAPPED" | "QUEUE_RESET";

export type QueueDirection = "tx" | "rx";

/** A frame the base driver will never send or hand up, with its bytes (what the scoreboards identify it by). */
export interface BaseDrop {
  readonly reason: BaseDropReason;
  readonly queue: number;
  readonly direction: QueueDirection;
  readonly bytes: Uint8Array;
}

/** The base driver's parameters the recovery follows (described there), ns. */
export interface QueueRecoveryParameters {
  readonly resetPollNanoseconds: number;
  readonly resetBackoffNanoseconds: number;
  readonly resetBackoffMaximumNanoseconds: number;
  readonly mmioWriteNanoseconds: number;
  readonly cleanNanoseconds: number;
}

/** What the recovery uses of the base driver beyond the device: its queues and its poll. */
export interface RecoveryDriver {
  pair(queue: number): QueuePair;
  classOfQueue(queue: number): number;
  /** Reap written-back TX frames; the CPU time, ps. */
  reapTransmitted(queue: number): number;
  /** One poll of the queue at a class and the frames handed up, with the queue's poll lock held; descriptors taken. */
  pollAndDeliver(queue: number, trafficClass: number): Generator<Command, { descriptors: number }, unknown>;
  dropped(drop: BaseDrop): void;
}

/**
 * The driver's reset task for queues the device disabled after a failed descriptor fetch (as
 * Linux ixgbe's service task runs its reset subtask): one process, resetting one queue at a
 * time, but one waiting for the device to finish with its queue lets a higher class's go first. It stops the queue, waits until the device has finished what it took (BUSY), reaps
 * or takes what was written back, accounts every frame that will never be sent, clears the ring
 * and programs it again. TX senders wait while their queue is stopped (as a stopped netdev
 * queue holds the stack's packets) and go once it is back; none is dropped for waiting.
 */
export class QueueRecovery {
  private readonly requests: Mailbox<{ direction: QueueDirection; queue: number }>;

  constructor(
    private readonly kernel: Kernel,
    private readonly bus: DeviceBus,
    private readonly cpu: HostCpu,
    private readonly driver: RecoveryDriver,
    private readonly parameters: QueueRecoveryParameters,
    /** What it shows: a reset under way, and the resets done (in the waveform and the driver's statistics). */
    private readonly shown: { readonly recovering: Signal; readonly resets: Signal; readonly statistics: { queueResets: number } },
  ) {
    this.requests = new Mailbox(kernel, "a queue to reset");
  }

  /** CPU time of an MMIO write and of cleaning a descriptor, ps. */
  private get mmioWrite(): number {
    return this.parameters.mmioWriteNanoseconds * 1000;
  }

  private get clean(): number {
    return this.parameters.cleanNanoseconds * 1000;
  }

  /**
   * The device says (QUEUE_FAULTS) the queue is disabled by a fault: stop it at once, and reset it
   * in turn; later the more often it faulted without progress, so that a queue that cannot work
   * costs little, and without holding up the resets of other queues.
   */
  schedule(direction: QueueDirection, queue: number): void {
    const pair = this.driver.pair(queue);
    const state = pair.recovery[direction];
    if (state.scheduled) return;
    state.scheduled = true;
    state.stopped = true;
    const progress = direction === "tx" ? pair.tx.reapedCount : pair.rx.takenCount;
    state.faultsInARow = progress === state.progressAtFault ? state.faultsInARow + 1 : 1;
    state.progressAtFault = progress;
    const request = { direction, queue };
    if (state.faultsInARow === 1) return this.request(request);
    const wait = Math.min(this.parameters.resetBackoffNanoseconds * 2 ** (state.faultsInARow - 2), this.parameters.resetBackoffMaximumNanoseconds);
    this.kernel.schedule(wait * 1000, `queue reset backoff (${direction.toUpperCase()} ${queue})`, () => this.request(request));
  }

  /** A reset to make: it lends its class to the reset under way, which holds it up. */
  private request(request: { direction: QueueDirection; queue: number }): void {
    this.requests.push(request);
    this.lend(this.driver.classOfQueue(request.queue));
  }

  /**
   * The reset under way, and the class it runs its work at: the highest of its queue's and those of
   * the resets waiting behind it (priority inheritance), raised as more come. Resets go in the order
   * the faults came, so none waits for ever behind higher classes that keep faulting; but on one
   * core busy with bulk, a gold queue's reset had waited 400 µs behind that of a queue with no
   * traffic, whose poll and work waited for the core at class 1 (from outside checks).
   */
  private underWay: { readonly direction: QueueDirection; readonly queue: number; lent: number; raise: ((trafficClass: number) => void) | null } | null = null;

  private lend(trafficClass: number): void {
    const reset = this.underWay;
    if (reset === null || trafficClass <= reset.lent) return;
    reset.lent = trafficClass;
    // Its own job waiting for a core, or (RX, which takes the queue's poll lock) the poll that holds the lock it waits for.
    reset.raise?.(trafficClass);
    if (reset.direction === "rx") this.driver.pair(reset.queue).raisePoll?.(trafficClass);
  }

  *run(): Generator<Command, void, unknown> {
    for (;;) {
      const request = yield* this.requests.take();
      this.shown.recovering.set(1);
      yield* this.reset(request);
      if (this.requests.length === 0) this.shown.recovering.set(0);
    }
  }

  /** One queue's reset, under way (for lending) while it runs; the one it interrupted, if any, is under way again after it. */
  private *reset({ direction, queue }: { direction: QueueDirection; queue: number }): Generator<Command, void, unknown> {
    const interrupted = this.underWay;
    this.underWay = { direction, queue, lent: this.lentTo(queue), raise: null };
    try {
      const reset = direction === "tx" ? yield* this.resetTx(queue) : yield* this.resetRx(queue);
      if (reset) this.shown.resets.set(++this.shown.statistics.queueResets);
    } finally {
      this.underWay = interrupted;
      // What it was lent is lent no more once the reset that lent it is done: only those still waiting lend.
      if (interrupted !== null) interrupted.lent = this.lentTo(interrupted.queue);
    }
  }

  /** The class a reset of `queue` runs at: its queue's, or a higher one's waiting behind it. */
  private lentTo(queue: number): number {
    return Math.max(this.driver.classOfQueue(queue), ...this.requests.waiting.map((request) => this.driver.classOfQueue(request.queue)));
  }

  /** The reset's work on a core at the lent class, raised while it waits for one. */
  private *resetWork(picoseconds: number): Generator<Command, void, unknown> {
    const reset = this.underWay!;
    try {
      yield* this.cpu.run("QUEUE_RESET", reset.lent, picoseconds, (raise) => {
        reset.raise = raise;
      });
    } finally {
      reset.raise = null;
    }
  }

  private *resetTx(queue: number): Generator<Command, boolean, unknown> {
    const pair = this.driver.pair(queue);
    const state = pair.recovery.tx;
    if (!(yield* this.confirmFault(state, R.TXDCTL(queue)))) return false;
    const fault = R.decodeQueueFault((yield this.bus.mmioRead(R.TDFAULT(queue))) as number);
    this.bus.mmioWrite(R.TXDCTL(queue), 0);
    yield* this.waitUntilIdle(R.TXDCTL(queue), queue);
    let work = this.driver.reapTransmitted(queue);
    const code = errorCodeName(fault.code);
    const faultReason: BaseDropReason = code && (isDmaFault(code) || code === "DMA_UNMAPPED") ? code : "QUEUE_RESET";
    // What the device did not write back it will never send: the frame the failed fetch read by the fault, the rest by the reset.
    for (const frame of pair.tx.posted) {
      const reason = pair.tx.holds(frame, fault.index) ? faultReason : "QUEUE_RESET";
      this.driver.dropped({ reason, queue, direction: "tx", bytes: pair.tx.bytesOf(frame) });
      work += this.clean * frame.count;
    }
    pair.tx.reset();
    pair.pendingDoorbell = 0;
    yield* this.resetWork(work + this.mmioWrite * (PROGRAM_TX_WRITES + 1));
    programTxRing(this.bus, queue, pair.tx);
    yield* this.resume(state, "tx", queue, R.TXDCTL(queue));
    pair.space.fire();
    return true;
  }

  private *resetRx(queue: number): Generator<Command, boolean, unknown> {
    const pair = this.driver.pair(queue);
    const state = pair.recovery.rx;
    if (!(yield* this.confirmFault(state, R.RXDCTL(queue)))) return false;
    this.bus.mmioWrite(R.RXDCTL(queue), 0);
    yield* this.waitUntilIdle(R.RXDCTL(queue), queue);
    // Everything written back is in host memory: take it and hand it up, in order with the polls (a poll holding the lock is lent the reset's class).
    pair.raisePoll?.(this.underWay!.lent);
    yield* pair.pollLock.acquire();
    try {
      // Each poll at the class lent now; while it waits for a core, lend() raises it through the queue's raisePoll.
      while ((yield* this.driver.pollAndDeliver(queue, this.underWay!.lent)).descriptors > 0);
      // A frame whose last descriptor never came cannot be completed on the fresh ring.
      if (pair.partial.length > 0) this.driver.dropped({ reason: "QUEUE_RESET", queue, direction: "rx", bytes: concatenate(pair.partial.splice(0)) });
      yield* this.resetWork(this.clean * pair.rx.descriptors + this.mmioWrite * (PROGRAM_RX_WRITES + 1));
      programRxRing(this.bus, queue, pair.rx, pair.rx.reset());
      yield* this.resume(state, "rx", queue, R.RXDCTL(queue));
    } finally {
      pair.pollLock.release();
    }
    return true;
  }

  /** Whether the queue is still disabled by a fault (one seen before an earlier reset's enable landed is no longer one). */
  private *confirmFault(state: QueueRecoveryState, control: number): Generator<Command, boolean, unknown> {
    if (R.QUEUE_CONTROL_FIELDS.FAULT.get((yield this.bus.mmioRead(control)) as number)) return true;
    state.scheduled = false;
    state.stopped = false;
    return false;
  }

  /**
   * Until the device holds nothing more of the queue (BUSY clear). Meanwhile a waiting reset of a
   * higher class than the queue's goes first, whole: the device finishes this queue's work without
   * the driver (up to a completion timeout for a read that never completes), and gold's queue had
   * waited 59 µs behind a TX queue waiting out a lost read (from an outside check). Each goes only
   * before resets of lower classes, so none waits for ever: this one's BUSY clears meanwhile.
   */
  private *waitUntilIdle(control: number, queue: number): Generator<Command, void, unknown> {
    while (R.QUEUE_CONTROL_FIELDS.BUSY.get((yield this.bus.mmioRead(control)) as number)) {
      const higher = this.highestWaitingAbove(this.driver.classOfQueue(queue));
      if (higher >= 0) yield* this.reset(this.requests.takeAt(higher));
      else yield delay(this.parameters.resetPollNanoseconds * 1000);
    }
  }

  /** The waiting reset of the highest class above `trafficClass` (the oldest of that class), or -1. */
  private highestWaitingAbove(trafficClass: number): number {
    let found = -1;
    let highest = trafficClass;
    this.requests.waiting.forEach((request, index) => {
      const waitingClass = this.driver.classOfQueue(request.queue);
      if (waitingClass > highest) (found = index), (highest = waitingClass);
    });
    return found;
  }

  /**
   * The enable is written: read it back (which flushes it) and let the queue go. A fault the
   * read-back shows came after the enable, while this reset still stood for the queue: take it up.
   */
  private *resume(state: QueueRecoveryState, direction: QueueDirection, queue: number, control: number): Generator<Command, void, unknown> {
    const value = (yield this.bus.mmioRead(control)) as number;
    state.scheduled = false;
    state.stopped = false;
    if (R.QUEUE_CONTROL_FIELDS.FAULT.get(value)) this.schedule(direction, queue);
  }
}
