import { inject, injectable } from "../../sim/di.js";
import { Channel } from "../../sim/channel.js";
import { type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { defineEnum } from "../../sim/enum-type.js";
import type { DmaCompletion } from "../dma/engine.js";
import { PAYLOAD_URGENCY, strictUrgency } from "../dma/read-urgency.js";
import type { TransmitFrame } from "../link/frame.js";
import { type NicShared, NicSharedToken } from "../config.js";
import type { DescriptorFetch } from "../descriptor-prefetch.js";
import { RingEngine } from "../ring-engine.js";
import type { QueueSchedule, QueueScheduler } from "../qos/class-scheduler.js";
import { QueueState } from "../queue-state.js";
import { TX_QUEUE_CONTROL_FIELDS } from "../spec/register-fields.js";
import { TX_COMMAND_FIELDS } from "../spec/descriptors.js";
import { SA_RECORD_BYTES } from "../spec/sa-record.js";
import type { CryptoResult } from "../ipsec/crypto-job.js";
import { type IpsecOffload, IpsecOffloadToken } from "../ipsec/offload.js";
import { dmaReads, FramesInFlight } from "./frames-in-flight.js";
import { TxBuffer } from "./tx-buffer.js";
import { TxWriteBack, TxWriteBackLandings, type WriteBackTag } from "./write-back.js";
import { TX_ENGINE_PARAMETERS } from "./parameters.js";
import { TxFrameFinish } from "./frame-finish.js";
import { EMPTY_FRAME, exactField, parseTxDescriptor, type TxDescriptor, type TxPacket } from "./tx-packet.js";
import { TxInlineIpsec } from "./inline-ipsec.js";
import { TxFrameStart } from "./frame-start.js";
import { concatenate } from "../../sim/bytes.js";
import { removeAt } from "../../sim/array-places.js";

export const TxState = defineEnum("tx_state", ["IDLE", "FETCH", "READ", "SEND"]);
const IDLE = TxState.code("IDLE");
const FETCH = TxState.code("FETCH");
const READ = TxState.code("READ");
const SEND = TxState.code("SEND");

type Tag = DescriptorFetch | { kind: "buffer"; packet: TxPacket; part: number } | WriteBackTag | { kind: "sa-record"; pointer: number };

/**
 * The transmit engine: fetches descriptors in batches from every enabled TX ring, reads each
 * frame's buffers by DMA (several frames in flight), hands frames to the MAC in the order they were
 * started within their queue (the policy map picks the queue), writes back DD and advances TDH.
 */
@injectable()
export class TxEngine extends RingEngine<TxDescriptor, QueueState<TxDescriptor>, Tag> {
  readonly params = this.parameters(TX_ENGINE_PARAMETERS);
  readonly state = this.enumSignal("state", TxState);
  readonly bufferUsed = this.signal("buffer_used", 32);
  readonly framesReading = this.signal("frames_reading", 16);
  /** Frames for the MAC, and TX buffer bytes the MAC has freed (by queue). */
  readonly toMac: Channel<TransmitFrame>;
  readonly freed: Channel<{ readonly queue: number; readonly bytes: number }>;
  private readonly inFlight: TxPacket[] = [];
  /** Frames in flight for the crypto engines (from their start until they leave). */
  private framesForEngines = 0;
  /** Frames in flight by queue, and those still being read. */
  private readonly flight: FramesInFlight;
  /** The TX packet buffer, per class or shared (TXPBSIZE). */
  readonly buffer: TxBuffer;
  /** Which queue starts the next frame (the policy map; TX_SCHED). */
  readonly scheduler: QueueScheduler;
  /** The last attempt found no frame to start (none complete, or no TX buffer space): nothing changes that until a DMA completion, freed buffer space or a register write, which all wake us. */
  private stalled = false;
  /** A frame settled since the last look: some may now leave. */
  private settledSince = true;
  /** Descriptors a queue's cache holds (the same for every queue). */
  private readonly cacheCapacity = () => this.params.descriptorCache;
  /** Whether a small descriptor fetch can wait for spare read tags alone (RingEngine.smallFetchesWait). */
  private readonly smallFetchesCanWait = this.smallFetchesWait(this.params.descriptorCache, this.params.descriptorBatch);

  private readonly cryptoResults: Channel<CryptoResult<TxPacket>>;
  /** SA lookup, record fetch and encryption of a frame read whole. */
  private readonly inlineIpsec: TxInlineIpsec;
  /** Descriptor write-back, coalesced by TXDCTL.WTHRESH. */
  readonly writeBack: TxWriteBack;
  /** A settled frame's way out: to the MAC or dropped, then written back. */
  private readonly frameFinish: TxFrameFinish;
  /** Which queue's head frame starts next, and when to look again where none does. */
  private readonly frameStart: TxFrameStart;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(NicSharedToken) shared: NicShared,
    @inject(IpsecOffloadToken) private readonly offload: IpsecOffload,
  ) {
    super(context, shared, "tx", (ring, scope) => new QueueState(ring, scope, parseTxDescriptor));
    this.cryptoResults = new Channel(this.kernel, this);
    this.drawEachEdge([this.state, this.bufferUsed, this.framesReading]);
    this.showStateWhenRead(this.state, IDLE);
    const dma = shared.dma;
    this.flight = new FramesInFlight(offload.txCrypto, dmaReads(dma.params, shared.maxFrameBytes, this.clock.period, shared.lineBytesPerPicosecond), () => dma.readsInFlight.value >= dma.params.maxOutstandingReads);
    offload.txCrypto.comingTo = (queue) => (this.flight.comingToEngines(queue) ? this.frameStart.hasHead(queue) : this.frameStart.heldBehindEngines(queue));
    // The frame start weighs the frames the crypto engines hold by the jobs they have not taken: a job taken or put back changes that with no wake of ours.
    // It matters only to a frame start that found nothing to start after weighing them (a queue whose own room held it back weighs none).
    offload.txCrypto.onQueuedChange = () => {
      if (this.stalled && this.frameStart.weighedEngines) this.wake();
    };
    this.inlineIpsec = new TxInlineIpsec(offload, dma, this.flight, this.cryptoResults, (pointer) => dma.read(pointer, SA_RECORD_BYTES, this.completions, { kind: "sa-record", pointer } as Tag), this.settle);
    this.scheduler = shared.makeScheduler();
    this.freed = new Channel(this.kernel, this);
    this.toMac = new Channel(this.kernel);
    const landings = new TxWriteBackLandings((queue) => this.queues[queue]!.ring, (time) => this.clock.edgeAfter(time), this.kernel, shared.interrupts, this.completions);
    this.writeBack = new TxWriteBack(
      shared.queues,
      (queue) => this.queues[queue]!.ring,
      (address, bytes, tag) => shared.dma.write(address, bytes, landings, tag),
      () => this.params.writeBackDelay * this.clock.period,
    );
    this.buffer = new TxBuffer(this.params, shared.queues);
    this.frameStart = new TxFrameStart(this.queues, this.params, shared, this.scheduler, this.flight, this.buffer, () => this.inFlight.length);
    this.frameFinish = new TxFrameFinish(shared, (queue) => this.queues[queue]!.ring, this.frameStart.rests, this.buffer, this.toMac, this.writeBack);
    const sizeProblem = this.buffer.sizeProblem(shared.maxFrameBytes, shared.maxFrameBytesPath);
    if (sizeProblem) this.misfitParameter("bufferBytes", sizeProblem, ["bufferPartition", shared.maxFrameBytesPath]);
    if (this.params.priorityReserve >= this.params.framesInFlight) {
      this.misfitParameter("priorityReserve", `must be less than ${this.path}.framesInFlight (${this.params.framesInFlight}), or no queue but the strict ones could ever start a frame`, ["framesInFlight"]);
    }
  }

  /** Frames started and not yet handed to the MAC. */
  get framesHeld(): number {
    return this.inFlight.length;
  }

  /** TXPBSIZE of a queue, bytes. */
  partOf(queue: number): number {
    return this.buffer.partOf(queue);
  }

  /** A TXPBSIZE write the register block has checked. */
  setPart(queue: number, bytes: number): void {
    this.buffer.setPart(queue, bytes);
    this.wake();
  }

  /** TX_SCHED write: the frame start's policy for the queue. A look at once: a class made strict may start now, which no other wake would say (from an outside check). */
  configure(queue: number, schedule: QueueSchedule): void {
    this.scheduler.configure(queue, schedule, this.kernel.now);
    this.wake();
  }

  /** TXDCTL write: enable or disable the queue, and its write-back threshold; disabling or a new threshold writes back what waits. */
  control(queue: number, value: number): void {
    const state = this.queues[queue]!;
    const enable = TX_QUEUE_CONTROL_FIELDS.ENABLE.get(value) === 1;
    const enabling = enable && !state.ring.enabled;
    if (enabling) {
      state.control(value);
      // An enable the ring refuses (ENABLE_WHILE_BUSY, a bad base or length) is ignored whole: its WTHRESH too.
      if (!state.ring.enabled) return;
    }
    const threshold = TX_QUEUE_CONTROL_FIELDS.WTHRESH.get(value);
    if (!enable || threshold !== this.writeBack.thresholds[queue]) this.writeBack.flush(queue);
    this.writeBack.thresholds[queue] = threshold;
    // A fresh ring (enabled again after a fetch fault disabled it, FAULT cleared by ENABLE alone) holds no refused frame's rest.
    if (!enable || enabling) this.frameStart.rests.stop(queue);
    if (!enabling) state.control(value);
    this.wake();
  }

  override isIdle(): boolean {
    return this.idle(false);
  }

  idleThisEdge(): boolean {
    return this.idle(true);
  }

  /** A policed queue's rate, or write-backs waiting for their delay: asked as the domain sleeps, so a plan that changed (a burst written at once, a frame started) leaves no empty edge behind. */
  nextWakeTime(): number {
    const planned = Math.min(this.frameStart.retryAt, this.writeBack.nextDue, this.frameStart.tagsFreeAt);
    return this.smallFetchesCanWait ? Math.min(planned, this.smallFetchTime(this.cacheCapacity, this.params.descriptorBatch)) : planned;
  }

  /** With the queue's head frame cached already (its size for the policy), no frame startable and no fetch wanted, a doorbell changes nothing unless drawn or it moves the time asked for: at 1500 bytes, three in four woke the engine for nothing. */
  protected override doorbellChangesNothing(queue: number, planned: number): boolean {
    return !this.drawn && this.frameStart.hasHead(queue) && this.idle(false) && this.nextWakeTime() === planned;
  }

  /** With `takeableOnly`, items pushed into its channels during this edge (the DMA's, the crypto engine's) do not count. */
  private idle(takeableOnly: boolean): boolean {
    if (this.kernel.now >= this.frameStart.retryAt || this.kernel.now >= this.writeBack.nextDue || this.kernel.now >= this.frameStart.tagsFreeAt) return false;
    // The state shows what the last edge did; an edge that does nothing must still show IDLE where anything sees it.
    if (this.state.value !== IDLE && this.drawn) return false;
    if (takeableOnly ? this.completions.ready || this.freed.ready || this.cryptoResults.ready : this.completions.length > 0 || this.freed.length > 0 || this.cryptoResults.length > 0) return false;
    if (!this.stalled || this.settledSince) return false;
    for (const state of this.queues) {
      const ring = state.ring;
      if (!ring.enabled) continue;
      if (this.wantsFetch(state, this.params.descriptorCache, this.params.descriptorBatch)) return false;
    }
    return true;
  }

  evaluate(): void {
    this.lastRun = this.kernel.now;
    for (let freed = this.freed.take(); freed !== undefined; freed = this.freed.take()) this.buffer.free(freed.queue, freed.bytes);
    for (let completion = this.completions.take(); completion; completion = this.completions.take()) this.complete(completion);
    if (this.kernel.now >= this.writeBack.nextDue) this.writeBack.flushDue(this.kernel.now);
    let sent = false;
    for (let result = this.cryptoResults.take(); result; result = this.cryptoResults.take()) this.inlineIpsec.encrypted(result);
    // Frames leave in order within their queue, not across queues: a high-priority frame does not wait for bulk being encrypted.
    // Only a frame settling can let one leave, so the frames in flight are looked at only then.
    let waitingQueues = 0;
    let waitingCount = 0;
    // Once every queue with a frame in flight has one waiting ahead, no later frame can leave.
    for (let index = 0; this.settledSince && index < this.inFlight.length && waitingCount < this.flight.queues; ) {
      const packet = this.inFlight[index]!;
      const bit = 1 << packet.queue;
      if (!packet.settled || (waitingQueues & bit) !== 0) {
        if ((waitingQueues & bit) === 0) {
          waitingQueues |= bit;
          waitingCount++;
        }
        index++;
        continue;
      }
      removeAt(this.inFlight, index);
      this.flight.leave(packet.queue);
      if (packet.forEngines) this.framesForEngines--;
      this.frameFinish.finish(packet, this.kernel.now);
      sent = true;
    }
    // Every settled frame that may leave has left; the rest wait for a frame ahead of them to settle.
    this.settledSince = false;
    const started = this.startFrame();
    this.offload.txCrypto.frameStartLooked();
    const fetched = this.fetchDescriptors(this.cacheCapacity, this.params.descriptorBatch);
    // A frame a cycle: after a start the engine looks again on the next edge. Where that look can only find nothing, its outcome is had now and the edge is not taken for it (at 1500 bytes, one TX run a frame).
    if (started && this.frameStart.nextLookFindsNothing(this.framesForEngines)) this.stalled = true;
    this.state.set(sent ? SEND : started ? READ : fetched ? FETCH : IDLE);
    this.bufferUsed.set(this.buffer.bytesUsed);
    this.framesReading.set(this.inFlight.length);
    for (const state of this.queues) state.scope.publish(state.ring, state.cache.length, this.buffer.framesHeld[state.ring.queue]!);
  }

  /** In order with the buffer reads (read-urgency.ts). */
  protected readonly fetchUrgency = PAYLOAD_URGENCY;

  protected strictFetchUrgency(queue: number): number {
    return strictUrgency(queue);
  }

  protected override urgentQueues(): readonly number[] {
    return this.scheduler.strictQueues;
  }

  /** No whole frame in the cache: a failed fetch after it takes the frame it would have ended. */
  protected cacheUsedUp(state: QueueState<TxDescriptor>): boolean {
    return this.frameStart.headOf(state.ring.queue) === null;
  }

  /** Descriptors held, cached or on their way, and no whole frame in the cache: its rest may still be to fetch (with a batch on its way and no room for another, a frame longer than the batch read its rest a round trip later). */
  protected shortOfDescriptors(state: QueueState<TxDescriptor>): boolean {
    return state.prefetch.held > 0 && this.frameStart.headOf(state.ring.queue) === null;
  }

  /** Start reading the buffers of one frame whose descriptors, up to EOP, are in the cache. */
  private startFrame(): boolean {
    this.stalled = true;
    const queue = this.frameStart.pick(this.kernel.now);
    if (queue < 0) return false;
    const head = this.frameStart.chosen!;
    const fault = head.fault;
    const state = this.queues[queue]!;
    const descriptors = state.cache.take(head.taken);
    const forEngines = TX_COMMAND_FIELDS.IPSEC.get(descriptors[0]!.command) === 1;
    const packet: TxPacket = { queue, descriptors, length: head.length, parts: new Array(head.taken).fill(null), reserved: 0, partsLeft: 0, fault, settled: fault !== null, frame: null, dropCode: null, forEngines, open: head.open };
    this.inFlight.push(packet);
    if (forEngines) this.framesForEngines++;
    this.flight.start(queue, !fault, head.length, this.frameStart.pieces, packet.forEngines);
    state.ring.inDevice++;
    this.buffer.hold(queue, fault ? 0 : head.length);
    this.shared.stages.record("tx", "frame-started", this.kernel.now, packet, EMPTY_FRAME);
    if (fault) this.settledSince = true;
    else {
      packet.reserved = head.length;
      packet.partsLeft = head.taken;
      const urgency = this.scheduler.schedules[queue]!.strict ? strictUrgency(queue) : PAYLOAD_URGENCY;
      for (let part = 0; part < head.taken; part++) {
        const descriptor = descriptors[part]!;
        this.shared.dma.read(descriptor.bufferAddress, descriptor.length, this.completions, { kind: "buffer", packet, part } as Tag, urgency);
      }
    }
    this.stalled = false;
    return true;
  }

  private complete(completion: DmaCompletion<Tag>): void {
    const tag = completion.tag;
    if (tag.kind === "descriptors") {
      this.queues[tag.queue]!.prefetch.complete(tag, completion);
    } else if (tag.kind === "buffer") {
      const packet = tag.packet;
      packet.partsLeft--;
      this.flight.bufferRead(packet.descriptors[tag.part]!.length);
      if (completion.error) {
        const descriptor = packet.descriptors[tag.part]!;
        const fieldName = completion.error === "DMA_UNMAPPED" ? this.shared.dma.translation.unmappedName("BUFFER_ADDRESS", descriptor.bufferAddress, descriptor.length) : "BUFFER_ADDRESS";
        packet.fault ??= { code: completion.error, field: "BUFFER_ADDRESS", fieldName, index: descriptor.index, value: exactField(descriptor, "bufferAddress") };
      } else {
        packet.parts[tag.part] = completion.data;
      }
      if (packet.partsLeft === 0) this.afterRead(packet);
    } else if (tag.kind === "sa-record") {
      this.inlineIpsec.recordFetched(tag.pointer, completion);
    } else {
      // A write-back that failed (one that succeeded is handled as it lands: TxWriteBackLandings).
      this.ring(tag.queue).inDevice--;
      this.ring(tag.queue).report(completion.error!, "DESCRIPTOR", "descriptor write-back", completion.address, tag.index);
    }
  }

  /** All buffers read: a faulty frame is settled with its fault; the others go on to inline IPsec (a plain frame is settled there at once). */
  private afterRead(packet: TxPacket): void {
    this.flight.read(packet.queue, packet.length, packet.forEngines);
    if (packet.forEngines) this.offload.txCrypto.comingChanged();
    if (packet.fault) return this.settle(packet);
    packet.frame = packet.parts.length === 1 ? packet.parts[0]! : concatenate(packet.parts as Uint8Array[]);
    this.inlineIpsec.read(packet);
  }

  private readonly settle = (packet: TxPacket): void => {
    packet.settled = true;
    this.settledSince = true;
  };
}
