import { inject, injectable } from "../../sim/di.js";
import { copyOf } from "../../sim/bytes.js";
import { insertAt } from "../../sim/array-places.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { HostMemoryToken } from "../../sim/host/token.js";
import type { HostMemory } from "../../sim/host/memory.js";
import { DmaTranslation } from "./translation.js";
import { AskedRequests } from "./asked-requests.js";
import { DueQueues } from "./due-queues.js";
import { DMA_PARAMETERS } from "./parameters.js";
import { piecesOf, ReadLookahead } from "./read-lookahead.js";
import { type DmaReply, type DmaRequest, type Due, DueSource, type ReadRequest, TAKEN_ON_NEXT_RUN } from "./request.js";
import { PostedWriteLink } from "./write-link.js";
import { WatchedSignals } from "../../sim/watched-signals.js";

export type { DmaCompletion } from "./request.js";

/**
 * The DMA engine between the device and host memory, modelled as PCIe: reads are split into
 * read requests of at most maxReadRequest bytes, each holding one of maxOutstandingReads tags
 * until its completion arrives after readLatency cycles and crosses the link at bytesPerCycle;
 * writes are posted, split into maxPayload chunks, and land in memory writeLatency cycles after
 * they cross the link, in order. Accesses outside mapped memory and injected faults complete with
 * an error instead of touching memory.
 *
 * Transaction-level, with the times of an engine evaluated on every edge: a write's pieces and
 * its landing are worked out in closed form when it is taken. Read pieces are issued one per edge
 * while a tag is free, but the engine runs only on edges where something shows (a request
 * completes and, when the waveform or a process watches reads_in_flight or reads_waiting, the
 * tags in use or the waiting reads change) and then does the edges in between, which by the
 * look-ahead change nothing shown, in order: their issues, random draws and completion times are
 * those the per-cycle engine had. Deferring the issues keeps an urgent read taken later able to
 * go ahead of pieces not issued yet. Unwatched, those two signals are brought up to date on the
 * edges the engine runs, and as they are read.
 */
@injectable()
export class DmaEngine extends ClockedComponent {
  // Woken by its channels, register writes and the times it asks for: not asked isIdle while it sleeps.
  override readonly sleepsUntilWoken = true;
  readonly params = this.parameters(DMA_PARAMETERS);
  readonly readsInFlight = this.signal("reads_in_flight", 9);
  readonly readsWaiting = this.signal("reads_waiting", 16);
  readonly writesPending = this.signal("writes_pending", 16);
  // Counts that pass 2^32 in a long run: regs, as an integer is 32 bits in a VCD (the save file shows them in decimal).
  readonly readBytes = this.signal("read_bytes", 48, { kind: "reg" });
  readonly writtenBytes = this.signal("written_bytes", 48, { kind: "reg" });
  readonly errors = this.signal("errors", 32, { kind: "integer" });

