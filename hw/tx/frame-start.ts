import type { NicShared } from "../config.js";
import { BLOCKED, EMPTY, type QueueScheduler } from "../qos/class-scheduler.js";
import type { QueueState } from "../queue-state.js";
import type { FramesInFlight } from "./frames-in-flight.js";
import { type HeadFrame, HeadFrames, RefusedRests } from "./head-frame.js";
import type { TxBuffer } from "./tx-buffer.js";
import type { TxDescriptor } from "./tx-packet.js";

/** The TX engine's parameters the frame start reads. */
export interface FrameStartLimits {
  readonly descriptorCache: number;
  readonly framesInFlight: number;
  readonly priorityReserve: number;
}

/**
 * The TX engine's frame start: which queue's head frame starts next by the policy map, within the
 * frames in flight, each queue's share of them and its buffer room; where none starts, when to
 * look again that no wake would say (a policed queue's rate, a read tag freeing); and whether the
 * look after a start can find anything.
 */
export class TxFrameStart {
  /** Whether a refused frame's rest is to come, by queue (the frame finish and TXDCTL writes end one too). */
  readonly rests = new RefusedRests();
  /** Each queue's head frame, worked out again only when its cache changed. */
  private readonly heads = new HeadFrames();
  /** Whether the last look weighed a queue's frames against what the crypto engines hold (its share of the frames in flight, engineHeld): a change there can change what it finds. */
  weighedEngines = false;
  /** When a queue held back by its policed rate may start a frame. */
  retryAt = Infinity;
  /**
   * When a read tag next frees, while a strict class over its rate had a frame and another class
   * was WAITING only for the DMA's tags: a tag freed makes that class BLOCKED, and the strict one may
   * go unpoliced. The tags free with no wake of the engine's (from an outside check).
   */
  tagsFreeAt = Infinity;
  /** The head frame pick() chose, and the read pieces its buffers make. */
  chosen: HeadFrame | null = null;
  pieces = 0;

  constructor(
    private readonly queues: readonly QueueState<TxDescriptor>[],
    private readonly limits: FrameStartLimits,
    private readonly shared: NicShared,
    private readonly scheduler: QueueScheduler,
    private readonly flight: FramesInFlight,
    private readonly buffer: TxBuffer,
    /** Frames started and not yet handed to the MAC. */
    private readonly framesHeld: () => number,
  ) {}

  /** The queue whose head frame starts now (charged to it; `chosen` and `pieces` say what), or -1: none may now. */
  pick(now: number): number {
    this.weighedEngines = false;
    this.tagsFreeAt = Infinity;
    this.flight.waitedOnTags = false;
    const held = this.framesHeld();
    if (held >= this.limits.framesInFlight) return -1;
    this.flight.countNonStrict(this.scheduler.schedules, this.limits.framesInFlight - held);
    this.flight.shareWindow(this.scheduler.schedules, this.limits.framesInFlight - this.limits.priorityReserve, this.hasHead);
    const queue = this.scheduler.pick(now, this.headSize);
    if (queue < 0) {
      this.heldBack(now);
      if (this.flight.waitedOnTags && this.scheduler.strictQueues.some(this.hasHead)) this.tagsFreeAt = this.shared.dma.readTagFreeShownAt();
      return -1;
    }
    const head = this.headOf(queue)!;
    const urgent = this.scheduler.schedules[queue]!.strict;
    const pieces = this.flight.piecesOf(this.queues[queue]!.cache, head.taken);
    // Shared, the queue whose turn it is waits for room, and no smaller frame of another queue passes it.
    if (!head.fault && !this.buffer.perClass && !this.buffer.fits(queue, head.length)) return this.heldBack(now);
    // Reads past what keeps the DMA busy would wait there in arrival order: the queue whose turn it is waits here, where the policy orders them (a strict queue's reads go ahead there).
    if (!head.fault && !urgent && this.flight.waitsForReads(pieces, this.scheduler.strictQueues.length > 0)) return this.heldBack(now);
    this.retryAt = Infinity;
    this.scheduler.charge(queue, head.length);
    this.rests.toCome[queue] = head.open;
    this.chosen = head;
    this.pieces = pieces;
    return queue;
  }

