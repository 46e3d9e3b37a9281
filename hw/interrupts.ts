import { inject, injectable } from "../sim/di.js";
import { Channel } from "../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import type { SimEvent } from "../sim/sim-event.js";
import { Fifo } from "../sim/fifo.js";
import { CAUSE_ERROR, causeRxDone, causeTxDone, vectorCauses } from "./spec/registers.js";

export const InterruptQueueCount = Symbol("InterruptQueueCount");

/**
 * Interrupt cause, mask and moderation, with one message-signalled vector per queue pair and
 * one for errors. A vector fires when one of its causes is pending and enabled, and either its
 * packet threshold (EITR_PACKETS) is reached or its interval (EITR) has passed since it last
 * fired. Firing clears the vector's causes in ICR and in IMS (auto-clear, auto-mask): the driver
 * polls, then sets IMS again, and a cause that arrived meanwhile fires at once.
 */
@injectable()
export class InterruptController extends ClockedComponent {
  // Woken by its channels, register writes and the times it asks for: not asked isIdle while it sleeps.
  override readonly sleepsUntilWoken = true;
  readonly cause = this.signal("cause", 32);
  readonly mask = this.signal("mask", 32);
  readonly interruptsSignal = this.signal("interrupts", 32, { kind: "integer" });
  readonly vectors: SimEvent[] = [];
  /** Interrupts fired per vector, for reports and tests. */
  readonly fired: number[];
  private causeBits = 0;
  private maskBits = 0;
  private readonly interval: number[];
  private readonly threshold: number[];
  private readonly packets: number[];
  private readonly lastFire: number[];
  private readonly causesOf: number[];
  /** The cause bits this device has (its queues' and ERROR): the others are reserved, and read 0 in ICR and IMS. */
  private readonly existing: number;
  /** Causes raised by other blocks, seen from the next phase on (whatever the evaluation order). */
  private readonly raised: Channel<{ bits: number; vector: number; packets: number }>;
  /**
   * Causes kept with the edge that takes them, in its order, outside `raised`:
   * - raised while nothing watches `cause` for a vector that cannot fire on the edge that would
   *   take them from `raised`: one masked, or one with a cause pending already whose interval
   *   (EITR) has not run out by then, its end planned already (nextDue). The block does not run
   *   for them; ICR reads, register writes, `cause`'s readers and the block's next run apply them
   *   as that edge would have (one of the 60-byte frame's timesteps went to a masked one's run; in
   *   the default scenario, whose bulk vectors wait 10 µs, 0.6 of a frame's 12.2 evaluations went
   *   to taking causes for vectors already waiting);
   * - TX_DONE or RX_DONE for a write-back that landed, as the TX or RX engine's run on the edge
   *   after the landing would have raised it (txDoneOn, rxDoneOn): kept so too where it cannot fire, else taken by the block's
   *   run on its take edge.
   */
  private readonly raisesKept = new Fifo<KeptRaise>();
  private dirty = false;
  /**
   * A mask a register write set while nothing watches `mask`, where the run the write asked for
   * would only have drawn it (nothing pending could fire, nothing else to take): the edge that run
   * would have been on, and the mask. Shown to `mask`'s readers once committed, drawn by the
   * block's next run, and drawn on its edge once watched (the driver's IMS write after each poll:
   * one of a 1500-byte frame's timesteps).
   */
  private maskDrawEdge = Infinity;
  private maskDrawBits = 0;
  private nextDue = Infinity;
  /** Until when every cause is stuck asserted (an injected interrupt storm). */
  private stormUntil = -Infinity;
  private total = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(InterruptQueueCount) readonly queues: number) {
    super(context);
    const count = queues + 1;
    for (let vector = 0; vector < count; vector++) this.vectors.push(this.event(vector === queues ? "vector_error" : `vector${vector}`));
    this.fired = new Array<number>(count).fill(0);
    this.interval = new Array<number>(count).fill(0);
    this.threshold = new Array<number>(count).fill(0);
    this.packets = new Array<number>(count).fill(0);
    // No previous interrupt: a vector's first fires at once, whatever its EITR.
    this.lastFire = new Array<number>(count).fill(-Infinity);
    this.causesOf = Array.from({ length: count }, (_, vector) => vectorCauses(vector, queues));
    this.existing = this.causesOf.reduce((bits, causes) => bits | causes, 0);
    this.raised = new Channel(this.kernel, this);
    this.cause.refresh = () => this.showRaisesKept();
    this.cause.onWatched = () => this.causeWatched();
    this.mask.refresh = () => this.showMask();
    this.mask.onWatched = () => this.maskWatched();
  }

  rxDone(queue: number, packets: number): void {
    this.raise(causeRxDone(queue), queue, packets);
  }

  error(): void {
    this.raise(CAUSE_ERROR, this.queues, 1);
  }

  /** Fault injection: every cause stays asserted until `until`, so each vector fires again whenever it is unmasked and moderation allows; the driver finds nothing to do. */
  storm(until: number): void {
    this.stormUntil = Math.max(this.stormUntil, until);
    this.touch();
  }

  // ---- registers ----
  readCause(): number {
    // Taken here, they are shown too: `cause`'s next reader finds nothing left to take (from an outside check).
    this.showRaisesKept();
    return this.causeBits >>> 0;
  }
  clearCause(bits: number): void {
    this.update(~bits, 0, -1, 0);
  }
  setCause(bits: number): void {
    this.update(-1, bits & this.existing, -1, 0);
  }
  readMask(): number {
    return this.maskBits >>> 0;
  }
  enable(bits: number): void {
    this.update(-1, 0, -1, bits & this.existing);
  }
  disable(bits: number): void {
    this.update(-1, 0, ~bits, 0);
  }
  readInterval(vector: number): number {
    return this.interval[vector]! / 1000;
  }
  writeInterval(vector: number, nanoseconds: number): void {
    this.interval[vector] = nanoseconds * 1000;
    this.touch();
  }
  readThreshold(vector: number): number {
    return this.threshold[vector]!;
  }
  writeThreshold(vector: number, packets: number): void {
    this.threshold[vector] = packets;
    this.touch();
  }

  override isIdle(): boolean {
    const now = this.kernel.now;
    return !this.dirty && this.raised.length === 0 && this.nextDue > now && (this.raisesKept.at(0)?.takenAt ?? Infinity) > now;
  }

  /** The earliest interval that runs out with a cause pending, asked as the domain goes to sleep. */
  nextWakeTime(): number {
    return this.nextDue;
  }

  evaluate(): void {
    const now = this.kernel.now;
    this.dirty = false;
    // This run draws the mask as it stands.
    this.maskDrawEdge = Infinity;
    this.nextDue = Infinity;
    this.takeRaisesKept(now);
    for (let raise = this.raised.take(); raise; raise = this.raised.take()) {
      this.packets[raise.vector]! += raise.packets;
      this.causeBits |= raise.bits;
    }
    if (now < this.stormUntil) for (const causes of this.causesOf) this.causeBits |= causes;
    for (let vector = 0; vector < this.causesOf.length; vector++) {
      const causes = this.causesOf[vector]!;
      if ((this.causeBits & this.maskBits & causes) === 0) continue;
      const threshold = this.threshold[vector]!;
      const due = this.lastFire[vector]! + this.interval[vector]!;
      if ((threshold > 0 && this.packets[vector]! >= threshold) || now >= due) {
        this.causeBits &= ~causes;
        this.maskBits &= ~causes;
        this.packets[vector] = 0;
        this.lastFire[vector] = now;
        this.fired[vector]!++;
        this.total++;
        this.vectors[vector]!.fire();
        // In a storm the causes just cleared are stuck: the next edge asserts them again (ICR shows them). Asleep, the block showed them cleared until the driver's next register write (from an outside check).
        if (now < this.stormUntil) this.nextDue = Math.min(this.nextDue, now + this.clock.period);
      } else {
        this.nextDue = Math.min(this.nextDue, due);
      }
    }
    this.cause.set(this.causeBits >>> 0);
    this.mask.set(this.maskBits >>> 0);
    this.interruptsSignal.set(this.total);
  }

  private raise(bits: number, vector: number, packets: number): void {
    const now = this.kernel.now;
    // The run a mask write left to draw would have taken this cause on its edge (one raised between runs, on the edge the last run stopped at): it runs.
    if (this.maskDrawEdge > this.kernel.committedThrough && this.maskDrawEdge !== Infinity) this.wake();
    const takenAt = this.clock.edgeAfter(now);
    // Not kept between runs before this time's phase (a run stopped at its limit): the block may yet run on an edge now, woken by a later call, and take it from `raised` there (kept, such a cause fired a cycle late; from an outside check).
    if (this.kernel.begun && this.kernel.phaseRanNow && this.keptWithoutRun(now, vector, takenAt)) this.keep({ takenAt, bits, vector, packets });
    else this.raised.push({ bits, vector, packets });
  }

  /**
   * TX_DONE raised by the TX engine's run on `edge` (a run it no longer has: a write-back landed
   * before that edge, TxWriteBackLandings), told before it: taken on the block's first edge after,
   * as a cause raised on that edge would be.
   */
  txDoneOn(edge: number, queue: number, packets: number): void {
    this.raiseOn(edge, causeTxDone(queue), queue, packets);
  }

  /** RX_DONE raised by the RX engine's run on `edge`, told before it as txDoneOn is (RxWriteBackLandings). */
  rxDoneOn(edge: number, queue: number, packets: number): void {
    this.raiseOn(edge, causeRxDone(queue), queue, packets);
  }

  private raiseOn(edge: number, bits: number, vector: number, packets: number): void {
    const takenAt = this.clock.edgeAfter(edge);
    const kept = this.keptWithoutRun(edge, vector, takenAt);
    this.keep({ takenAt, bits, vector, packets });
    if (!kept) this.wakeAt(takenAt);
  }

  /** Whether a cause raised on `edge` for the vector is kept with no run for it: unwatched, no storm, and it cannot fire on `takenAt`, the edge that takes it. */
  private keptWithoutRun(edge: number, vector: number, takenAt: number): boolean {
    return edge >= this.stormUntil && !this.cause.watched && this.cannotFireOn(vector, takenAt);
  }

  /** Keep a cause with the edge that takes it, in that edge's order (one for an earlier edge goes before a landed TX_DONE told ahead); those taken by now are applied first, so a vector masked for good keeps only what is still to come. */
  private keep(raise: KeptRaise): void {
    this.showRaisesKept();
    this.raisesKept.insertSorted(raise, byTakeEdge);
  }

  /**
   * Whether a cause raised for the vector cannot fire on the edge that takes it (`takenAt`): the vector
   * masked (only a register write unmasks it, and applies the cause first), or waiting out its
   * interval with a cause pending (the block's last run, or the one a register write asked for,
   * planned the interval's end) and no packet threshold. A register write before that edge has the
   * block run on it, which takes the cause there.
   */
  private cannotFireOn(vector: number, takenAt: number): boolean {
    const causes = this.causesOf[vector]!;
    if ((this.maskBits & causes) === 0) return true;
    return (this.causeBits & causes) !== 0 && this.threshold[vector] === 0 && takenAt < this.lastFire[vector]! + this.interval[vector]!;
  }

  /** Apply the causes kept for vectors that could not fire, through those the edge at `edge` would have taken. */
  private takeRaisesKept(edge: number): boolean {
    return this.raisesKept.length !== 0 && this.raisesKept.takeThrough(edge, takenAt, this.takeRaise) > 0;
  }

  private readonly takeRaise = (raise: KeptRaise): void => {
    this.packets[raise.vector]! += raise.packets;
    this.causeBits |= raise.bits;
  };

  /** Show `cause` as the edges that took the causes kept drew it (no register write waits for its edge meanwhile: each first shows what came before it). */
  private showRaisesKept(): void {
    if (this.takeRaisesKept(this.kernel.committedThrough)) this.cause.showDrawn(this.causeBits >>> 0);
  }

  /** The edges a watched block would still take: each kept cause's, and a mask's left to draw. */
  planKeptEdges(): void {
    if (!this.mask.watched) this.maskWatched();
    if (this.cause.watched) return;
    // Between runs: an edge at now was taken by the run that stopped here, had the block been watched.
    if (this.takeRaisesKept(this.kernel.now)) this.cause.showDrawn(this.causeBits >>> 0);
    this.wakeForRaisesKept();
  }

  /** The first edge after `after` still to come that a watched block would run on only to draw: a mask's, or one taking a kept cause (Clocked.nextKeptEdge). */
  nextKeptEdge(after: number): number {
    const from = Math.max(after, this.kernel.committedThrough);
    let edge = !this.mask.watched && this.maskDrawEdge > from ? this.maskDrawEdge : Infinity;
    if (this.cause.watched) return edge;
    for (let index = 0; index < this.raisesKept.length; index++) {
      const takenAt = this.raisesKept.at(index)!.takenAt;
      if (takenAt > from) return Math.min(edge, takenAt);
    }
    return edge;
  }

  /** The edge that takes each cause kept (after `after`): where a watched block draws it. */
  private wakeForRaisesKept(after = -Infinity): void {
    for (let index = 0; index < this.raisesKept.length; index++) {
      const takenAt = this.raisesKept.at(index)!.takenAt;
      if (takenAt > after) this.wakeAt(takenAt);
    }
  }

  /** Watched from now: shown as it stands, and drawn on the edge that takes each kept cause still to come. */
  private causeWatched(): void {
    this.showRaisesKept();
    this.wakeForRaisesKept();
  }

  /** A register write: cause and mask each kept where `keep…` has a bit, then set where `set…` has one. */
  private update(keepCause: number, setCause: number, keepMask: number, setMask: number): void {
    // The kept causes taken by now come first; `cause` shows them until this write's edge comes.
    this.showRaisesKept();
    this.showMask();
    const causeBefore = this.causeBits;
    this.causeBits = (this.causeBits & keepCause) | setCause;
    this.maskBits = (this.maskBits & keepMask) | setMask;
    if (this.causeBits === causeBefore && this.onlyMaskToDraw()) {
      // Two writes before the edge: that edge draws the last.
      this.maskDrawEdge = this.clock.wakeEdge(this.kernel.now, this.kernel.edgesPending);
      this.maskDrawBits = this.maskBits;
    } else this.touch();
  }

  /**
   * Whether the run a mask write asks for would only draw the mask: nothing watches it, no run
   * is asked for already, nothing waits to be taken or to fire (no cause pending on an enabled
   * vector, none kept, no interval's end planned), and no storm.
   */
  private onlyMaskToDraw(): boolean {
    return (
      !this.mask.watched &&
      this.kernel.begun &&
      !this.dirty &&
      this.raised.length === 0 &&
      this.raisesKept.length === 0 &&
      this.nextDue === Infinity &&
      (this.causeBits & this.maskBits) === 0 &&
      this.kernel.now >= this.stormUntil
    );
  }

  /** `mask` as the run a write skipped would have drawn it, once that run's edge is committed for the reader. */
  private showMask(): void {
    if (this.maskDrawEdge > this.kernel.committedThrough) return;
    this.mask.showDrawn(this.maskDrawBits >>> 0);
    this.maskDrawEdge = Infinity;
  }

  /** Watched from now (or the run's last edges planned): a mask left to draw is drawn on its edge, the first a wake now has the block run on. */
  private maskWatched(): void {
    this.showMask();
    if (this.maskDrawEdge !== Infinity) this.wake();
  }

  private touch(): void {
    this.dirty = true;
    this.wake();
    // A cause kept for an edge after the one this run is on (raised as a posted write landed, before this phase's edges) is taken on its own edge, as `raised` would have had it: this write may make it fire there (an unmasked vector, a threshold, its pending cause cleared; from an outside check, an ERROR interrupt was lost).
    this.wakeForRaisesKept(this.kernel.now);
  }
}

interface KeptRaise {
  readonly takenAt: number;
  readonly bits: number;
  readonly vector: number;
  readonly packets: number;
}

/** The order of the kept causes: by the edge that takes each, those for one edge as they came. */
function byTakeEdge(first: KeptRaise, second: KeptRaise): boolean {
  return first.takenAt < second.takenAt;
}

/** The edge that takes a kept cause (Fifo.takeThrough). */
function takenAt(raise: KeptRaise): number {
  return raise.takenAt;
}
