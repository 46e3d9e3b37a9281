import type { DmaEngine } from "../../hw/dma/engine.js";

export interface ByteRange {
  readonly address: number;
  readonly length: number;
}

/**
 * The host memory the device has written since it was last asked, as ranges in address order,
 * overlapping and adjacent ones joined: what a client keeping its own copy must be sent.
 */
export class DmaWrites {
  private ranges: ByteRange[] = [];

  constructor(dma: DmaEngine) {
    dma.landed.push((address, length) => this.ranges.push({ address, length }));
  }

  take(): ByteRange[] {
    if (this.ranges.length === 0) return [];
    const sorted = this.ranges.sort((a, b) => a.address - b.address);
    this.ranges = [];
    const joined: { address: number; end: number }[] = [];
    for (const { address, length } of sorted) {
      const last = joined[joined.length - 1];
      if (last && address <= last.end) last.end = Math.max(last.end, address + length);
      else joined.push({ address, end: address + length });
    }
    return joined.map(({ address, end }) => ({ address, length: end - address }));
  }
}
