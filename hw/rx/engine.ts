import { inject, injectable } from "../../sim/di.js";
import { Channel } from "../../sim/channel.js";
import { type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { defineEnum } from "../../sim/enum-type.js";
import { RX_ENGINE_PARAMETERS } from "./parameters.js";
import { frameTrafficClass } from "../../sim/packet/ethernet.js";
import type { DmaCompletion } from "../dma/engine.js";
import { RX_FETCH_URGENCY, strictRxFetchUrgency } from "../dma/read-urgency.js";
import { type NicShared, NicSharedToken } from "../config.js";
import { RingEngine } from "../ring-engine.js";
import { EMPTY, type QueueSchedule, type QueueScheduler } from "../qos/class-scheduler.js";
import type { CryptoResult } from "../ipsec/crypto-job.js";
import { isEspFrame } from "../ipsec/esp-frame.js";
import { type IpsecOffload, IpsecOffloadToken } from "../ipsec/offload.js";
import type { DeviceDropReason } from "../spec/drop-reasons.js";
import { MAX_RECEIVE_BUFFER, queueOfClass } from "../spec/registers.js";
import { type RxBuffer, type RxFrame, RxQueueState, type Tag } from "./rx-queue-state.js";
import { RxPacketBuffer } from "./rx-packet-buffer.js";
import { RxInlineIpsec } from "./inline-ipsec.js";
import { FramesWriting, RxWriteBackLandings, type WriteBackTag } from "./write-back.js";
import { writeFrame } from "./frame-write.js";

export const RxState = defineEnum("rx_state", ["IDLE", "FETCH", "DELIVER"]);
const IDLE = RxState.code("IDLE");
const FETCH = RxState.code("FETCH");
const DELIVER = RxState.code("DELIVER");

/**
 * The receive engine: queues each frame from the MAC by its traffic class into the RX packet
 * buffer, fetches RX descriptors in batches, writes the frame into as many buffers as it needs
 * (SRRCTL bytes each), writes the descriptors back (length, DD, EOP, class) after the data, and
 * raises RX_DONE once the write-back is in host memory. A frame waits in the buffer while its
 * ring has no free descriptor (back-pressure); when the buffer is full it is dropped and counted.
 */
@injectable()
export class RxEngine extends RingEngine<RxBuffer, RxQueueState, Tag> {
  readonly params = this.parameters(RX_ENGINE_PARAMETERS);
  readonly state = this.enumSignal("state", RxState);
  readonly bufferUsed = this.signal("buffer_used", 32);
  readonly dropped = this.signal("dropped", 32, { kind: "integer" });
  /** Frames from the MAC that passed its checks. */
  readonly fromMac: Channel<Uint8Array>;
  private readonly packetBuffer: RxPacketBuffer;
  private drops = 0;
  private nextQueue = 0;
  /** Frames that have their descriptors and wait to be written, every queue's. */
  private assignedFrames = 0;
  private readonly writing = new FramesWriting(this.kernel);
  /** Where its write-backs land: each handled there for the engine's next edge, with no run on it, while nothing watches the engine. */
  private readonly landings: RxWriteBackLandings;

  /** Frames the engine holds: waiting for descriptors, waiting to be written, or being written (a frame being written was in no count at a run's end; from an outside check). */
  get framesHeld(): number {
    return this.queues.reduce((sum, state) => sum + state.frames.length + state.assigned.length, 0) + this.writing.held;
  }
  /** Which queue's frame is written next: the policy map (TX_SCHED), as at the frame start and the wire. */
  private readonly scheduler: QueueScheduler;

  private readonly cryptoResults: Channel<CryptoResult<RxFrame>>;
  /** SA lookup and decryption of ESP frames. */
  private readonly inlineIpsec: RxInlineIpsec;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(NicSharedToken) shared: NicShared,
    @inject(IpsecOffloadToken) private readonly offload: IpsecOffload,
  ) {
    super(context, shared, "rx", (ring, scope) => new RxQueueState(ring, scope));
    this.fromMac = new Channel(this.kernel, this);
    this.cryptoResults = new Channel(this.kernel, this);
    this.inlineIpsec = new RxInlineIpsec(offload, this.cryptoResults, (trafficClass) => this.queueOf(trafficClass));
    this.drawEachEdge([this.state, this.bufferUsed, this.dropped]);
    this.packetBuffer = new RxPacketBuffer(this.params, shared.queues, shared.maxFrameBytes);
    const engine = { ring: (queue: number) => this.ring(queue), edgeAfter: (time: number) => this.clock.edgeAfter(time), drawn: () => this.drawn };
    this.landings = new RxWriteBackLandings(engine, this.completions, this.packetBuffer, this.writing, shared, this.kernel);
    this.bufferUsed.refresh = () => this.showFreed();
    this.showStateWhenRead(this.state, IDLE);
    this.scheduler = shared.makeScheduler();
    const sizeProblem = this.packetBuffer.sizeProblem(shared.maxFrameBytesPath);
    if (sizeProblem) this.misfitParameter("bufferBytes", sizeProblem, ["bufferPartition", shared.maxFrameBytesPath]);
  }

  bufferSize(queue: number): number {
    return this.queues[queue]!.bufferSize;
  }

  setBufferSize(queue: number, value: number): void {
    this.queues[queue]!.bufferSize = value;
  }

  /**
   * TX_SCHED write: the policy map orders the frames written to the host too, as a DCB part's
   * receive arbiter does: strict classes first within their policed rate, then the minimums, then
   * the remaining weights in bytes. With frames waiting for the link's room, the next to write may
   * now be another queue's: the engine looks again.
   */
  configure(queue: number, schedule: QueueSchedule): void {
    this.scheduler.configure(queue, schedule, this.kernel.now);
    if (this.assignedFrames > 0) this.wake();
  }

  /**
   * Whether the DMA's posted writes have room for a frame's (DmaEngine.postedWriteRoomAt). Handed
   * over sooner, a frame would only wait on the link in the order it came: one of a strict class
   * behind all the bulk the buffer held (a gold frame waited 532 µs behind 256 KB of it; from an
   * architect's check). Held here, the policy orders the frames.
   */
  private linkHasRoom(askedToo = false): boolean {
    return this.kernel.now >= this.shared.dma.postedWriteRoomAt(askedToo);
  }

  /** RXDCTL write. */
  control(queue: number, value: number): void {
    const state = this.queues[queue]!;
    state.control(value, () => this.checkBufferSize(state));
    this.wake();
  }

  private checkBufferSize(state: RxQueueState): boolean {
    if (state.bufferSize === 0) state.ring.report("ZERO_LENGTH_BUFFER", "BUFFER_SIZE", "SRRCTL", 0);
    // The most it may be, not what was written: a misdirected write (an SA record staged at the wrong offset) can carry key bytes.
    else if (state.bufferSize > MAX_RECEIVE_BUFFER) state.ring.report("OVER_LENGTH_BUFFER", "BUFFER_SIZE", "SRRCTL above its most", MAX_RECEIVE_BUFFER);
    else return true;
    return false;
  }

  override isIdle(): boolean {
    return this.idle(false);
  }

  /** Whether a small descriptor fetch can wait for spare read tags alone (RingEngine.smallFetchesWait): worked out only where it can (asked of every block on every edge and sleep, it cost RX 5 %). */
  private readonly smallFetchesCanWait = this.smallFetchesWait(this.params.descriptorCache, this.params.descriptorBatch);
  /** The edge the link has room on, for frames waiting to be written; a small descriptor fetch waiting only for spare read tags, the edge they free on. Asked as the domain sleeps, so a plan changed since leaves no stale wake (an empty edge). */
  nextWakeTime(): number {
    const link = this.assignedFrames > 0 ? this.shared.dma.postedWriteRoomAt(true) : Infinity;
    return this.smallFetchesCanWait ? Math.min(link, this.smallFetchTime(this.capacityOf, this.params.descriptorBatch)) : link;
  }

  idleThisEdge(): boolean {
    return this.idle(true);
  }

  /** A doorbell gives descriptors to fetch: wanting no fetch (its cache full enough) and idle, the engine finds it changes nothing unless drawn or it moves the time asked for (at 1500 bytes each frame's woke it for nothing). */
  protected override doorbellChangesNothing(_queue: number, planned: number): boolean {
    return !this.drawn && this.idle(false) && this.nextWakeTime() === planned;
  }

  /** With `takeableOnly`, items pushed into its channels during this edge (the DMA's, the crypto engine's) do not count. */
  private idle(takeableOnly: boolean): boolean {
    // The state shows what the last edge did; an edge that does nothing must still show IDLE where anything sees it.
    if (this.drawn && this.state.value !== IDLE) return false;
    if (takeableOnly ? this.fromMac.ready || this.completions.ready || this.cryptoResults.ready : this.fromMac.length > 0 || this.completions.length > 0 || this.cryptoResults.length > 0) return false;
    // A frame waiting for the link is no work: the engine asked for the edge it has room on.
    // Asked between edges (not takeableOnly), of the next edge: by then the writes handed over are taken.
    if (this.assignedFrames > 0 && this.linkHasRoom(!takeableOnly)) return false;
    for (const state of this.queues) {
      const ring = state.ring;
      if (!ring.enabled) continue;
      if (this.wantsFetch(state, this.capacity(state), this.params.descriptorBatch)) return false;
      const head = state.frames[0];
      if (head !== undefined && head.ready && (state.cache.length >= this.descriptorsFor(state, head) || this.tooShort(state, head.bytes.length))) return false;
    }
    return true;
  }

  /** Unwatched, `buffer_used` shows the room freed by write-backs landed as the edges since left it (RxWriteBackLandings). */
  private showFreed(): void {
    if (this.packetBuffer.freeThrough(this.kernel.committedThrough)) this.bufferUsed.showDrawn(this.packetBuffer.bytesUsed);
  }

  /** Watched from now: shown as it stands, and run on the edges the write-backs landed are for, where it draws them. */
  protected override drawnWatched(): void {
    this.showFreed();
    // It showed DELIVER after every frame, and a process starting to wait for DELIVER resumed at once (from an outside check).
    this.showStateLeft(this.state, IDLE);
    this.planKeptEdges();
    this.wake();
  }

  evaluate(): void {
    const now = this.kernel.now;
    this.lastRun = now;
    // Room freed by landings on edges before this one first; one on this edge after the frames admitted on it, as its run took the completion after them.
    this.packetBuffer.freeThrough(now - 1);
    for (let bytes = this.fromMac.take(); bytes; bytes = this.fromMac.take()) this.admit(bytes);
    this.packetBuffer.freeThrough(now);
    for (let completion = this.completions.take(); completion; completion = this.completions.take()) this.complete(completion);
    for (let result = this.cryptoResults.take(); result; result = this.cryptoResults.take()) this.inlineIpsec.decrypted(result);
    const delivered = this.deliver();
    const fetched = this.fetchDescriptors(this.capacityOf, this.params.descriptorBatch);
    this.state.set(delivered ? DELIVER : fetched ? FETCH : IDLE);
    this.bufferUsed.set(this.packetBuffer.bytesUsed);
    this.dropped.set(this.drops);
    for (const state of this.queues) state.scope.publish(state.ring, state.cache.length, state.frames.length + state.assigned.length);
  }

  /** The queue a traffic class maps to when there are fewer queues than classes. */
  queueOf(trafficClass: number): number {
    return queueOfClass(trafficClass, this.queues.length);
  }

  private admit(bytes: Uint8Array): void {
    // An ESP packet's SA is looked up first: its tag, not the plaintext, gives the class (seed 001).
    const esp = isEspFrame(bytes) ? this.inlineIpsec.lookup(bytes) : null;
    const tag = esp && "entry" in esp ? esp.entry?.qosGroup : undefined;
    const tagged = tag !== null && tag !== undefined ? this.offload.qosClasses.get(tag) : undefined;
    const trafficClass = tagged ?? frameTrafficClass(bytes);
    const queue = this.queueOf(trafficClass);
    const state = this.queues[queue]!;
    if (!state.ring.enabled) return this.drop("RX_QUEUE_DISABLED", bytes);
    // A frame needing more buffers than the ring can ever hand over (one descriptor stays empty) would wait for them for ever, and every frame behind it.
    if (this.tooShort(state, bytes.length)) return this.drop("RX_RING_TOO_SHORT", bytes);
    if (this.packetBuffer.full(queue, bytes.length)) {
      this.shared.statistics.rxBufferDrops[queue]!++;
      return this.drop("RX_BUFFER_FULL", bytes);
    }
    this.packetBuffer.hold(queue, bytes.length);
    const frame: RxFrame = { bytes, trafficClass, ready: true, ipsecStatus: 0, error: 0, flagged: null, spi: 0, handle: 0, writeBackFailed: false, writeBackFailing: false };
    state.frames.push(frame);
    if (esp) this.inlineIpsec.inspect(frame, esp);
  }

  private drop(reason: DeviceDropReason, bytes: Uint8Array): void {
    this.drops++;
    this.shared.statistics.drop(reason, { frame: bytes });
  }

  /** A frame needing more buffers than the ring can ever hand over (one descriptor stays empty). */
  private tooShort(state: RxQueueState, bytes: number): boolean {
    return Math.ceil(bytes / state.bufferSize) > state.ring.descriptors - 1;
  }

  /**
   * A ready frame waiting at its queue's head that the ring, enabled again with fewer descriptors
   * or smaller buffers than when it came, can never take: dropped, or it and every frame behind it would wait for ever.
   */
  private dropTooShort(state: RxQueueState, queue: number): void {
    for (let frame = state.frames[0]; frame !== undefined && frame.ready && this.tooShort(state, frame.bytes.length); frame = state.frames[0]) {
      state.frames.shift();
      this.packetBuffer.free(queue, frame.bytes.length);
      this.drop("RX_RING_TOO_SHORT", frame.bytes);
    }
  }

  private descriptorsFor(state: RxQueueState, frame: RxFrame): number {
    return Math.ceil(frame.bytes.length / state.bufferSize);
  }

  private readonly capacityOf = (state: RxQueueState) => this.capacity(state);

  /**
   * Every RX queue's fetches go ahead of TX's reads: the RX buffer drops what overflows it
   * (read-urgency.ts). One queue's fetches all at one urgency: its descriptors enter the cache in
   * ring order, so a fetch made urgent once frames came waited for the same queue's earlier fills,
   * made behind TX's reads before any frame (the RX buffer then lost 373 frames where it had lost
   * 249; from an outside check). Urgent only while frames waited, a busy queue's refills went
   * behind TX's reads between its frames (silver's p99 to the host 13 to 60 µs beside jumbo TX
   * over one tag).
   */
  protected readonly fetchUrgency = RX_FETCH_URGENCY;

  /** A queue whose frames wait for descriptors fetches before the others' turns (idle queues filling their caches took 95 of 123 reads in 500 µs from one whose frames waited: one tag, caches of 256). */
  protected override pressing(state: RxQueueState): boolean {
    return state.frames.length > 0;
  }

  /** Ahead of its own class's TX reads too, as the other classes' are. */
  protected strictFetchUrgency(queue: number): number {
    return strictRxFetchUrgency(queue);
  }

  protected override readonly fetchesPress = true;

  /**
   * The strict classes' queues fetch their descriptors first, and ahead of the other reads waiting
   * for the DMA's tags, as their frames are written first: taking turns with every queue, idle ones
   * filling their caches among them, and behind the TX side's strict reads, a priority class to the
   * host at 5 % of the line lost half its packets with one or eight read tags over long latencies
   * (from an architect's check).
   */
  protected override urgentQueues(): readonly number[] {
    return this.scheduler.strictQueues;
  }

  /** Always: the buffers cached hold no frame, and the driver learns of the fault at once (its turn in ring order comes after the fetches before it). */
  protected cacheUsedUp(): boolean {
    return true;
  }

  /** A frame waits for more descriptors than are cached or on their way. */
  protected shortOfDescriptors(state: RxQueueState): boolean {
    const frame = state.frames[0];
    return frame !== undefined && state.prefetch.held < this.descriptorsFor(state, frame);
  }

  /** A frame needing more buffers than the cache holds may fetch past it. */
  private capacity(state: RxQueueState): number {
    const frame = state.frames[0];
    return Math.max(this.params.descriptorCache, frame ? this.descriptorsFor(state, frame) : 0);
  }

  /**
   * One waiting frame takes its descriptors (the queues in turn), and one frame that has them is
   * written to the host (the policy map's pick): the two steps apart, so that a frame waiting for
   * the link's room holds no descriptor fetch back (taken only as the link took it, the
   * descriptors of a small cache over long reads came too late: 405 frames dropped).
   */
  private deliver(): boolean {
    const assigned = this.assign();
    return this.write() || assigned;
  }

  /** The head frame of one queue, in turn, that is ready and has its descriptors cached takes them; a head the ring can never take is dropped first. */
  private assign(): boolean {
    const count = this.queues.length;
    for (let step = 0; step < count; step++) {
      const queue = (this.nextQueue + step) % count;
      const state = this.queues[queue]!;
      if (state.ring.enabled) this.dropTooShort(state, queue);
      const frame = state.frames[0];
      if (!frame || !frame.ready || !state.ring.enabled || state.cache.length < this.descriptorsFor(state, frame)) continue;
      state.frames.shift();
      const buffers = state.cache.take(this.descriptorsFor(state, frame));
      state.ring.advanceHead(buffers.length);
      state.ring.inDevice += buffers.length;
      state.assigned.push({ frame, buffers, bufferSize: state.bufferSize });
      this.assignedFrames++;
      this.nextQueue = (queue + 1) % count;
      return true;
    }
    return false;
  }

  /**
   * Write one frame that has its descriptors into its buffers, then their descriptors back: the
   * queue the policy map picks, strict ones first within their policed rate, the remaining weights
   * in bytes. Taken in turn by frame, a 256-byte class got half the bytes it had beside a 9000-byte
   * one, and a strict class over its rate took the link from bulk (from an outside check).
   */
  private write(): boolean {
    // The link's room comes with no wake of ours: asked for (nextWakeTime).
    if (this.assignedFrames === 0 || !this.linkHasRoom()) return false;
    const queue = this.scheduler.pick(this.kernel.now, this.assignedBytes);
    // The policy map's scheduler always picks a frame that waits; one of a user's own (QueueSchedulerFactoryToken) that holds them all back would leave them with no wake: the first goes.
    if (queue < 0) return this.writeFrom(this.queues.findIndex((state) => state.assigned.length > 0));
    this.scheduler.charge(queue, this.assignedBytes(queue));
    return this.writeFrom(queue);
  }

  /** The bytes of a queue's next frame to write, or EMPTY. */
  private readonly assignedBytes = (queue: number): number => this.queues[queue]!.assigned[0]?.frame.bytes.length ?? EMPTY;

  private writeFrom(queue: number): true {
    const state = this.queues[queue]!;
    const assigned = state.assigned.shift()!;
    this.assignedFrames--;
    const frame = assigned.frame;
    const error = writeFrame(this.shared.dma, state.ring, queue, assigned, this.landings);
    // One count per frame, of what its descriptor tells the driver. A drop is held no more; a frame delivered flagged is, until its writes land.
    if (error) this.shared.statistics.drop("RX_DMA_ERROR", { frame: frame.bytes });
    else {
      if (frame.flagged) this.shared.statistics.drop(frame.flagged, { frame: frame.bytes });
      this.writing.start();
    }
    return true;
  }

  private complete(completion: DmaCompletion<Tag>): void {
    const tag = completion.tag;
    if (tag.kind === "descriptors") return this.queues[tag.queue]!.prefetch.complete(tag, completion);
    // A write-back: handled where the landings are, as its run takes it.
    this.landings.handleTaken(completion as DmaCompletion<WriteBackTag>);
  }
}
