import { MAX_QUEUES } from "../spec/registers.js";
import { BLOCKED, type QueueSchedule, WAITING } from "../qos/class-scheduler.js";
import type { ParameterValues } from "../../sim/parameters.js";
import type { DMA_PARAMETERS } from "../dma/parameters.js";
import { piecesOf } from "../dma/read-lookahead.js";
import type { InOrder } from "../../sim/fifo.js";

/** What the DMA's reads carry, as the frame start weighs the frames being read. */
export interface DmaReads {
  /** Bytes that keep the DMA busy (FramesInFlight.waitsForReads): a frame start past them would only wait there. */
  readonly ahead: number;
  /** Whether the DMA reads faster than the line sends: then `ahead` holds only beside a strict class, whose reads would wait behind the bulk issued. */
  readonly fasterThanLine: boolean;
  /** Bytes its link carries in a mean round trip: at or past them, the link is the bottleneck. */
  readonly saturatedBytes: number;
  /** Read pieces that fill every tag: with a frame's more waiting (FramesInFlight.waitsForReads), a frame start past them would only wait for a tag. */
  readonly tags: number;
  /** The largest read request (MRRS), which splits each buffer's read into pieces. */
  readonly maxReadRequest: number;
  /** Core cycles of a read's round trip at its longest: latency, the longest extra, a largest piece crossing. */
  readonly roundTripCycles: number;
}

/**
 * Reads' round trips of the crypto engines' whole capacity, in frame bytes, that a queue's frames
 * on their way to them may hold while jobs wait there (FramesInFlight.engineHeld). A 64-byte
 * frame's bytes are about two and a half times its job's, and its reads wait behind other
 * classes' in the DMA: at 4, a class of them beside 9000-byte frames still ran dry 10 times in
 * 1 ms (0.64 of the line where the closed form gives 0.70); at 8 it gets 0.70.
 */
export const ENGINE_LOOKAHEAD_ROUND_TRIPS = 8;

/** What the frame start asks of the TX crypto engines. */
export interface EngineQueue {
  /** A queue's jobs the engines have not taken yet (their scheduler's choice). */
  queued(queue: number): number;
  /** Their frames' bytes. */
  queuedBytes(queue: number): number;
  /** Some job waits for an engine. */
  readonly backlogged: boolean;
  /** What all the engines take in a core cycle. */
  readonly bytesPerCycle: number;
  /** Engines: jobs they start at once. */
  readonly count: number;
}

/**
 * The DMA's reads for the frame start. Its link carries `saturatedBytes` in a read's mean round
 * trip (latency, half its longest extra, a piece crossing): by Little's law, reads of that many
 * bytes in flight are the link at its capacity. `ahead` counts the longest extra,
 * the tags as whole requests, and a longest frame more: a frame counts whole until its last piece
 * is in, and its pieces done free tags the next frame's pieces take. `saturatedBytes` is
 * unbounded where the DMA reads faster than the line sends, and `ahead` holds there only beside a
 * strict class (waitsForReads): the wire orders the classes, and frames read ahead are what a
 * queue reset leaves to send (capped, 5 % of reads failing lost 60 % of the line to the resets);
 * but a strict frame's reads wait behind the bulk reads issued, and unbounded those filled 64 tags
 * of 4 KB on a link a little faster than the line: gold's p99 54 µs (an architect's check).
 */
export function dmaReads(dma: ParameterValues<typeof DMA_PARAMETERS>, maxFrameBytes: number, period: number, lineBytesPerPicosecond: number): DmaReads {
  const crossing = Math.ceil(dma.maxReadRequest / dma.bytesPerCycle);
  const roundTrip = dma.readLatency + dma.extraLatencyMaximum + crossing;
  const bytesPerRoundTrip = Math.min(dma.bytesPerCycle * roundTrip, dma.maxOutstandingReads * dma.maxReadRequest);
  // Tags hold pieces, not bytes: pieces shorter than MRRS (a buffer of 1500 bytes, MRRS 4096) fill them with the link judged faster than the line.
  const pieces = { tags: dma.maxOutstandingReads, maxReadRequest: dma.maxReadRequest, roundTripCycles: roundTrip };
  const ahead = bytesPerRoundTrip + maxFrameBytes;
  if (bytesPerRoundTrip / (roundTrip * period) >= lineBytesPerPicosecond) return { ahead, fasterThanLine: true, saturatedBytes: Infinity, ...pieces };
  const meanRoundTrip = dma.readLatency + dma.extraLatencyMaximum / 2 + crossing;
  return { ahead, fasterThanLine: false, saturatedBytes: dma.bytesPerCycle * meanRoundTrip, ...pieces };
}

