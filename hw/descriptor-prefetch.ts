import type { Channel } from "../sim/channel.js";
import { Fifo } from "../sim/fifo.js";
import type { DmaCompletion, DmaEngine } from "./dma/engine.js";
import type { RingRegisters } from "./ring.js";
import { DESCRIPTOR_BYTES } from "./spec/descriptors.js";
import type { ErrorCodeName } from "./spec/errors.js";

export interface DescriptorFetch {
  readonly kind: "descriptors";
  readonly queue: number;
  readonly first: number;
  readonly count: number;
  readonly generation: number;
  /** The first of its descriptors outside mapped memory when it was asked for (the DMA engine then refuses it), or null. */
  readonly firstUnmapped: number | null;
  data: Uint8Array | null;
  done: boolean;
  /** The DMA's error for it, once completed so. */
  error: ErrorCodeName | null;
}

/**
 * With at least SMALL_FETCH_TAGS read tags, a queue fetches an eighth of its cache (at most a
 * batch) while SMALL_FETCHES tags are spare: the eight such fetches it may then have on their way
 * refill a small cache within a round trip, and take no tag another read waits for.
 */
export const SMALL_FETCHES = 8;
const SMALL_FETCH_TAGS = 16;

/** The free room in a cache of `capacity` at which a fetch is due (DescriptorPrefetch.fetchDue): half the cache, the whole with one read tag, at most a batch. */
function dueRoom(capacity: number, batch: number, readTags: number): number {
  return Math.min(batch, Math.ceil(capacity / Math.min(2, readTags)));
}

/** The free room at which a small fetch may start, with SMALL_FETCH_TAGS or more: an eighth of the cache, at most a batch. */
function smallRoom(capacity: number, batch: number): number {
  return Math.min(batch, Math.ceil(capacity / SMALL_FETCHES));
}

/**
 * Whether a small fetch can ever wait for spare read tags alone under a cache of `capacity` (a
 * larger one's too): its room is less than a due fetch's. Where it is not (the default cache of 64
 * in batches of 8), a small fetch that has room is due anyway.
 */
export function smallFetchCanWait(capacity: number, batch: number, readTags: number): boolean {
  return readTags >= SMALL_FETCH_TAGS && smallRoom(capacity, batch) < dueRoom(capacity, batch, readTags);
}

/**
 * One queue's descriptor cache and the fetches filling it: several fetches may be in flight,
 * and their descriptors enter the cache in ring order whatever order the DMA completes them in.
 */
export class DescriptorPrefetch<D> {
  readonly cache = new Fifo<D>();
  private readonly fetches: DescriptorFetch[] = [];
  private requested = 0;
  /** Bumped on reset so that completions of fetches from before it are ignored. */
  private generation = 0;
  /** A failed fetch whose turn in ring order has come: the queue faults once what the cache holds before it is used (applyFault). */
  private failed: DescriptorFetch | null = null;

  constructor(
    readonly ring: RingRegisters,
    private readonly parse: (bytes: Uint8Array, offset: number, index: number) => D,
    private readonly waitsForHost = false,
  ) {}

  /** Descriptors cached or on their way. */
  get held(): number {
    return this.cache.length + this.requested;
  }

  /**
   * Whether the queue's own state starts a fetch under a cache of `capacity` descriptors, as a
   * prefetch threshold has it: half the cache is free (at most a batch), or, with a single read
   * tag, the whole cache (one read a round trip: a second fetch waiting for the only tag held half
   * the cache for nothing); or the engine is `short` of descriptors for its head frame. The engine
   * is not idle while this holds.
   *
   * `waitsForHost` (RX): a due fetch also waits for the host to hold as many descriptors as it is
   * due for, reckoned on the cache or the ring less one, whichever is smaller (a fixed host
   * threshold, where the 82599 has the register RXDCTL.HTHRESH): with a ring no
   * larger than the cache, half the cache was always free, and each of the driver's refills made a
   * fetch of one to three descriptors (one tag, a ring of 32: TX got nothing beside them).
   */
  fetchDue(capacity: number, batch: number, readTags: number, short: () => boolean): boolean {
    if (!this.ring.enabled || this.ring.unfetched === 0 || this.failed) return false;
    return this.dueByRoom(capacity, batch, readTags) || (capacity > this.held && short());
  }

  /** A fetch due by the cache's room (and, `waitsForHost`, what the host holds), whatever the head frame needs. */
  private dueByRoom(capacity: number, batch: number, readTags: number): boolean {
    const room = capacity - this.held;
    if (!this.waitsForHost) return room >= dueRoom(capacity, batch, readTags);
    const due = dueRoom(Math.min(capacity, this.ring.descriptors - 1), batch, readTags);
    return room >= due && this.hostHolds(due);
  }

  /**
   * Whether a fetch starts now, when the engine runs: one due (`fetchDue`), or a small one the
   * read tags allow (SMALL_FETCHES). The engine is not idle while either would start, and while a
   * small one waits only for tags it asks for the edge they free on (DmaEngine.spareReadTagsBy):
   * looked at only as it ran for other work, the fetch's time depended on when that was (an
   * outside check, evaluating every edge: 16 tags and a cache of 16 changed the capture). From architects' checks:
   * - a fetch for every slot freed made a read of one descriptor per frame: with one read tag, RX
   *   delivered one frame per read's round trip;
   * - always waiting for half a small cache left frames over long reads waiting for descriptors
   *   it had room for (caches of 12, reads of 500 cycles: 420 dropped);
   * - small fetches whatever the tags took them from TX's buffer reads (8 and 16 tags: TX 7 %
   *   slower, RX frames dropped), and with 9 to 15 tags the few spare ones came and went with each
   *   read, bunching a tiny cache's fetches (a cache of 4 over 9 tags: p50 3.0 to 52.8 µs).
   */
  wantsFetch(capacity: number, batch: number, dma: DmaEngine, short: () => boolean): boolean {
    const readTags = dma.params.maxOutstandingReads;
    if (this.fetchDue(capacity, batch, readTags, short)) return true;
    return this.smallFetchFits(capacity, batch, readTags) && dma.spareReadTags() >= SMALL_FETCHES;
  }

