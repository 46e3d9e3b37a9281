import { Fifo, itsEdge } from "../../sim/fifo.js";
import { overDynamicThreshold } from "../shared-buffer-threshold.js";

/** A frame's room freed on the RX engine's edge at `edge`, told before it (RxWriteBackLandings). */
interface FreedOn {
  readonly edge: number;
  readonly queue: number;
  readonly bytes: number;
}

/**
 * The RX packet buffer, holding frames until their ring has descriptors and their DMA writes are
 * done: one pool for every queue (drop-tail, or each queue held to its dynamic threshold), or
 * split equally among the queues (RXPBSIZE in DCB mode).
 */
export class RxPacketBuffer {
  private used = 0;
  /** Bytes each queue holds, against its part when the buffer is split per class. */
  private readonly usedByQueue: number[];
  /** Room freed on edges not yet reached, in edge order. */
  private readonly freedLater = new Fifo<FreedOn>();

  constructor(
    private readonly params: { readonly bufferBytes: number; readonly bufferPartition: "shared" | "per-class"; readonly sharedThreshold: number },
    queues: number,
    private readonly longestFrame: number,
  ) {
    this.usedByQueue = new Array<number>(queues).fill(0);
  }

  get bytesUsed(): number {
    return this.used;
  }

  /** A queue's part of the buffer when it is split per class. */
  get partBytes(): number {
    return Math.floor(this.params.bufferBytes / this.usedByQueue.length);
  }

  /** Why the sizes cannot work (a frame longer than its part, or than the whole buffer shared, is taken and dropped with the buffer empty), or null; as the TX buffer's. */
  sizeProblem(maxFrameBytesPath: string): string | null {
    if (this.params.bufferPartition === "per-class" && this.partBytes < this.longestFrame) {
      return `split per class, each of the ${this.usedByQueue.length} queues' parts (${this.partBytes} bytes) must hold the longest frame (${maxFrameBytesPath} = ${this.longestFrame})`;
    }
    // Shared, a frame longer than the whole buffer was taken and dropped as RX_BUFFER_FULL with the buffer empty (from a driver developer's check).
    if (this.params.bufferPartition === "shared" && this.params.bufferBytes < this.longestFrame) return `shared, the buffer (${this.params.bufferBytes} bytes) must hold the longest frame (${maxFrameBytesPath} = ${this.longestFrame})`;
    return null;
  }

  /** Whether a frame of `bytes` arriving for the queue finds no room (RX_BUFFER_FULL): the pool full, or the queue at its threshold; per class, its own part full. */
  full(queue: number, bytes: number): boolean {
    if (this.params.bufferPartition === "per-class") return this.usedByQueue[queue]! + bytes > this.partBytes;
    return this.used + bytes > this.params.bufferBytes || overDynamicThreshold(this.usedByQueue[queue]!, this.params.bufferBytes - this.used, this.params.sharedThreshold, this.longestFrame);
  }

  hold(queue: number, bytes: number): void {
    this.used += bytes;
    this.usedByQueue[queue]! += bytes;
  }

  free(queue: number, bytes: number): void {
    this.used -= bytes;
    this.usedByQueue[queue]! -= bytes;
  }

  /** Room freed on the engine's edge at `edge`: freeThrough frees it once that edge is reached. Told in edge order. */
  freeOn(edge: number, queue: number, bytes: number): void {
    this.freedLater.push({ edge, queue, bytes });
  }

  /** Free the room told freed on edges through `edge`; returns whether there was any. */
  freeThrough(edge: number): boolean {
    return this.freedLater.length !== 0 && this.freedLater.takeThrough(edge, itsEdge, this.freeFrame) > 0;
  }

  private readonly freeFrame = (frame: FreedOn): void => this.free(frame.queue, frame.bytes);
}