/**
 * The TX engine's frames in flight by queue: started and not yet handed on, of those the ones
 * whose buffers are still being read, and the ones with the crypto engines. A frame start asks what
 * the queues that are not strict hold (their limit under the priority reserve), and whether their
 * room is held by frames still being read.
 */
export class FramesInFlight {
  private readonly started = new Array<number>(MAX_QUEUES).fill(0);
  private readonly readingByQueue = new Array<number>(MAX_QUEUES).fill(0);
  /** Submitted to the crypto engines and not yet back: queued for them, or in one. */
  private readonly encryptingByQueue = new Array<number>(MAX_QUEUES).fill(0);
  /** Queues with a frame in flight. */
  queues = 0;
  /** As last given to countNonStrict: the frames in flight not yet taken, by any queue. */
  private free = Infinity;
  /** As last counted by countNonStrict. */
  nonStrict = 0;
  nonStrictReading = 0;
  /** As last worked out by shareWindow: the window, each waiting queue's fair share of it, and the room the queues below theirs still lack. */
  private window = Infinity;
  private share = Infinity;
  private shortfall = 0;
  /** As last worked out by shareWindow: each queue's frames that count against its share. */
  private readonly counted = new Array<number>(MAX_QUEUES).fill(0);

  /** `tagsFull`: every DMA read tag is in use (a read asked for now waits for one). */
  constructor(
    private readonly engines: EngineQueue,
    private readonly reads: DmaReads,
    private readonly tagsFull: () => boolean,
  ) {
    this.engineLookahead = engines.bytesPerCycle * ENGINE_LOOKAHEAD_ROUND_TRIPS * reads.roundTripCycles;
  }

  /** Frame bytes on their way to the crypto engines that keep them all busy for ENGINE_LOOKAHEAD_ROUND_TRIPS reads' round trips. */
  private readonly engineLookahead: number;
  /** Frames for the crypto engines still being read, and their bytes, by queue. */
  private readonly engineFramesReadingBy = new Array<number>(MAX_QUEUES).fill(0);
  private readonly engineBytesReadingBy = new Array<number>(MAX_QUEUES).fill(0);

  /** A queue has frames for the crypto engines still being read. */
  comingToEngines(queue: number): boolean {
    return this.engineFramesReadingBy[queue]! > 0;
  }

  /**
   * Whether a queue starts no frame for the crypto engines now (BLOCKED): jobs
   * wait there, and its frames on their way to them (being read, or waiting for an engine) already
   * hold the engines' lookahead and a frame for each engine (two at least). Without it, frames of
   * 9000 bytes filled half the window with 400 µs of jobs for four engines at 1 byte a cycle; a
   * class of 64-byte frames beside them held 3 µs of work, ran dry while its next frames were read,
   * and the freed engines took jumbo jobs together for 36 µs: 0.078 of the line where the closed
   * form gives 0.70 (0.70 now). A frame for each engine, so that engines freeing together each find
   * one: with two, a class of 64- and 9000-byte frames by weight 33 found none as often, 0.165 of
   * the line for 0.180 with 256 frames in flight (from an outside check; 0.179 now). With no job waiting the engines are not the
   * bottleneck, and nothing is held.
   */
  engineHeld(queue: number): boolean {
    if (!this.engines.backlogged) return false;
    const frames = this.engineFramesReadingBy[queue]! + this.engines.queued(queue);
    return frames >= Math.max(2, this.engines.count) && this.engineBytesReadingBy[queue]! + this.engines.queuedBytes(queue) >= this.engineLookahead;
  }

  /** Bytes of the frames whose buffers are still being read, every queue's and by queue. */
  bytesReading = 0;
  readonly bytesReadingBy = new Array<number>(MAX_QUEUES).fill(0);

