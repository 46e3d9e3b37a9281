import { inject, injectable } from "../../../sim/di.js";
import { Channel } from "../../../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../../sim/component.js";
import { HostMemoryToken } from "../../../sim/host/token.js";
import type { HostMemory } from "../../../sim/host/memory.js";
import { DmaTranslation } from "../../../hw/dma/translation.js";
import { DMA_PARAMETERS } from "../../../hw/dma/parameters.js";
import type { ErrorCodeName } from "../../../hw/spec/errors.js";
import type { DmaCompletion } from "../../../hw/dma/request.js";

interface Request<Tag = unknown> {
  readonly write: boolean;
  readonly address: number;
  readonly length: number;
  readonly bytes: Uint8Array | null;
  readonly reply: Channel<DmaCompletion<Tag>> | null;
  readonly tag: Tag;
  /** Read chunks not yet issued / not yet completed, and the first error among them. */
  issued: number;
  chunksLeft: number;
  error: ErrorCodeName | null;
  /** Issued before waiting reads that are not (a strict priority queue's descriptors and buffers). */
  readonly urgency: number;
}

interface Due {
  time: number;
  request: Request;
  /** Whether this releases a read tag (a read chunk's completion). */
  tag: boolean;
  error: ErrorCodeName | null;
}

/**
 * The oracle for the transaction-level DmaEngine: the engine as it was before it went
 * transaction-level (commit a775d7b), copied unchanged but for its name and imports, and for the
 * count of spare read tags the engine has gained since (spareReadTags, spareReadTagsBy, readTagFreeShownAt). It issues one
 * read request per evaluated edge and one write piece per link slot, waking itself per piece.
 *
 * The DMA engine between the device and host memory, modelled as PCIe: reads are split into
 * read requests of at most maxReadRequest bytes, each holding one of maxOutstandingReads tags
 * until its completion arrives after readLatency cycles and crosses the link at bytesPerCycle;
 * writes are posted, split into maxPayload chunks, and land in memory writeLatency cycles after
 * they cross the link, in order. Accesses outside mapped memory and injected faults complete with
 * an error instead of touching memory.
 */
@injectable()
export class PerCycleDmaEngine extends ClockedComponent {
  readonly params = this.parameters(DMA_PARAMETERS);
  readonly readsInFlight = this.signal("reads_in_flight", 9);
  readonly readsWaiting = this.signal("reads_waiting", 16);
  readonly writesPending = this.signal("writes_pending", 16);
  readonly readBytes = this.signal("read_bytes", 48, { kind: "reg" });
  readonly writtenBytes = this.signal("written_bytes", 48, { kind: "reg" });
  readonly errors = this.signal("errors", 32, { kind: "integer" });