  /**
   * Whether the look on the next edge, with nothing changed that wakes the engine, must find no
   * frame to start, and leave what a look that finds none leaves (no wake time asked for): the
   * frames in flight full, or every queue's head frame, if any, held by room of its own, which only
   * a freed buffer or a completed read (each a wake) gives back. Not with a strict queue's head
   * (its look may ask for an edge when a read tag frees) or frames for the crypto engines (they
   * read what the frame start last weighed, which that look would weigh afresh).
   */
  nextLookFindsNothing(framesForEngines: number): boolean {
    if (framesForEngines > 0) return false;
    if (this.framesHeld() >= this.limits.framesInFlight) return true;
    for (let queue = 0; queue < this.queues.length; queue++) {
      const head = this.headOf(queue);
      if (head === null) continue;
      if (head.fault || this.scheduler.schedules[queue]!.strict || !this.buffer.ownRoomShort(queue, head.length, this.shared.maxFrameBytes, this.flight.bytesReadingBy[queue]!)) return false;
    }
    return true;
  }

  /**
   * No frame starts (none picked, or the one picked waits for room or reads): freed room, completed
   * reads and register writes wake the engine, but a queue held back by its rate (a policed strict
   * one, a minimum) gets its tokens with no wake, so the engine asks for that time. Asked only when
   * none was picked, it slept through it, and gold started later than an engine looking at every
   * edge started it (from an outside check).
   */
  private heldBack(now: number): -1 {
    this.retryAt = this.scheduler.readyAt(now, this.headSize);
    return -1;
  }

  headOf(queue: number): HeadFrame | null {
    const state = this.queues[queue]!;
    if (!state.ring.enabled) return null;
    // A ring full but one slot holds all a driver can post: a frame without EOP there never gets one.
    return this.heads.of(queue, state.cache, Math.min(this.limits.descriptorCache, state.ring.descriptors - 1), this.shared.maxFrameBytes, this.rests.toCome[queue]!);
  }

  /** A queue's size for the scheduler: its head frame's bytes, EMPTY, WAITING while its frame is on its way, or BLOCKED while room of its own holds it. */
  private readonly headSize = (queue: number): number => {
    const head = this.headOf(queue);
    // Descriptors posted and not yet a whole frame in the cache (fetches behind a strict class's reads, or the rest of a frame) are a frame on its way, not none.
    if (!head) return this.queues[queue]!.ring.enabled && (this.queues[queue]!.prefetch.held > 0 || this.queues[queue]!.ring.unfetched > 0) ? this.flight.onItsWay(true) : EMPTY;
    // Room of its own is held by its frames: while some of them are still being read over a saturated DMA (where a priority class's reads go ahead), the queue's frame is on its way (WAITING), which holds a policed priority class back; otherwise only the reads' round trip or the wire frees it, and the wire applies the policer again.
    // Per class, a frame that does not fit in its queue's part waits; shared, a queue at its threshold waits; the others' room is theirs.
    if (!head.fault && this.buffer.ownRoomShort(queue, head.length, this.shared.maxFrameBytes, this.flight.bytesReadingBy[queue]!)) return this.flight.onItsWay(this.flight.reading(queue) > 0);
    this.weighedEngines = true;
    const strict = this.scheduler.schedules[queue]!.strict;
    // Non-strict queues leave some in-flight room to the strict ones, so bulk cannot fill it all (strict frames fill that room first, so they do not shut bulk out of the rest), and share the rest.
    // Nor does a strict one hold more frames for the engines than keep them busy: over its rate they filled the frames in flight, a minimum's class could not start its own, was held (heldBehindEngines), and held gold with engines idle.
    if (strict) return this.flight.strictHeldBack(queue) ?? (this.flight.engineHeld(queue) ? BLOCKED : head.length);
    return this.flight.heldBack(queue) ?? (this.flight.engineHeld(queue) ? BLOCKED : head.length);
  };

  readonly hasHead = (queue: number): boolean => this.headOf(queue) !== null;

  /**
   * A queue with a frame it cannot start (the frames in flight, its share or its buffer part full) while one of its jobs is in an
   * engine, its later frames waiting behind it: congestion to a priority class over its rate. Not counted, gold took the engines such
   * classes left: 0.356 of the line for its 0.226, and with 32 frames in flight silver got 0.039 of its 0.119 (an architect's check).
   */
  heldBehindEngines(queue: number): boolean {
    return this.flight.inAnEngine(queue) && this.hasHead(queue) && (this.framesHeld() >= this.limits.framesInFlight || this.headSize(queue) < 0);
  }
}