  /** The DMA read pieces of the buffers still being read, and the most a frame has had. */
  private piecesReading = 0;
  private largestFramePieces = 0;

  /** The read pieces of a frame's buffers, the first `count` of these (each at least one piece, MRRS at most). */
  piecesOf(buffers: InOrder<{ readonly length: number }>, count = buffers.length): number {
    let pieces = 0;
    for (let index = 0; index < count; index++) pieces += piecesOf(buffers.at(index)!.length, this.reads.maxReadRequest);
    return pieces;
  }

  /** A frame started; `reading`: its `bytes` are to be read, in `pieces` (a frame refused at once reads none); `forEngines`: to be encrypted. */
  start(queue: number, reading: boolean, bytes: number, pieces: number, forEngines: boolean): void {
    if (this.started[queue]!++ === 0) this.queues++;
    if (!reading) return;
    if (forEngines) {
      this.engineBytesReadingBy[queue]! += bytes;
      this.engineFramesReadingBy[queue]!++;
    }
    this.readingByQueue[queue]!++;
    this.bytesReading += bytes;
    this.bytesReadingBy[queue]! += bytes;
    this.piecesReading += pieces;
    if (pieces > this.largestFramePieces) this.largestFramePieces = pieces;
  }

  /** One of a frame's buffers, `length` bytes, is read (or failed to be): its pieces hold no tag now. */
  bufferRead(length: number): void {
    this.piecesReading -= piecesOf(length, this.reads.maxReadRequest);
  }

  /** Its buffers are all read (or failed to be). */
  read(queue: number, bytes: number, forEngines: boolean): void {
    if (forEngines) {
      this.engineBytesReadingBy[queue]! -= bytes;
      this.engineFramesReadingBy[queue]!--;
    }
    this.readingByQueue[queue]!--;
    this.bytesReading -= bytes;
    this.bytesReadingBy[queue]! -= bytes;
  }

  /**
   * Whether a frame must wait for reads already handed to the DMA: they hold `readsAhead` bytes or
   * more (what keeps the DMA busy). Past that a read would only wait in the DMA's queue, first come
   * first served, so the frame start's policy would order nothing: with the DMA link the
   * bottleneck, classes given 70/30 got 50/50 once their buffer parts (or descriptors fetched
   * behind 84 µs of reads) and not the window held them. So too once their pieces fill every tag
   * and a largest frame's more (the most pieces a frame has had, or this one's, `pieces`): with one
   * tag, MRRS 4096 and frames of 1500 bytes, 70/30 gave 50/50. A longest frame's more taken as one
   * buffer cost jumbo frames in 512-byte buffers 14 % of the line; this frame's own more let large
   * frames start where small ones waited.
   */
  waitsForReads(pieces: number, strictBeside: boolean): boolean {
    const ahead = this.reads.fasterThanLine && !strictBeside ? Infinity : this.reads.ahead;
    return this.bytesReading >= ahead || this.piecesReading >= this.reads.tags + Math.max(this.largestFramePieces, pieces);
  }

  /**
   * How a queue whose frame is on its way waits (its descriptors being fetched, or its room held
   * by its frames being read, `reading`): WAITING, congestion to a policed priority class, while
   * the reads in flight saturate the DMA's link or its tags (small frames, or descriptor fetches
   * over a long latency, fill the tags long before the link), where the priority class's own reads
   * go ahead; otherwise BLOCKED. A fetch on its way over an idle link is no congestion: counted as
   * one, it held a priority class to its rate on a line 20 % used (an architect's check).
   */
  onItsWay(reading: boolean): typeof WAITING | typeof BLOCKED {
    if (!reading) return BLOCKED;
    if (this.bytesReading >= this.reads.saturatedBytes) return WAITING;
    if (!this.tagsFull()) return BLOCKED;
    this.waitedOnTags = true;
    return WAITING;
  }

  /** Set when onItsWay said WAITING for the DMA's tags alone: they free with no wake of the TX engine's (a read of another block's completing). Cleared by the frame start. */
  waitedOnTags = false;

  encrypting(queue: number): void {
    this.encryptingByQueue[queue]!++;
  }

  encrypted(queue: number): void {
    this.encryptingByQueue[queue]!--;
  }