  private readonly incoming: Channel<Request>;
  private readonly reads: Request[] = [];
  private readonly writes: Request[] = [];
  private readonly due: Due[] = [];
  private tagsInUse = 0;
  private piecesWaiting = 0;
  private writeChunkOffset = 0;
  private downstreamFree = 0;
  private upstreamFree = 0;
  private pendingWrites = 0;
  private totalRead = 0;
  private totalWritten = 0;
  private errorCount = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(HostMemoryToken) private readonly memory: HostMemory) {
    super(context);
    this.incoming = new Channel(this.kernel, this.clock);
    this.translation = new DmaTranslation(memory);
  }

  /** The IOMMU check made before issuing (the transaction-level engine's). */
  readonly translation: DmaTranslation;

  /** Watchers of every request as the device makes it (scoreboards); they must not change anything. */
  readonly observers: ((request: { readonly write: boolean; readonly address: number; readonly length: number }) => void)[] = [];
  /** Watchers of every write as host memory takes it (a driver in another process keeps a copy of its memory); they must not change anything. */
  readonly landed: ((address: number, length: number) => void)[] = [];

  /** Request a read; those of an `urgency` above 0 are issued ahead of the waiting reads of less (their chunks already issued stay on the link). */
  read<Tag>(address: number, length: number, reply: Channel<DmaCompletion<Tag>>, tag: Tag, urgency = 0): void {
    for (const observer of this.observers) observer({ write: false, address, length });
    const request: Request = { write: false, address, length, bytes: null, reply: reply as Channel<DmaCompletion<unknown>>, tag, issued: 0, chunksLeft: 0, error: null, urgency };
    this.piecesWaiting += this.pieces(length);
    this.incoming.push(request);
  }

  /** Added with DmaEngine.spareReadTags (an empty read is issued as one piece). */
  spareReadTags(): number {
    return Math.max(0, this.params.maxOutstandingReads - this.tagsInUse - this.piecesWaiting);
  }

  /** Added with DmaEngine.spareReadTagsBy: the next edge while tags are short (an answer at or before the first edge they are spare is right: an engine woken early finds itself idle and is only asked). */
  spareReadTagsBy(count: number): number {
    return this.spareReadTags() >= count ? this.kernel.now : this.kernel.now + this.clock.period;
  }

  /** Added with DmaEngine.readTagFreeShownAt: the next edge (early is right: an engine woken early is only asked isIdle). */
  readTagFreeShownAt(): number {
    return this.kernel.now + this.clock.period;
  }

  /** Added with DmaEngine.postedWriteRoomAt: when the writes taken will have crossed, piece by piece, less postedWriteDepth payloads' crossing (two cycles at least). */
  postedWriteRoomAt(): number {
    const { maxPayload, bytesPerCycle } = this.params;
    const period = this.clock.period;
    let free = this.upstreamFree;
    this.writes.forEach((write, index) => {
      for (let offset = index === 0 ? this.writeChunkOffset : 0; offset < write.length; offset += maxPayload) free += Math.ceil(Math.min(maxPayload, write.length - offset) / bytesPerCycle) * period;
    });
    return free - Math.max(this.params.postedWriteDepth * Math.ceil(maxPayload / bytesPerCycle) * period, 2 * period);
  }

  private pieces(length: number): number {
    return Math.max(1, Math.ceil(length / this.params.maxReadRequest));
  }

  /** Post a write; `reply` (optional) hears when host memory holds it. The bytes are copied now. */
  write<Tag>(address: number, bytes: Uint8Array, reply: Channel<DmaCompletion<Tag>> | null, tag: Tag): void {
    for (const observer of this.observers) observer({ write: true, address, length: bytes.length });
    this.incoming.push({ write: true, address, length: bytes.length, bytes: bytes.slice(), reply: reply as Channel<DmaCompletion<unknown>> | null, tag, issued: 0, chunksLeft: 0, error: null, urgency: 0 });
  }

  override isIdle(): boolean {
    if (this.incoming.length > 0) return false;
    const now = this.kernel.now;
    if (this.due.length > 0 && this.due[0]!.time <= now) return false;
    if (this.reads.length > 0 && this.tagsInUse < this.params.maxOutstandingReads) return false;
    return this.writes.length === 0 || this.upstreamFree > now;
  }

  evaluate(): void {
    const now = this.kernel.now;
    const period = this.clock.period;
    for (let request = this.incoming.take(); request; request = this.incoming.take()) this.accept(request, now);
    while (this.due.length > 0 && this.due[0]!.time <= now) this.complete(this.due.shift()!);
    // One read request and one write chunk may start per cycle.
    const read = this.reads[0];
    if (read && this.tagsInUse < this.params.maxOutstandingReads) this.issueRead(read, now, period);
    const write = this.writes[0];
    if (write && this.upstreamFree <= now) this.issueWrite(write, now, period);
    // A write taken while the link still carries the one before it starts when the link frees: idle until then, the engine must be woken for it.
    else if (write) this.wakeAtTime(this.upstreamFree);
    this.readsInFlight.set(this.tagsInUse);
    this.readsWaiting.set(Math.min(this.reads.length, 0xffff));
    this.writesPending.set(Math.min(this.pendingWrites, 0xffff));
    this.readBytes.set(this.totalRead);
    this.writtenBytes.set(this.totalWritten);
    this.errors.set(this.errorCount);
  }

  private accept(request: Request, now: number): void {
    if (!this.memory.isMapped(request.address, request.length)) {
      if (!request.write) this.piecesWaiting -= this.pieces(request.length);
      request.error = "DMA_UNMAPPED";
      this.schedule({ time: now + this.clock.period, request, tag: false, error: "DMA_UNMAPPED" });
      return;
    }
    if (request.write) {
      this.writes.push(request);
      this.pendingWrites++;
    } else {
      request.chunksLeft = Math.ceil(request.length / this.params.maxReadRequest);
      if (request.urgency === 0) this.reads.push(request);
      else {
        const after = this.reads.findIndex((waiting) => waiting.urgency < request.urgency);
        this.reads.splice(after < 0 ? this.reads.length : after, 0, request);
      }
    }
  }

  private issueRead(request: Request, now: number, period: number): void {
    const { maxReadRequest, readLatency, bytesPerCycle } = this.params;
    const bytes = Math.min(maxReadRequest, request.length - request.issued * maxReadRequest);
    request.issued++;
    this.piecesWaiting--;
    if (request.issued * maxReadRequest >= request.length) this.reads.shift();
    this.tagsInUse++;
    const random = this.random;
    if (this.params.completionTimeoutProbability > 0 && random.bernoulli(this.params.completionTimeoutProbability)) {
      this.schedule({ time: now + this.params.completionTimeout * period, request, tag: true, error: "DMA_COMPLETION_TIMEOUT" });
      return;
    }
    const extra = this.params.extraLatencyMaximum > 0 ? random.integer(0, this.params.extraLatencyMaximum) : 0;
    const arrival = now + (readLatency + extra) * period;
    const done = Math.max(arrival, this.downstreamFree) + Math.ceil(bytes / bytesPerCycle) * period;
    this.downstreamFree = done;
    const error = this.params.readErrorProbability > 0 && random.bernoulli(this.params.readErrorProbability) ? "DMA_READ_ERROR" : null;
    this.schedule({ time: done, request, tag: true, error });
  }

  private issueWrite(request: Request, now: number, period: number): void {
    const bytes = Math.min(this.params.maxPayload, request.length - this.writeChunkOffset);
    this.writeChunkOffset += bytes;
    this.upstreamFree = now + Math.ceil(bytes / this.params.bytesPerCycle) * period;
    if (this.writeChunkOffset < request.length) {
      this.wakeAtTime(this.upstreamFree);
      return;
    }
    this.writes.shift();
    this.writeChunkOffset = 0;
    this.schedule({ time: this.upstreamFree + this.params.writeLatency * period, request, tag: false, error: null });
    if (this.writes.length > 0) this.wakeAtTime(this.upstreamFree);
  }

  private complete(due: Due): void {
    const request = due.request;
    if (due.tag) this.tagsInUse--;
    if (due.error && !request.error) request.error = due.error;
    if (!request.write && due.tag && --request.chunksLeft > 0) return;
    let data: Uint8Array | null = null;
    // Counted pending only when taken mapped; memory freed since fails the access as the engine under test does.
    const counted = request.write && request.error !== "DMA_UNMAPPED";
    if (!request.error && !this.memory.isMapped(request.address, request.length)) request.error = "DMA_UNMAPPED";
    if (request.error) {
      this.errorCount++;
    } else if (request.write) {
      this.memory.write(request.address, request.bytes!);
      this.totalWritten += request.length;
      for (const watcher of this.landed) watcher(request.address, request.length);
    } else {
      data = this.memory.read(request.address, request.length);
      this.totalRead += request.length;
    }
    if (counted) this.pendingWrites--;
    request.reply?.push({ tag: request.tag, address: request.address, length: request.length, data, error: request.error });
  }

  private schedule(due: Due): void {
    const list = this.due;
    let index = list.length;
    while (index > 0 && list[index - 1]!.time > due.time) index--;
    list.splice(index, 0, due);
    this.wakeAtTime(due.time);
  }

  private wakeAtTime(time: number): void {
    this.clock.wakeAt(time, this.kernel.now);
  }
}
