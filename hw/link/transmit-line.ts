import { Fifo } from "../../sim/fifo.js";

/**
 * What the MAC's transmit signals show at an edge, from the frames it sends: a frame counts as on
 * the line from the edge that starts it until the line frees after it (its gap included), and as
 * sent from the edge at or after its last bit leaves. Folded forward to an edge on demand, so that
 * the MAC need not run only to draw them when nothing watches.
 */
export class TransmitLine {
  /** Frames by the edge that started them, in order, not yet folded. */
  private readonly starts = new Fifo<{ readonly edge: number; readonly lineFreeAt: number; readonly length: number }>();
  /** Frames' last bits leaving, in order, not yet folded. */
  private readonly ends = new Fifo<number>();
  /** The last frame started by the edge folded through. */
  private lineFreeAt = 0;
  private length = 0;
  /** Frames sent by the edge folded through. */
  frames = 0;
  private foldedThrough = -Infinity;
  /** Whether the frame last folded is on the line at the edge folded through. */
  busy = false;

  /** A frame started on the edge at `edge`, the line free again at `lineFreeAt`. */
  started(edge: number, lineFreeAt: number, length: number): void {
    this.starts.push({ edge, lineFreeAt, length });
  }

  /** A frame's last bit has left (now, not before any given earlier). */
  ended(time: number): void {
    this.ends.push(time);
  }

  /** Fold what the edge at `edge` sees (edges only move forward). */
  foldThrough(edge: number): void {
    if (edge <= this.foldedThrough) return;
    this.foldedThrough = edge;
    for (let start = this.starts.at(0); start !== undefined && start.edge <= edge; start = this.starts.at(0)) {
      this.starts.shift();
      this.lineFreeAt = start.lineFreeAt;
      this.length = start.length;
    }
    for (let end = this.ends.at(0); end !== undefined && end <= edge; end = this.ends.at(0)) {
      this.ends.shift();
      this.frames++;
    }
    this.busy = edge < this.lineFreeAt;
  }

  get frameLength(): number {
    return this.busy ? this.length : 0;
  }
}