  leave(queue: number): void {
    if (--this.started[queue]! === 0) this.queues--;
  }

  reading(queue: number): number {
    return this.readingByQueue[queue]!;
  }

  /** A queue has a frame in a crypto engine, which its later frames leave behind. */
  inAnEngine(queue: number): boolean {
    return this.inEngines(queue) > 0;
  }

  /** A queue's frames in a crypto engine: taken from their scheduler, and not yet back. */
  private inEngines(queue: number): number {
    const encrypting = this.encryptingByQueue[queue]!;
    return encrypting === 0 ? 0 : encrypting - this.engines.queued(queue);
  }

  /**
   * Share the window (the frames in flight the queues that are not strict may hold), less what the
   * crypto engines hold, equally among the queues, strict ones too, that hold frames read or have
   * one to start (`waiting`): a queue whose frames read and not in an engine (waiting for the
   * engines, or behind an earlier frame of its own) fill its share may start more only while the
   * room left still holds what the others lack of theirs. So every class the engines' scheduler could choose keeps a frame
   * waiting for it: without this the frame start, which works in line rates, decided each class's
   * share of the engines whatever their own policy. Frames still being read are not counted: where
   * the DMA reads are the bottleneck, the frame start's policy is the only one there is. Shares are
   * whole frames, rounded down, so that every share fits in the window together.
   */
  shareWindow(schedules: readonly QueueSchedule[], window: number, waiting: (queue: number) => boolean): void {
    this.window = window;
    let room = window;
    let most = 0;
    for (let queue = 0; queue < schedules.length; queue++) {
      const inEngines = this.inEngines(queue);
      room -= inEngines;
      const counted = (this.counted[queue] = this.started[queue]! - this.readingByQueue[queue]! - inEngines);
      if (counted > most) most = counted;
    }
    // No queue holds the least a share can be (the room over every queue): none is over its share, and the heads need not be looked at.
    if (most < Math.floor(room / schedules.length)) {
      this.share = Infinity;
      return;
    }
    let holders = 0;
    for (let queue = 0; queue < schedules.length; queue++) if (this.counted[queue]! > 0 || waiting(queue)) holders++;
    this.share = holders === 0 ? Infinity : Math.floor(room / holders);
    this.shortfall = 0;
    for (let queue = 0; queue < schedules.length; queue++) {
      if (this.counted[queue]! >= this.share || !waiting(queue)) continue;
      this.shortfall += this.share - this.counted[queue]!;
    }
  }

  /**
   * Whether a queue that is not strict must wait, and how (WAITING while frames it waits for are
   * still being read, BLOCKED otherwise), or null: the window is full, or its frames counted fill
   * its share and the room left must hold what the others lack of theirs.
   */
  heldBack(queue: number): typeof WAITING | typeof BLOCKED | null {
    if (this.nonStrict >= this.window) return this.onItsWay(this.nonStrictReading > 0);
    // The room left is the window's, or less where the strict queues' frames fill the frames in flight (two priority classes over their rates held 26 of 64, and class-default never started one).
    const room = Math.min(this.window - this.nonStrict, this.free);
    if (this.counted[queue]! >= this.share && room - 1 < this.shortfall) return this.onItsWay(this.reading(queue) > 0);
    return null;
  }

  /**
   * Whether a strict queue must wait: its frames read and not in an engine fill its share while
   * another class lacks its own (over its rate at the engines, which police it only while other
   * classes' jobs wait there, it took them whole).
   */
  strictHeldBack(queue: number): typeof WAITING | typeof BLOCKED | null {
    if (this.counted[queue]! < this.share || this.shortfall === 0) return null;
    return this.onItsWay(this.reading(queue) > 0);
  }

  /** Count the frames of the queues that are not strict now (a schedule may have changed since they started); `free`: the frames in flight no queue holds. */
  countNonStrict(schedules: readonly QueueSchedule[], free: number): void {
    this.nonStrict = 0;
    this.nonStrictReading = 0;
    this.free = free;
    for (let queue = 0; queue < schedules.length; queue++) {
      if (schedules[queue]!.strict) continue;
      this.nonStrict += this.started[queue]!;
      this.nonStrictReading += this.readingByQueue[queue]!;
    }
  }
}
