import { Fifo } from "../../sim/fifo.js";

/**
 * What the MAC's receive signals show at an edge, from the frames coming in: a frame counts as on
 * the line from the edge that sees its first bit, and as received (or an error) from the edge at or
 * after its last bit. Folded forward to an edge on demand, so that the MAC need not run on every
 * frame's edges to draw them when nothing watches: two of the eight timesteps of a 60-byte frame
 * received.
 */
export class ReceiveLine {
  /** Frames by the time an edge first sees them, in order, not yet folded. */
  private readonly arrivals = new Fifo<{ readonly seenFrom: number; readonly length: number }>();
  /** Frames' last bits in, in order, not yet folded: whether each was taken or an error. */
  private readonly ends = new Fifo<{ readonly time: number; readonly good: boolean }>();
  private started = 0;
  private finished = 0;
  private lastLength = 0;
  /** Frames received, and errors, by the edge folded through. */
  frames = 0;
  errors = 0;
  /** The edge folded through (none before the first, at a time after 0). */
  private folded = 0;

  coming(seenFrom: number, length: number): void {
    this.arrivals.push({ seenFrom, length });
  }

  /** A frame's last bit is in (now, not before any given earlier). */
  ended(time: number, good: boolean): void {
    this.ends.push({ time, good });
  }

  /** The first time an edge sees a frame not yet folded, or Infinity. */
  get nextSeen(): number {
    return this.arrivals.at(0)?.seenFrom ?? Infinity;
  }

  /** The first bits and last bits kept (none an edge has seen yet): the times a watched MAC draws them from, on the first edge at or after each. */
  get undrawn(): number[] {
    const times: number[] = [];
    for (let index = 0; index < this.arrivals.length; index++) times.push(this.arrivals.at(index)!.seenFrom);
    for (let index = 0; index < this.ends.length; index++) times.push(this.ends.at(index)!.time);
    return times;
  }

  /** The edge the line is folded through: what the MAC's receive signals show, once drawn. */
  get foldedThrough(): number {
    return this.folded;
  }

  /** Fold what the edge at `edge` sees (edges only move forward). */
  foldThrough(edge: number): void {
    if (edge <= this.folded) return;
    this.folded = edge;
    for (let arrival = this.arrivals.at(0); arrival !== undefined && arrival.seenFrom <= edge; arrival = this.arrivals.at(0)) {
      this.arrivals.shift();
      this.started++;
      this.lastLength = arrival.length;
    }
    for (let end = this.ends.at(0); end !== undefined && end.time <= edge; end = this.ends.at(0)) {
      this.ends.shift();
      this.finished++;
      if (end.good) this.frames++;
      else this.errors++;
    }
  }

  get busy(): boolean {
    return this.started > this.finished;
  }

  get frameLength(): number {
    return this.busy ? this.lastLength : 0;
  }
}