  /** Requests asked for and not taken yet: each is taken on the first edge after it was asked, by the engine's run then or by its catch-up. */
  private readonly asked = new AskedRequests();
  private readonly reads: ReadRequest[] = [];
  private readonly due = new DueQueues();
  private readonly writeLink: PostedWriteLink;
  private readonly lookahead: ReadLookahead;
  private tagsInUse = 0;
  /** Read pieces asked for and not yet issued, taken or not: what the free tags go to first. */
  private piecesWaiting = 0;
  private downstreamFree = 0;
  private pendingWrites = 0;
  private totalRead = 0;
  private totalWritten = 0;
  private errorCount = 0;
  /** Requests completed so far: the catch-up checks it handled none (they are planned edges). */
  private completed = 0;
  /** The last edge whose work is done. */
  private doneThrough = 0;
  /** Unwatched, whether edges done lazily since the engine last wrote its queues' signals changed what they hold. */
  private piecesStale = false;
  /** The tags in use, reads waiting and writes pending before the edge at doneThrough: what a reader sees while that edge is still to commit. */
  private tagsBeforeDone = 0;
  private waitingBeforeDone = 0;
  private writesBeforeDone = 0;
  /** The next edge on which something shows. */
  private nextChange = Infinity;
  /**
   * Whether anything saw reads_in_flight, reads_waiting or writes_pending (the waveform, a waiting
   * process) as the engine last planned: then every piece's edge and every take is run. None is
   * done lazily before the first plan but a take asked while nothing watches them.
   */
  private piecesShown = false;
  /** The signals that, unwatched, show the edges done lazily only as they are read. */
  private readonly queueSignals = new WatchedSignals([this.readsInFlight, this.readsWaiting, this.writesPending]);
  /** Picoseconds from a piece's issue to the soonest edge its completion is handled on. */
  private readonly fewestTurnaround: number;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(HostMemoryToken) private readonly memory: HostMemory) {
    super(context);
    this.translation = new DmaTranslation(memory);
    const period = this.clock.period;
    const { maxPayload, bytesPerCycle, maxOutstandingReads, maxReadRequest, readLatency, completionTimeout } = this.params;
    this.writeLink = new PostedWriteLink({ period, maxPayload, bytesPerCycle });
    // A piece's completion is handled no sooner than its latency (or timeout), and never on its own issue edge.
    const fewestTurnaroundCycles = Math.max(1, Math.min(readLatency, completionTimeout));
    this.fewestTurnaround = fewestTurnaroundCycles * period;
    this.lookahead = new ReadLookahead({ period, maxOutstandingReads, maxReadRequest, fewestTurnaroundCycles });
    // A process starting to wait on them wakes the engine, which shows every piece from its next edge on; one reading them sees the edges before now.
    for (const signal of this.queueSignals.signals) {
      signal.onWatched = () => this.wake();
      signal.refresh = () => this.showPieces();
    }
    // A request asked for on mapped memory is taken lazily: memory freed before its take edge would fail it there, so the edges seen are done first and the rest taken by a run.
    memory.beforeFree.push(() => this.memoryFreeing());
  }

  /** The IOMMU check made before an access is issued, and how an unmapped one is named. */
  readonly translation: DmaTranslation;
  /** Watchers of every request as the device makes it (scoreboards); they must not change anything. */
  readonly observers: ((request: { readonly write: boolean; readonly address: number; readonly length: number }) => void)[] = [];
  /** Watchers of every write as host memory takes it (a driver in another process keeps a copy of its memory); they must not change anything. */
  readonly landed: ((address: number, length: number) => void)[] = [];

  /** Request a read; those of an `urgency` above 0 are issued ahead of the waiting reads of less (their chunks already issued stay on the link). */
  read<Tag>(address: number, length: number, reply: DmaReply<Tag>, tag: Tag, urgency = 0): void {
    for (const observer of this.observers) observer({ write: false, address, length });
    const request: ReadRequest = { kind: "read", address, length, reply: reply as DmaReply<unknown>, tag, error: null, takenOn: 0, runBy: 0, urgency, issued: 0, chunksLeft: 0, plannedBy: 0, plannedCompletions: 0 };
    this.piecesWaiting += piecesOf(length, this.params.maxReadRequest);
    this.ask(request, this.fewestTurnaround);
  }

  /**
   * A request is taken on the first edge after it was asked for (as an item pushed into a channel
   * is). Where nothing watches the queue signals and its memory is mapped, the take changes nothing
   * shown: the engine runs only by the soonest edge its completion could be handled on (`soonest`
   * after the take), and takes it there in the catch-up, on its own edge. Otherwise it runs on the
   * take edge, as it always did: for an access the take fails, and while the queues are drawn.
   */
  private ask(request: DmaRequest, soonest: number): void {
    const now = this.kernel.now;
    if (!this.kernel.begun || !this.kernel.phaseRanNow) {
      // Between runs, the engine's edge at now may still be to come, and whether it runs on it is the domain's: it takes the request on its next run.
      this.asked.add(request, TAKEN_ON_NEXT_RUN, TAKEN_ON_NEXT_RUN);
      this.wakeAfter(now);
      return;
    }
    const edge = this.clock.edgeAfter(now);
    // Lazily only where the engine's plan has the queues unwatched (its catch-up does the edges since unseen) and nothing watches them now: a waveform window opening, or a waiter, since the plan, has the engine run every edge from its next run on.
    const lazily = !this.piecesShown && !this.queueSignals.any && this.translation.reachable(request.address, request.length);
    this.asked.add(request, edge, lazily ? edge + soonest : edge);
    this.runBy(request.runBy);
  }

  /** Host memory is about to free a region: the takes on edges already seen saw it mapped; those still to come are taken by a run, which sees it freed. */
  private memoryFreeing(): void {
    if (this.asked.length === 0) return;
    this.catchUpForAsker();
    const firstTake = this.asked.runOnTakeEdges();
    if (firstTake !== null) this.runBy(firstTake);
  }

  /** Run by the edge at `edge` at the latest: the domain, asleep, wakes by then; a run before it plans again. */
  private runBy(edge: number): void {
    if (edge >= this.nextChange) return;
    this.nextChange = edge;
    this.clock.nextWakeMovedTo(edge, this.kernel.now);
  }

  /**
   * Read tags neither in use nor owed to the pieces already asked for: how many more pieces asked
   * for now would be issued without waiting for a tag. Asked by a block on the engine's clock, it
   * answers as that block's edge leaves the engine.
   */
  spareReadTags(): number {
    this.catchUpForAsker();
    return Math.max(0, this.params.maxOutstandingReads - this.tagsInUse - this.piecesWaiting);
  }

  /**
   * The first edge at which `count` read tags are spare (spareReadTags), if no other read is asked
   * for meanwhile, or an earlier one at which that may change otherwise: a piece still waiting is
   * issued as a tag frees, and its completion, not known yet, may come before a timed-out piece's.
   * A block waiting for spare tags asks again then. Now, when they are spare already.
   */
  spareReadTagsBy(count: number): number {
    this.catchUpForAsker();
    const now = this.kernel.now;
    const needed = count - (this.params.maxOutstandingReads - this.tagsInUse - this.piecesWaiting);
    if (needed <= 0) return now;
    // Completions free a tag each, in time order; issuing a waiting piece only moves it from waiting to a tag.
    const freed = this.due.reads.at(needed - 1)?.time ?? Infinity;
    if (this.piecesWaiting === 0) return freed;
    const firstIssue = this.tagsInUse < this.params.maxOutstandingReads ? now + this.clock.period : (this.due.reads.at(0)?.time ?? Infinity);
    return Math.min(freed, firstIssue + this.fewestTurnaround);
  }

  /**
   * The first edge on which reads_in_flight, read as committed, may show a tag free: the next one
   * when a tag is free after this edge, else the one after the next read piece completes (a piece
   * waiting may take the freed tag on that edge: ask again then). Infinity with no read on its way.
   */
  readTagFreeShownAt(): number {
    this.catchUpForAsker();
    const period = this.clock.period;
    if (this.tagsInUse < this.params.maxOutstandingReads) return this.kernel.now + period;
    const next = this.due.reads.at(0);
    return next === undefined ? Infinity : next.time + period;
  }

  /**
   * The first edge from which the posted writes have room for another: those taken so far will
   * have crossed the link within postedWriteDepth write payloads' crossing (MPS; two cycles at
   * least, so that one handed over on that edge is taken before the link frees). A block feeding
   * the link from a buffer of its own (the RX engine) hands over no more before then, so that what
   * it holds back can still be ordered, and the link never idles while it has more. Writes asked
   * for and not yet taken are not counted, unless `askedToo`: for a block asking between edges
   * whether it has work on the next (its isIdle, its nextWakeTime), by when they are taken.
   */
  postedWriteRoomAt(askedToo = false): number {
    // Writes taken lazily on the edges seen are on the link.
    this.catchUpForAsker();
    const depth = Math.max(this.writeLink.crossing(this.params.postedWriteDepth * this.params.maxPayload), 2 * this.clock.period);
    return (askedToo ? this.asked.linkFreeOnceTaken(this.writeLink, this.clock.edgeAfter(this.kernel.now), this.memory) : this.writeLink.freeAt) - depth;
  }

  /** Post a write; `reply` (optional) hears when host memory holds it. The bytes are copied now. */
  write<Tag>(address: number, bytes: Uint8Array, reply: DmaReply<Tag> | null, tag: Tag): void {
    for (const observer of this.observers) observer({ write: true, address, length: bytes.length });
    // Its landing is handled no sooner than a cycle's crossing and the write latency after its take.
    this.ask({ kind: "write", address, length: bytes.length, bytes: copyOf(bytes), reply: reply as DmaReply<unknown> | null, tag, error: null, takenOn: 0, runBy: 0 }, (1 + this.params.writeLatency) * this.clock.period);
  }

  override isIdle(): boolean {
    return !this.asked.waitForNextRun && this.kernel.now < this.nextChange;
  }

  evaluate(): void {
    const now = this.kernel.now;
    this.catchUp(now);
    // Unwatched, a block after this one on this edge reads the queue signals as the edges done lazily since the last run left them (it read the last run's, and the TX engine took the DMA for saturated: register-write-wake.test.ts).
    this.showLazyEdges(now - 1);
    this.asked.takeThrough(now, true, this.take);
    this.step(now);
    this.doneThrough = now;
    this.piecesStale = false;
    this.readsInFlight.set(this.tagsInUse);
    this.readsWaiting.set(Math.min(this.reads.length, 0xffff));
    this.writesPending.set(Math.min(this.pendingWrites, 0xffff));
    this.readBytes.set(this.totalRead);
    this.writtenBytes.set(this.totalWritten);
    this.errors.set(this.errorCount);
    this.planWake(now);
  }

  /**
   * Unwatched, the pieces' signals show the engine's last run: a reader is shown what the edges
   * since made of them, as their commits would have: those before now, and the one at now unless
   * a pass at this time has yet to evaluate it (a reader in a later pass at an edge, or after a run
   * stopped there, saw the edge's old value; from an outside check). Those edges only issue
   * pieces, in the order and with the draws their run would make anyway. A block asking for spare
   * tags may have done the edge at now already: the reader is then shown the values before it.
   */
  private showPieces(): void {
    if (this.piecesShown) return;
    const now = this.kernel.now;
    const edgeAtNowPending = this.kernel.edgesPending && this.kernel.phaseRanNow;
    const seenThrough = edgeAtNowPending ? now - 1 : now;
    if (this.doneThrough < seenThrough) this.catchUp(seenThrough + 1);
    this.showLazyEdges(seenThrough);
  }

  /** The two signals as the edges done lazily left them, through the edge at `seenThrough`: one done after it is not committed yet for the reader. */
  private showLazyEdges(seenThrough: number): void {
    if (!this.piecesStale) return;
    const edgeUnseen = this.doneThrough > seenThrough;
    this.readsInFlight.showDrawn(edgeUnseen ? this.tagsBeforeDone : this.tagsInUse);
    this.readsWaiting.showDrawn(Math.min(edgeUnseen ? this.waitingBeforeDone : this.reads.length, 0xffff));
    this.writesPending.showDrawn(Math.min(edgeUnseen ? this.writesBeforeDone : this.pendingWrites, 0xffff));
    this.piecesStale = edgeUnseen;
  }

  /** The edges run lazily, up to what a block asking now sees: through the edge at now if that edge has been through the engine. */
  private catchUpForAsker(): void {
    const now = this.kernel.now;
    this.catchUp(this.clock.edgeWentThrough(this, now) ? now + 1 : now);
  }

  /** Do the work of the edges since the last run, each of which (by the plan) changed nothing visible. */
  private catchUp(now: number): void {
    const period = this.clock.period;
    for (let edge = this.nextWorkEdge(period); edge < now; edge = this.nextWorkEdge(period)) {
      const tags = this.tagsInUse;
      const waiting = this.reads.length;
      const writes = this.pendingWrites;
      const completed = this.completed;
      this.asked.takeThrough(edge, false, this.take);
      this.step(edge);
      this.doneThrough = edge;
      this.tagsBeforeDone = tags;
      this.waitingBeforeDone = waiting;
      this.writesBeforeDone = writes;
      const piecesChanged = this.tagsInUse !== tags || this.reads.length !== waiting || this.pendingWrites !== writes;
      if (piecesChanged) this.piecesStale = true;
      if (this.completed !== completed || (this.piecesShown && piecesChanged)) {
        throw new Error(`DMA engine: the edge at ${edge} ps changed what the engine shows, but no wake was planned for it`);
      }
    }
  }

  /** The first edge after the last one done on which there is work: a request to take, a completion due, or a read to issue. */
  private nextWorkEdge(period: number): number {
    const after = this.doneThrough;
    const issue = this.reads.length > 0 && this.tagsInUse < this.params.maxOutstandingReads ? after + period : Infinity;
    return Math.min(issue, this.asked.nextTakeEdge(after, period), this.due.nextReadyEdge(after, period));
  }

  /** A request taken on the edge being done (takeThrough's). */
  private readonly take = (request: DmaRequest, edge: number): void => this.accept(request, edge);

  /** One edge's work, as a per-cycle engine does it: completions due, then one read request issued. */
  private step(edge: number): void {
    for (let due = this.due.takeReady(edge); due; due = this.due.takeReady(edge)) this.complete(due);
    const read = this.reads[0];
    if (read && this.tagsInUse < this.params.maxOutstandingReads) this.issueRead(read, edge);
  }

  private planWake(now: number): void {
    const writes = this.due.writes.at(0);
    const unmapped = this.due.unmapped.at(0);
    const period = this.clock.period;
    // Every write landing and unmapped error completes a request; the read side is looked ahead.
    const limit = Math.min(writes ? Math.max(writes.time, now + period) : Infinity, unmapped ? Math.max(unmapped.time, now + period) : Infinity);
    this.piecesShown = this.queueSignals.any;
    this.nextChange = this.lookahead.nextChange(now, this.tagsInUse, this.reads[0], this.due.reads, Math.min(limit, this.asked.runBy()), this.piecesShown);
  }

  /** The next edge the plan has work on, asked as the domain goes to sleep: a plan changed since leaves no stale wake (an empty edge). */
  nextWakeTime(): number {
    return this.nextChange;
  }

  private schedule(time: number, scheduledEdge: number, source: DueSource, request: DmaRequest, error: Due["error"]): void {
    this.due.add({ time, scheduledEdge, source, request, error });
  }

  private accept(request: DmaRequest, now: number): void {
    if (!this.translation.reachable(request.address, request.length)) {
      if (request.kind === "read") this.piecesWaiting -= piecesOf(request.length, this.params.maxReadRequest);
      request.error = "DMA_UNMAPPED";
      this.schedule(now + this.clock.period, now, DueSource.unmapped, request, "DMA_UNMAPPED");
      return;
    }
    if (request.kind === "write") {
      this.pendingWrites++;
      const { lastPieceEdge, crossed } = this.writeLink.book(request.length, now);
      this.schedule(crossed + this.params.writeLatency * this.clock.period, lastPieceEdge, DueSource.write, request, null);
      return;
    }
    request.chunksLeft = piecesOf(request.length, this.params.maxReadRequest);
    if (request.urgency === 0) this.reads.push(request);
    else {
      const after = this.reads.findIndex((waiting) => waiting.urgency < request.urgency);
      insertAt(this.reads, after < 0 ? this.reads.length : after, request);
    }
  }

  private issueRead(request: ReadRequest, edge: number): void {
    const { maxReadRequest, readLatency, bytesPerCycle } = this.params;
    const period = this.clock.period;
    const bytes = Math.min(maxReadRequest, request.length - request.issued * maxReadRequest);
    request.issued++;
    this.piecesWaiting--;
    if (request.issued >= piecesOf(request.length, maxReadRequest)) this.reads.shift();
    this.tagsInUse++;
    const random = this.random;
    // The draws are made in issue order, as many per piece as a per-cycle engine makes.
    if (this.params.completionTimeoutProbability > 0 && random.bernoulli(this.params.completionTimeoutProbability)) {
      this.schedule(edge + this.params.completionTimeout * period, edge, DueSource.read, request, "DMA_COMPLETION_TIMEOUT");
      return;
    }
    const extra = this.params.extraLatencyMaximum > 0 ? random.integer(0, this.params.extraLatencyMaximum) : 0;
    const arrival = edge + (readLatency + extra) * period;
    const done = Math.max(arrival, this.downstreamFree) + Math.ceil(bytes / bytesPerCycle) * period;
    this.downstreamFree = done;
    const error = this.params.readErrorProbability > 0 && random.bernoulli(this.params.readErrorProbability) ? "DMA_READ_ERROR" : null;
    this.schedule(done, edge, DueSource.read, request, error);
  }

  private complete(due: Due): void {
    const request = due.request;
    const read = request.kind === "read";
    if (due.source === DueSource.read) this.tagsInUse--;
    if (due.error && !request.error) request.error = due.error;
    if (read && due.source === DueSource.read && --request.chunksLeft > 0) return;
    this.completed++;
    let data: Uint8Array | null = null;
    // Memory the driver freed while the request was on its way is no longer translated: the access fails there, as it would have been refused had it been freed before.
    if (!request.error && !this.translation.reachable(request.address, request.length)) request.error = "DMA_UNMAPPED";
    if (request.error) {
      this.errorCount++;
    } else if (request.kind === "write") {
      this.memory.write(request.address, request.bytes);
      this.totalWritten += request.length;
      for (const watcher of this.landed) watcher(request.address, request.length);
    } else {
      data = this.memory.read(request.address, request.length);
      this.totalRead += request.length;
    }
    if (due.source === DueSource.write) this.pendingWrites--;
    request.reply?.push({ tag: request.tag, address: request.address, length: request.length, data, error: request.error });
  }
}
