import { Channel } from "../sim/channel.js";
import { ClockedComponent, type ComponentContext } from "../sim/component.js";
import type { DmaCompletion } from "./dma/engine.js";
import type { NicShared } from "./config.js";
import { QueueScope } from "./queue-scope.js";
import type { QueueState } from "./queue-state.js";
import { smallFetchCanWait, SMALL_FETCHES } from "./descriptor-prefetch.js";
import { RingRegisters } from "./ring.js";
import type { Signal } from "../sim/signal.js";
import { WatchedSignals } from "../sim/watched-signals.js";

/**
 * What the TX and RX engines share: one queue state per ring with its scope in the waveform, the
 * DMA completion channel, the doorbell, and descriptor fetching across the queues (urgent ones first, then round-robin).
 */
export abstract class RingEngine<D, S extends QueueState<D>, Tag> extends ClockedComponent {
  // Woken by its channels, register writes and the times it asks for: not asked isIdle while it sleeps.
  override readonly sleepsUntilWoken = true;
  readonly queues: S[] = [];
  protected readonly completions: Channel<DmaCompletion<Tag>>;
  private nextFetchQueue = 0;

  constructor(context: ComponentContext, protected readonly shared: NicShared, direction: "tx" | "rx", makeState: (ring: RingRegisters, scope: QueueScope) => S) {
    super(context);
    for (let queue = 0; queue < shared.queues; queue++) {
      const scope = this.child(QueueScope, `q${queue}`);
      this.queues.push(makeState(new RingRegisters(direction, queue, shared.errors, scope, this.kernel), scope));
    }
    this.completions = new Channel(this.kernel, this);
    this.shortOf = this.queues.map((state) => () => this.shortOfDescriptors(state));
  }

  /** The signals the engine draws on every edge it runs: its own and its queues'. */
  private drawnSignals = new WatchedSignals([]);

  /**
   * Names the engine's own signals drawn on every edge it runs, and wakes it when anything comes to
   * see one (the waveform's window opening, a waiter): it runs then and brings them up to date.
   */
  protected drawEachEdge(own: readonly Signal[]): void {
    this.drawnSignals = new WatchedSignals([...own, ...this.queues.flatMap((state) => state.scope.published)]);
    for (const signal of this.drawnSignals.signals) signal.onWatched = () => this.drawnWatched();
  }

  /** The edge the engine last ran on: its evaluate sets it first. */
  protected lastRun = -Infinity;

  /**
   * `state` as an engine run on every edge shows it: `idle` from the edge after its last run,
   * where, skipped as idle, it had nothing to do. Unwatched, a reader saw the last run's SEND or
   * DELIVER long after (the RX engine showed IDLE only after write-back landings; from an outside
   * check that read every signal at random times).
   */
  protected showStateLeft(state: Signal, idle: number): void {
    if (this.lastRun + this.clock.period <= this.kernel.committedThrough && state.current !== idle) state.showDrawn(idle);
  }

  /** A reader of the unwatched `state` is shown it as the edges since the last run left it (a watched one is drawn on each of them). */
  protected showStateWhenRead(state: Signal, idle: number): void {
    state.refresh = () => {
      if (!state.watched) this.showStateLeft(state, idle);
    };
  }

  /** One of the signals drawn on every edge came to be seen: the engine runs and draws them. */
  protected drawnWatched(): void {
    this.wake();
  }

  /** The first edge after `after` on which a write-back landed is counted out of its ring, which the engine kept rather than ran on (TxWriteBackLandings, RxWriteBackLandings; Clocked.nextKeptEdge). */
  nextKeptEdge(after: number): number {
    let edge = Infinity;
    for (const state of this.queues) {
      const leaving = state.ring.leavingOn;
      for (let index = 0; index < leaving.length; index++) {
        const on = leaving.at(index)!;
        if (on > after) {
          edge = Math.min(edge, on);
          break;
        }
      }
    }
    return edge;
  }

  /** Run on the edges kept, as it ran before write-backs were handled as they landed. */
  planKeptEdges(): void {
    for (const state of this.queues) {
      const leaving = state.ring.leavingOn;
      for (let index = 0; index < leaving.length; index++) this.wakeAt(leaving.at(index)!);
    }
  }

  /**
   * Whether anything sees the signals drawn on each edge. Where nothing does, an edge that would
   * only draw them (its state back to IDLE after a frame) is skipped: without a waveform it was
   * a third of the TX engine's runs.
   */
  protected get drawn(): boolean {
    return this.drawnSignals.any;
  }

  /** Whether a small fetch can ever wait for spare read tags alone under this cache (smallFetchCanWait): where it cannot, the engine asks for no such edge. */
  protected smallFetchesWait(descriptorCache: number, batch: number): boolean {
    return smallFetchCanWait(descriptorCache, batch, this.shared.dma.params.maxOutstandingReads);
  }

  /** Each queue's shortOfDescriptors, made once: a closure made per ask was a quarter of the bytes a 60-byte TX frame allocated. */
  private readonly shortOf: (() => boolean)[];

