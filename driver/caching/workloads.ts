import { Random } from "../../sim/random.js";
import type { SaAccess } from "./trace.js";

/** Common shape of a generated SA-access workload. */
export interface WorkloadShape {
  readonly sas: number;
  readonly packets: number;
  /** Mean time between packets, ps (exponential). */
  readonly meanGap: number;
  readonly bytes: number;
  readonly seed: number;
}

function generate(shape: WorkloadShape, name: string, pick: (random: Random, index: number) => number): SaAccess[] {
  const random = Random.derive(shape.seed, name);
  const trace: SaAccess[] = [];
  let time = 0;
  for (let index = 0; index < shape.packets; index++) {
    time += Math.max(1, Math.round(random.exponential(shape.meanGap)));
    trace.push({ sa: pick(random, index), time, bytes: shape.bytes, direction: "tx" });
  }
  return trace;
}

/** A Zipf sampler over ranks 0..n-1 with P(k) ∝ 1/(k+1)^exponent. */
export function zipfSampler(n: number, exponent: number): (random: Random) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) cumulative[rank] = total += 1 / (rank + 1) ** exponent;
  return (random) => {
    const target = random.float() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** Popularity that follows Zipf's law with the given exponent (0.8: flat-ish, 1.1: skewed). */
export function zipfWorkload(shape: WorkloadShape, exponent: number): SaAccess[] {
  const sample = zipfSampler(shape.sas, exponent);
  // Spread popularity over SA numbers, so that rank and SA id are not the same.
  const permutation = Random.derive(shape.seed, "zipf-permutation").shuffled([...Array(shape.sas).keys()]);
  return generate(shape, `zipf-${exponent}`, (random) => permutation[sample(random)]!);
}

/** A working set of `size` SAs, uniform within it, moving to the next SAs every `shiftEvery` packets. */
export function shiftingWorkload(shape: WorkloadShape, size: number, shiftEvery: number): SaAccess[] {
  return generate(shape, "shifting", (random, index) => (Math.floor(index / shiftEvery) * Math.ceil(size / 2) + random.integer(0, size - 1)) % shape.sas);
}

/**
 * A hot set with Zipf popularity, interrupted every `scanEvery` packets by a sequential scan of
 * `scanLength` cold SAs (each touched once): the pattern that flushes a recency cache.
 */
export function scanWorkload(shape: WorkloadShape, hot: number, scanEvery: number, scanLength: number): SaAccess[] {
  const sample = zipfSampler(hot, 1);
  let cold = 0;
  return generate(shape, "scan", (random, index) => {
    if (index % scanEvery < scanLength) return hot + (cold++ % (shape.sas - hot));
    return sample(random);
  });
}

/** SAs take turns in bursts of `burst` packets, chosen by Zipf popularity. */
export function burstWorkload(shape: WorkloadShape, burst: number, exponent: number): SaAccess[] {
  const sample = zipfSampler(shape.sas, exponent);
  let current = 0;
  return generate(shape, "bursts", (random, index) => {
    if (index % burst === 0) current = sample(random);
    return current;
  });
}
