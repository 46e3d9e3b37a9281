/**
 * GHASH (NIST SP 800-38D) with Shoup's 4-bit tables, on four 32-bit words, with its accumulator
 * in the open: the block-granular GCM engine saves and restores it between blocks.
 */

/** Reduction constants for the four bits shifted out of the low end (the top 16 bits of the result). */
const LAST4 = [0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0, 0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0];

export class GhashKey {
  /** Multiples of H for every 4-bit value, as words 0 (most significant) to 3. */
  private readonly table: Uint32Array[] = [new Uint32Array(16), new Uint32Array(16), new Uint32Array(16), new Uint32Array(16)];

  constructor(h: Uint8Array) {
    const view = new DataView(h.buffer, h.byteOffset, 16);
    let v0 = view.getUint32(0);
    let v1 = view.getUint32(4);
    let v2 = view.getUint32(8);
    let v3 = view.getUint32(12);
    const [t0, t1, t2, t3] = this.table;
    t0![8] = v0;
    t1![8] = v1;
    t2![8] = v2;
    t3![8] = v3;
    for (let index = 4; index > 0; index >>= 1) {
      const carry = v3 & 1 ? 0xe1000000 : 0;
      v3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
      v2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
      v1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
      v0 = ((v0 >>> 1) ^ carry) >>> 0;
      t0![index] = v0;
      t1![index] = v1;
      t2![index] = v2;
      t3![index] = v3;
    }
    for (let index = 2; index <= 8; index *= 2) {
      for (let low = 1; low < index; low++) {
        t0![index + low] = t0![index]! ^ t0![low]!;
        t1![index + low] = t1![index]! ^ t1![low]!;
        t2![index + low] = t2![index]! ^ t2![low]!;
        t3![index + low] = t3![index]! ^ t3![low]!;
      }
    }
  }

  /** Y = (Y xor X) · H for one 16-byte block X at `offset` (zero-padded if shorter), in place. */
  absorb(y: Uint32Array, block: Uint8Array, offset: number, length = 16): void {
    const x = new Uint8Array(16);
    x.set(block.subarray(offset, offset + Math.min(16, length)));
    for (let word = 0; word < 4; word++) {
      const value = (x[word * 4]! << 24) | (x[word * 4 + 1]! << 16) | (x[word * 4 + 2]! << 8) | x[word * 4 + 3]!;
      y[word] = (y[word]! ^ value) >>> 0;
    }
    this.multiply(y);
  }

  /** y = y · H. */
  multiply(y: Uint32Array): void {
    const [t0, t1, t2, t3] = this.table as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    const byteAt = (index: number) => (y[index >> 2]! >>> (24 - 8 * (index & 3))) & 0xff;
    let nibble = byteAt(15) & 0xf;
    let z0 = t0[nibble]!;
    let z1 = t1[nibble]!;
    let z2 = t2[nibble]!;
    let z3 = t3[nibble]!;
    for (let index = 15; index >= 0; index--) {
      const byte = byteAt(index);
      for (let half = index === 15 ? 1 : 0; half < 2; half++) {
        nibble = half === 0 ? byte & 0xf : byte >> 4;
        const remainder = z3 & 0xf;
        z3 = ((z3 >>> 4) | (z2 << 28)) >>> 0;
        z2 = ((z2 >>> 4) | (z1 << 28)) >>> 0;
        z1 = ((z1 >>> 4) | (z0 << 28)) >>> 0;
        z0 = ((z0 >>> 4) ^ (LAST4[remainder]! << 16)) >>> 0;
        z0 = (z0 ^ t0[nibble]!) >>> 0;
        z1 = (z1 ^ t1[nibble]!) >>> 0;
        z2 = (z2 ^ t2[nibble]!) >>> 0;
        z3 = (z3 ^ t3[nibble]!) >>> 0;
      }
    }
    y[0] = z0;
    y[1] = z1;
    y[2] = z2;
    y[3] = z3;
  }
}

export function wordsToBytes(words: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  for (let word = 0; word < 4; word++) view.setUint32(word * 4, words[word]!);
  return bytes;
}