  ring(queue: number): RingRegisters {
    return this.queues[queue]!.ring;
  }

  /** A tail write: the doorbell. It wakes the engine unless it adds no descriptor (the tail as it stands, written by a post whose frame another core's doorbell took), or the engine can tell that those it adds change nothing the next edges would do (doorbellChangesNothing). */
  doorbell(queue: number, value: number): void {
    const planned = this.nextWakeTime();
    const state = this.queues[queue]!;
    const ring = state.ring;
    const adds = value !== ring.tail;
    if (!ring.ringDoorbell(value) || !adds) return;
    if (!this.doorbellChangesNothing(queue, planned)) this.wake();
    else state.scope.tailUndrawn(this.clock.wakeEdge(this.kernel.now, this.kernel.edgesPending), ring.tail);
  }

  /** The edge the engine next asks for by itself, as the domain goes to sleep (Clocked.nextWakeTime). */
  abstract nextWakeTime(): number;

  /** Whether a doorbell just accepted on the queue leaves the engine's next edges as they were, `planned` its nextWakeTime before it; an engine that cannot tell says false. */
  protected doorbellChangesNothing(_queue: number, _planned: number): boolean {
    return false;
  }

  /** The DMA urgency of a descriptor fetch of a queue that is not strict (read-urgency.ts). */
  protected abstract readonly fetchUrgency: number;

  /** The DMA urgency of a strict queue's descriptor fetch (read-urgency.ts). */
  protected abstract strictFetchUrgency(queue: number): number;

  /** Whether some queues' fetches may press (pressing): the round-robin then looks at those first (a pass spared where none can). */
  protected readonly fetchesPress: boolean = false;

  /** Whether the queue's fetch goes before the other queues' turns. */
  protected pressing(_state: S): boolean {
    return false;
  }

  /** Queues whose descriptors are fetched before the round-robin (the strict priority classes), highest first. */
  protected urgentQueues(): readonly number[] {
    return [];
  }

  /** Whether the queue's head frame needs more descriptors than its cache holds (a fetch then takes what fits, less than a batch). */
  protected abstract shortOfDescriptors(state: S): boolean;

  /** Whether a fetch for the queue starts as the engine runs: one due, or one the DMA's read tags allow (DescriptorPrefetch.wantsFetch). The engine is not idle while one would. */
  protected wantsFetch(state: S, capacity: number, batch: number): boolean {
    // Asked only where it decides: the TX engine's head frame is worked out for it.
    return state.prefetch.wantsFetch(capacity, batch, this.shared.dma, this.shortOf[state.ring.queue]!);
  }

  /** The edge on which a small fetch that waits only for spare read tags may start (DmaEngine.spareReadTagsBy), or Infinity: asked as the domain goes to sleep. */
  protected smallFetchTime(capacityOf: (state: S) => number, batch: number): number {
    const readTags = this.shared.dma.params.maxOutstandingReads;
    for (const state of this.queues) if (state.prefetch.smallFetchWaits(capacityOf(state), batch, readTags)) return this.shared.dma.spareReadTagsBy(SMALL_FETCHES);
    return Infinity;
  }

  /** Whether the engine can do nothing more with what the queue's cache holds: a failed fetch after it then faults the queue. */
  protected abstract cacheUsedUp(state: S): boolean;

  /** Start one descriptor fetch: urgent queues first, then round-robin over the queues; returns whether one started. A queue whose failed fetch's turn has come, and whose cache is used up, faults first. */
  protected fetchDescriptors(capacityOf: (state: S) => number, batch: number): boolean {
    for (const state of this.queues) if (state.prefetch.faultPending && this.cacheUsedUp(state)) state.prefetch.applyFault();
    for (const urgent of this.urgentQueues()) {
      const state = this.queues[urgent]!;
      const capacity = capacityOf(state);
      if (!this.wantsFetch(state, capacity, batch)) continue;
      state.prefetch.fetch(this.shared.dma, this.completions, capacity, batch, this.strictFetchUrgency(urgent));
      return true;
    }
    return (this.fetchesPress && this.fetchInTurn(capacityOf, batch, true)) || this.fetchInTurn(capacityOf, batch, false);
  }

  /** One fetch, round-robin over the queues from the one after the last to fetch; `pressing`: only among those that press. */
  private fetchInTurn(capacityOf: (state: S) => number, batch: number, pressing: boolean): boolean {
    const count = this.queues.length;
    for (let step = 0; step < count; step++) {
      const queue = (this.nextFetchQueue + step) % count;
      const state = this.queues[queue]!;
      if (pressing && !this.pressing(state)) continue;
      const capacity = capacityOf(state);
      if (!this.wantsFetch(state, capacity, batch)) continue;
      state.prefetch.fetch(this.shared.dma, this.completions, capacity, batch, this.fetchUrgency);
      this.nextFetchQueue = (queue + 1) % count;
      return true;
    }
    return false;
  }
}
