/** Link parameters a posted write's timing follows from. */
export interface WriteLinkTiming {
  readonly period: number;
  readonly maxPayload: number;
  readonly bytesPerCycle: number;
}

export interface PostedWrite {
  /** Edge on which its last piece starts crossing (the edge a per-cycle engine schedules its landing on). */
  readonly lastPieceEdge: number;
  /** Time its last piece has crossed the link. */
  readonly crossed: number;
}

/**
 * The upstream link as posted writes use it, in closed form: writes cross in the order they were
 * taken, split into pieces of at most maxPayload bytes; a piece starts on the edge the piece
 * before it has crossed (⌈bytes/bytesPerCycle⌉ cycles, at least one, so one piece starts per edge).
 */
export class PostedWriteLink {
  /** When the last piece booked so far has crossed. */
  private free = 0;

  constructor(private readonly timing: WriteLinkTiming) {}

  /** Book the link for a write of `length` bytes (at least one: an empty access is unmapped) taken on the edge at `taken`. */
  book(length: number, taken: number): PostedWrite {
    if (!Number.isSafeInteger(length) || length < 1) throw new RangeError(`posted write of ${length} bytes: a write taken has at least one byte`);
    const first = Math.max(taken, this.free);
    const lastPieceEdge = first + this.lastPieceStart(length);
    const crossed = this.freeAfter(this.free, length, taken);
    this.free = crossed;
    return { lastPieceEdge, crossed };
  }

  /** When a write of `length` bytes taken on the edge at `taken` would have crossed, the link free from `free`: what booking it would make of freeAt. */
  freeAfter(free: number, length: number, taken: number): number {
    return Math.max(taken, free) + this.crossing(length);
  }

  /** When the writes booked so far have crossed (0 before any). */
  get freeAt(): number {
    return this.free;
  }

  /** Picoseconds a write of `length` bytes takes to cross the link, from its first piece's start to its last piece's end. */
  crossing(length: number): number {
    const { period, maxPayload, bytesPerCycle } = this.timing;
    const pieces = Math.ceil(length / maxPayload);
    return this.lastPieceStart(length) + Math.ceil((length - (pieces - 1) * maxPayload) / bytesPerCycle) * period;
  }

  /** Picoseconds from a write's first piece's start to its last piece's. */
  private lastPieceStart(length: number): number {
    const { period, maxPayload, bytesPerCycle } = this.timing;
    return (Math.ceil(length / maxPayload) - 1) * Math.ceil(maxPayload / bytesPerCycle) * period;
  }
}
