/**
 * Byte buffers for hot paths. A fresh Uint8Array gets its own off-heap backing store, which costs
 * microseconds in Node; small Buffers come from a shared pool. `uninitialised` is for buffers the
 * caller fills completely; views of it must use its byteOffset.
 */
export function uninitialised(length: number): Uint8Array {
  const pooled = Buffer.allocUnsafe(length);
  // A plain Uint8Array view of the pooled bytes, so that slice() copies as it does for any Uint8Array (Buffer's does not).
  return new Uint8Array(pooled.buffer, pooled.byteOffset, length);
}

/** A pooled buffer of zeros. */
export function zeroed(length: number): Uint8Array {
  return uninitialised(length).fill(0);
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
  for (let index = 0; index < actual.length; index++) if (actual[index] !== expected[index]) return `byte ${index}: ${actual[index]}, expected ${expected[index]}`;
  return null;
}

/** Parts joined into one array, in order. */
export function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
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