  /**
   * Whether a small fetch has room, and so waits only for spare read tags (wantsFetch); `waitsForHost`,
   * the host holds its descriptors too (a fetch of whatever one refill gave, taken whenever tags
   * were spare, was as tiny as a due one had been, and its time hung on when the engine ran: the
   * transaction-level DMA and the per-cycle one drew different waveforms).
   */
  smallFetchFits(capacity: number, batch: number, readTags: number): boolean {
    if (!this.ring.enabled || this.ring.unfetched === 0 || readTags < SMALL_FETCH_TAGS || this.failed) return false;
    const small = smallRoom(capacity, batch);
    return capacity - this.held >= small && (!this.waitsForHost || this.hostHolds(small));
  }

  /**
   * Whether the host holds `count` descriptors to fetch. Not "or all the ring can give": on a ring
   * under the cache, a queue whose frames had all been written back then fetched each refill
   * again, one frame's buffers a read, ahead of TX (bronze to the peer 1.03 to 0.11 Gb/s). So a
   * frame of more buffers than a due fetch brings waits a round trip for its rest where the ring is
   * small (a ring of 16, 1,024-byte buffers, a 9000-byte packet every 50 µs: p99 11.3 to 15.4 µs;
   * from an outside check), as under a real part's HTHRESH.
   */
  private hostHolds(count: number): boolean {
    return this.ring.unfetched >= count;
  }

  /** Whether a small fetch has room where a due one has not, and so waits for spare read tags alone (see smallFetchCanWait). */
  smallFetchWaits(capacity: number, batch: number, readTags: number): boolean {
    return !this.dueByRoom(capacity, batch, readTags) && this.smallFetchFits(capacity, batch, readTags);
  }

  fetch<Tag>(dma: DmaEngine, reply: Channel<DmaCompletion<Tag>>, capacity: number, batch: number, urgency: number): void {
    const ring = this.ring;
    const first = ring.fetchPointer;
    const count = Math.min(batch, ring.unfetched, ring.descriptors - first, capacity - this.held);
    ring.fetchPointer = (first + count) % ring.descriptors;
    const address = ring.addressOf(first);
    // Which descriptor runs off mapped memory, for the error log, should the engine refuse the fetch: one lookup when it will not.
    const firstUnmapped = dma.translation.reachable(address, count * DESCRIPTOR_BYTES) ? null : this.firstUnmapped(dma, first, count);
    const fetch: DescriptorFetch = { kind: "descriptors", queue: ring.queue, first, count, generation: this.generation, firstUnmapped, data: null, done: false, error: null };
    this.fetches.push(fetch);
    this.requested += count;
    dma.read(address, count * DESCRIPTOR_BYTES, reply, fetch as Tag, urgency);
  }

  /**
   * A fetch completed. A failed one takes its turn in ring order, as the descriptors do: the
   * fetches before it still fill the cache, and the queue faults (the ring cannot be trusted) once
   * the engine has used what they hold (applyFault). Faulted at once, an unmapped descriptor 8
   * refused a cycle after it was asked for took the valid frames 0 to 7 still on their way with
   * it, unsent and unlogged (from a driver developer's check).
   */
  complete(fetch: DescriptorFetch, completion: DmaCompletion<unknown>): void {
    if (fetch.generation !== this.generation) return;
    fetch.data = completion.data;
    fetch.error = completion.error;
    fetch.done = true;
    while (this.failed === null && this.fetches.length > 0 && this.fetches[0]!.done) {
      const ready = this.fetches.shift()!;
      this.requested -= ready.count;
      if (ready.error) this.failed = ready;
      else for (let position = 0; position < ready.count; position++) this.cache.push(this.parse(ready.data!, position * DESCRIPTOR_BYTES, ready.first + position));
    }
  }

  /** A failed fetch waits for the engine to use what the cache holds before it. */
  get faultPending(): boolean {
    return this.failed !== null;
  }

  /** The engine can do nothing more with what the cache holds: the failed fetch disables the queue, and what is cached goes with it (a frame the failed descriptors would have ended). */
  applyFault(): void {
    const fetch = this.failed!;
    const code = fetch.error!;
    this.ring.disableOnFault(code, fetch, code === "DMA_UNMAPPED" ? (fetch.firstUnmapped ?? fetch.first) : fetch.first);
    this.reset();
  }

  /** The first of `count` descriptors from `first` outside mapped memory (a ring that runs past its region runs off at one). */
  private firstUnmapped(dma: DmaEngine, first: number, count: number): number {
    for (let index = first; index < first + count; index++) if (!dma.translation.reachable(this.ring.addressOf(index), DESCRIPTOR_BYTES)) return index;
    return first;
  }

  reset(): void {
    this.cache.clear();
    this.fetches.length = 0;
    this.requested = 0;
    this.failed = null;
    this.generation++;
  }
}
