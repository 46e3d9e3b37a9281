import * as R from "../spec/register-fields.js";
import { overDynamicThreshold } from "../shared-buffer-threshold.js";

/** The largest part TXPBSIZE holds: a 10-bit field of KB. */
const LARGEST_PART = R.TXPBSIZE_FIELDS.SIZE.max * 1024;

/** Each queue's part of the TX buffer as the device comes up: the equal split, in whole KB as TXPBSIZE holds it. */
export function equalPartBytes(bufferBytes: number, queues: number): number {
  return Math.floor(bufferBytes / queues / 1024) * 1024;
}

/**
 * The TX packet buffer between DMA and the MAC: bytes and frames held per queue, and each
 * queue's part (TXPBSIZE) when the buffer is partitioned per class, as DCB parts do it. Per
 * class, a queue's frames wait for room in its own part only; shared, a frame waits for room in
 * the whole buffer (and keeps its turn meanwhile, which the TX engine sees to).
 */
export class TxBuffer {
  /** Bytes held, by queue and in all; frames started and not yet off the wire (or dropped), by queue. */
  private readonly bytesBy: number[];
  private used = 0;
  readonly framesHeld: number[];
  private readonly parts: number[];
  readonly perClass: boolean;

  constructor(
    readonly params: { readonly bufferBytes: number; readonly bufferPartition: "per-class" | "shared"; readonly sharedThreshold: number },
    queues: number,
  ) {
    this.bytesBy = new Array<number>(queues).fill(0);
    this.framesHeld = new Array<number>(queues).fill(0);
    this.perClass = params.bufferPartition === "per-class";
    // Shared, the parts are registers no frame waits on: a pool larger than eight whole fields shows each part at the field's largest.
    const equal = Math.min(equalPartBytes(params.bufferBytes, queues), this.perClass ? Infinity : LARGEST_PART);
    this.parts = new Array<number>(queues).fill(equal);
  }

  /** Why the sizes cannot work (a frame that could never fit would wait forever), or null. */
  sizeProblem(maxFrameBytes: number, maxFrameBytesPath: string): string | null {
    const queues = this.parts.length;
    const equal = this.parts[0]!;
    // Per class, TXPBSIZE holds a part in a 10-bit field of KB: a larger one would be read back cut, and the driver's split of the buffer with it.
    if (this.perClass && equal > LARGEST_PART) {
      return `${queues === 1 ? "the queue's part" : `each of the ${queues} queues' parts`} (${equal} bytes) must fit TXPBSIZE's ${R.TXPBSIZE_FIELDS.SIZE.width}-bit field of KB (at most ${LARGEST_PART} bytes): the buffer can be at most ${LARGEST_PART * queues} bytes with ${queues} queue${queues === 1 ? "" : "s"} per class (shared, it can be larger)`;
    }
    if ((this.perClass ? equal : this.params.bufferBytes) >= maxFrameBytes) return null;
    const place = this.perClass ? `each of the ${queues} queues' parts (${equal} bytes in whole KB)` : "the buffer";
    return `${place} must hold the longest frame (${maxFrameBytesPath} = ${maxFrameBytes})`;
  }

  get bytesUsed(): number {
    return this.used;
  }

  /** TXPBSIZE of a queue, bytes. */
  partOf(queue: number): number {
    return this.parts[queue]!;
  }

  setPart(queue: number, bytes: number): void {
    this.parts[queue] = bytes;
  }

  /** Whether a frame of the queue fits: in its part (per class), or in the whole buffer (shared). */
  fits(queue: number, bytes: number): boolean {
    return this.perClass ? this.bytesBy[queue]! + bytes <= this.parts[queue]! : this.used + bytes <= this.params.bufferBytes;
  }

  /**
   * Whether room of the queue's own holds its frame back, which no other queue's wait should: per
   * class, its part lacks the room; shared, its frames read and waiting (not those still being
   * read, `reading` bytes) hold `sharedThreshold` times the room still free, or more (the dynamic
   * threshold of shared-buffer switches, Choudhury and Hahne), and two longest frames. Without
   * that a class the wire serves less filled the pool with frames waiting for it, and every frame
   * start waited for room behind them: weights 70/30 gave 0.45/0.55 with ESP, 64-byte frames
   * against 9000-byte ones. Without the two frames a class of jumbo frames in a small pool held one
   * at a time and lost its turns (30/70 gave 0.61/0.39 in 24 KB); counting its reads, a class alone
   * behind long read latencies had too little of the pool in flight (0.64 of the line in 64 KB).
   */
  ownRoomShort(queue: number, bytes: number, longestFrame: number, reading: number): boolean {
    if (this.perClass) return !this.fits(queue, bytes);
    return overDynamicThreshold(this.bytesBy[queue]! - reading, this.params.bufferBytes - this.used, this.params.sharedThreshold, longestFrame);
  }

  /** A frame starts: it is held from here, with `bytes` of room (none for a frame refused before its read). */
  hold(queue: number, bytes: number): void {
    this.framesHeld[queue]!++;
    this.bytesBy[queue]! += bytes;
    this.used += bytes;
  }

  /** A frame has left (on the wire, or dropped): its room is free. */
  free(queue: number, bytes: number): void {
    this.framesHeld[queue]!--;
    this.bytesBy[queue]! -= bytes;
    this.used -= bytes;
  }
}
