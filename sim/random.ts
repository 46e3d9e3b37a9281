/**
 * Deterministic pseudo-random streams (sfc32). Each component derives its own stream from the
 * scenario seed and its hierarchical name, so adding a component never shifts another's numbers.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // Discard the first outputs, as sfc32's authors advise, to mix a weak seed.
    for (let index = 0; index < 15; index++) this.nextUint32();
  }

  static derive(seed: number, name: string): Random {
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    return new Random(mix(low ^ 0x9e3779b9), mix(high ^ fnv1a(name, 0x811c9dc5)), mix(fnv1a(name, 0x01000193) ^ low), mix(high + 0x6d2b79f5));
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return (this.nextUint32() * 2 ** 21 + (this.nextUint32() >>> 11)) / 2 ** 53;
  }

  /** Uniform integer in [low, high] (inclusive), without modulo bias. */
  integer(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high < low) throw new RangeError(`integer(${low}, ${high}): need integers with low <= high`);
    return low + Math.floor(this.float() * (high - low + 1));
  }

  bernoulli(probability: number): boolean {
    return this.float() < probability;
  }

  /** Exponentially distributed value with the given mean (for inter-arrival times). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick(): no items");
    return items[this.integer(0, items.length - 1)]!;
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = items.slice();
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.integer(0, index);
      [copy[index], copy[other]] = [copy[other]!, copy[index]!];
    }
    return copy;
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index++) bytes[index] = this.nextUint32() & 0xff;
    return bytes;
  }
}

function fnv1a(text: string, basis: number): number {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** splitmix32-style finaliser: spreads every input bit over the output. */
function mix(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
