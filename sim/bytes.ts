/**
 * Byte buffers for hot paths. A fresh Uint8Array of more than a few dozen bytes gets its own
 * off-heap backing store, which costs about 2 µs in Node (GC accounting included); Node's own
 * Buffer pool refills its 8 KB slab every few frames, about 0.5 µs per 1.5 KB buffer. So buffers
 * up to 4 KB (as Node's pool) are carved from a 32 KB slab of our own, 8-byte aligned as Node's.
 * A buffer kept for long keeps its slab: what holds one for an object's life takes a slice() of it.
 * `uninitialised` is for buffers the caller fills completely; views of it must use its byteOffset.
 * No byte of a slab is handed out twice, so every buffer starts as the zeros a new ArrayBuffer
 * holds: `zeroed` relies on it rather than filling each (a 1400-byte frame's fill was 0.8 µs of
 * the default scenario's 135 µs a frame).
 */
const SLAB_BYTES = 32 * 1024;
const LARGEST_CARVED = 4 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

export function uninitialised(length: number): Uint8Array {
  if (length > LARGEST_CARVED) return new Uint8Array(length);
  if (slabUsed + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = new Uint8Array(slab, slabUsed, length);
  slabUsed = (slabUsed + length + 7) & ~7;
  return bytes;
}

/** A pooled copy of the bytes (slice() makes a backing store of its own). */
export function copyOf(bytes: Uint8Array): Uint8Array {
  const copied = uninitialised(bytes.length);
  copied.set(bytes);
  return copied;
}

/** A pooled buffer of zeros: carved from a slab where no byte was handed out before (see above). */
export function zeroed(length: number): Uint8Array {
  return uninitialised(length);
}

/** A DataView over exactly these bytes (pooled buffers share their ArrayBuffer). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Big-endian 32-bit write and read, without a DataView. */
export function write32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

export function read32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** Compare two byte arrays, naming the first difference (null: equal). */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  const index = firstDifferingByte(actual, expected);
  return index < 0 ? null : `byte ${index}: ${actual[index]}, expected ${expected[index]}`;
}

/** The index of the first byte at which two arrays differ over the length they share, or -1. */
export function firstDifferingByte(one: Uint8Array, other: Uint8Array): number {
  const length = Math.min(one.length, other.length);
  // Equal arrays, the scoreboard's every delivered packet, are told by one native compare: 0.15 µs for 1400 bytes, where this loop took 1.1.
  if (bufferOver(one, length).equals(bufferOver(other, length))) return -1;
  for (let index = 0; index < length; index++) if (one[index] !== other[index]) return index;
  return -1;
}

/** A Buffer over the first `length` of the same bytes (no copy). */
function bufferOver(bytes: Uint8Array, length: number): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, length);
}

/** Parts joined into one array, in order. */
export function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const joined = uninitialised(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Whether two byte arrays are equal, compared in time independent of where the first difference is (ICVs, hashes, keys). */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}
