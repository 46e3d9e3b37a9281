/**
 * The receiver's anti-replay window (RFC 4303 3.4.3), as a ring of 32-bit blocks (RFC 6479) so
 * that advancing clears whole blocks instead of shifting. Sequence numbers are 64-bit, held as
 * high and low 32-bit halves; without ESN the high half stays 0. `check` comes before decryption,
 * `accept` only after the ICV verified.
 */
/** Why a window size cannot be one (null: it can): the window is kept as 32-bit blocks (RFC 6479). For a parameter's check. */
export function wholeReplayBlocks(packets: number): string | null {
  return packets % 32 === 0 ? null : "a multiple of 32 (the window is kept in 32-bit blocks, RFC 6479)";
}

export class ReplayWindow {
  private readonly bitmap: Uint32Array;
  private readonly mask: number;
  private topHigh = 0;
  private topLow = 0;
  /** Whether any packet was accepted yet (sequence numbers start at 1). */
  private started = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 32 || size % 32 !== 0 || size > 65536) {
      throw new RangeError(`replay window of ${size}: expected a multiple of 32 from 32 to 65536`);
    }
    let words = 1;
    while (words < size / 32 + 1) words *= 2;
    this.bitmap = new Uint32Array(words);
    this.mask = words - 1;
  }

  get highest(): { high: number; low: number } {
    return { high: this.topHigh, low: this.topLow };
  }

  /** Whether the sequence number is new: above the window's top, or inside it and not yet seen. */
  check(high: number, low: number): boolean {
    if (high === 0 && low === 0) return false;
    const behind = distance(this.topHigh, this.topLow, high, low);
    if (behind < 0 || !this.started) return true;
    if (behind >= this.size) return false;
    return (this.bitmap[(low >>> 5) & this.mask]! & (1 << (low & 31))) === 0;
  }

  /** Record a sequence number whose packet verified; advances the window when it is the new top. */
  accept(high: number, low: number): void {
    const ahead = -distance(this.topHigh, this.topLow, high, low);
    if (ahead > 0 || !this.started) {
      const blocks = this.started ? Math.floor((high * 2 ** 32 + low) / 32) - Math.floor((this.topHigh * 2 ** 32 + this.topLow) / 32) : this.bitmap.length;
      if (blocks >= this.bitmap.length || !Number.isSafeInteger(blocks)) this.bitmap.fill(0);
      else for (let block = 1; block <= blocks; block++) this.bitmap[((this.topLow >>> 5) + block) & this.mask] = 0;
      this.topHigh = high;
      this.topLow = low;
      this.started = true;
    }
    this.bitmap[(low >>> 5) & this.mask] = (this.bitmap[(low >>> 5) & this.mask]! | (1 << (low & 31))) >>> 0;
  }
}

/** top - sequence, exact while the halves differ by little (which is all a window compares). */
function distance(topHigh: number, topLow: number, high: number, low: number): number {
  return (topHigh - high) * 2 ** 32 + (topLow - low);
}

/**
 * The high half of a received ESN sequence number from its low half and the window (RFC 4303,
 * Appendix A2.2); null when it would lie below the first subspace.
 */
export function inferHighHalf(window: ReplayWindow, low: number): number | null {
  const { high: topHigh, low: topLow } = window.highest;
  const bottom = topLow - window.size + 1;
  if (bottom >= 0) return low >= bottom ? topHigh : topHigh + 1;
  // The window spans the top of the previous subspace and the start of this one.
  if (low >= bottom + 2 ** 32) return topHigh === 0 ? null : topHigh - 1;
  return topHigh;
}
