import type { Channel } from "../sim/channel.js";
import type { DmaCompletion, DmaEngine, ReadHandle } from "./dma/engine.js";
import type { RingRegisters } from "./ring.js";
import { DESCRIPTOR_BYTES } from "./spec/descriptors.js";

export interface DescriptorFetch {
  readonly kind: "descriptors";
  readonly queue: number;
  readonly first: number;
  /** Grows while its read waits for a tag (DescriptorPrefetch.fetch). */
  count: number;
  readonly generation: number;
  /** Its read, to lengthen while it waits. */
  read: ReadHandle | null;
  /** The first of its descriptors outside mapped memory when it was asked for (the DMA engine then refuses it), or null. */
  readonly firstUnmapped: number | null;
  data: Uint8Array | null;
  done: boolean;
}

/** A queue has at most this many fetches on their way (fewer with fewer read tags), each of its share of the cache. */
const FETCHES_ON_THEIR_WAY = 8;

/**
 * One queue's descriptor cache and the fetches filling it: several fetches may be in flight,
 * and their descriptors enter the cache in ring order whatever order the DMA completes them in.
 */
export class DescriptorPrefetch<D> {
  readonly cache: D[] = [];
  private readonly fetches: DescriptorFetch[] = [];
  private requested = 0;
  /** Bumped on reset so that completions of fetches from before it are ignored. */
  private generation = 0;

  constructor(
    readonly ring: RingRegisters,
    private readonly parse: (bytes: Uint8Array, offset: number, index: number) => D,
  ) {}

  /** Descriptors cached or on their way. */
  get held(): number {
    return this.cache.length + this.requested;
  }

  /**
   * Whether a fetch starts now under a cache of `capacity` descriptors, as a prefetch threshold has
   * it: its share of the cache fits, the cache over the fetches it may have on their way, one per
   * read tag up to eight, and no more than a batch; or the engine is `short` of descriptors for its
   * head frame; or its last fetch still waits for a tag, and takes the slot freed (`fetch`).
   * A fetch for every slot freed made a read of one descriptor per frame: with one read tag, RX
   * delivered one frame per read's round trip. Waiting for half a small cache to be free left
   * frames over long reads waiting for descriptors the cache had room for (from architects' checks).
   */
  wantsFetch(capacity: number, batch: number, dma: DmaEngine, short: () => boolean): boolean {
    if (!this.ring.enabled || this.ring.unfetched === 0) return false;
    const room = capacity - this.held;
    if (room <= 0) return false;
    const share = Math.ceil(capacity / Math.min(FETCHES_ON_THEIR_WAY, dma.params.maxOutstandingReads));
    return room >= Math.min(batch, share) || short() || this.waitingFetch(batch, dma) !== null;
  }

  /** The queue's last fetch if it is shorter than a batch, ends where the next would start, and its read still waits for a tag. */
  private waitingFetch(batch: number, dma: DmaEngine): DescriptorFetch | null {
    const last = this.fetches.at(-1);
    if (!last || last.done || last.count >= batch || last.read === null || last.first + last.count !== this.ring.fetchPointer) return null;
    return dma.waitingForTag(last.read) ? last : null;
  }

  /** Fetch what fits, up to a batch: by lengthening the last fetch while its read waits for a tag (its size is settled when the tag is granted), else by a new one. */
  fetch<Tag>(dma: DmaEngine, reply: Channel<DmaCompletion<Tag>>, capacity: number, batch: number, urgent = false): void {
    const ring = this.ring;
    const first = ring.fetchPointer;
    const waiting = this.waitingFetch(batch, dma);
    if (waiting) {
      const more = Math.min(batch - waiting.count, ring.unfetched, ring.descriptors - first, capacity - this.held);
      if (dma.lengthen(waiting.read!, more * DESCRIPTOR_BYTES)) {
        waiting.count += more;
        this.requested += more;
        ring.fetchPointer = (first + more) % ring.descriptors;
        return;
      }
    }
    const count = Math.min(batch, ring.unfetched, ring.descriptors - first, capacity - this.held);
    ring.fetchPointer = (first + count) % ring.descriptors;
    const address = ring.addressOf(first);
    // Which descriptor runs off mapped memory, for the error log, should the engine refuse the fetch: one lookup when it will not.
    const firstUnmapped = dma.reachable(address, count * DESCRIPTOR_BYTES) ? null : this.firstUnmapped(dma, first, count);
    const fetch: DescriptorFetch = { kind: "descriptors", queue: ring.queue, first, count, generation: this.generation, firstUnmapped, data: null, done: false, read: null };
    this.fetches.push(fetch);
    this.requested += count;
    fetch.read = dma.read(address, count * DESCRIPTOR_BYTES, reply, fetch as Tag, urgent);
  }

  /** A fetch completed. A failed one disables the queue: the ring cannot be trusted. */
  complete(fetch: DescriptorFetch, completion: DmaCompletion<unknown>): void {
    if (fetch.generation !== this.generation) return;
    if (completion.error) {
      this.ring.disableOnFault(completion.error, fetch, completion.error === "DMA_UNMAPPED" ? (fetch.firstUnmapped ?? fetch.first) : fetch.first);
      this.reset();
      return;
    }
    fetch.data = completion.data;
    fetch.done = true;
    while (this.fetches.length > 0 && this.fetches[0]!.done) {
      const ready = this.fetches.shift()!;
      this.requested -= ready.count;
      for (let position = 0; position < ready.count; position++) this.cache.push(this.parse(ready.data!, position * DESCRIPTOR_BYTES, ready.first + position));
    }
  }

  /** The first of `count` descriptors from `first` outside mapped memory (a ring that runs past its region runs off at one). */
  private firstUnmapped(dma: DmaEngine, first: number, count: number): number {
    for (let index = first; index < first + count; index++) if (!dma.reachable(this.ring.addressOf(index), DESCRIPTOR_BYTES)) return index;
    return first;
  }

  reset(): void {
    this.cache.length = 0;
    this.fetches.length = 0;
    this.requested = 0;
    this.generation++;
  }
}
