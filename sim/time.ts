/** Simulated time: integer picoseconds, the one time base of the whole model. */
export type Picoseconds = number & { readonly __unit: "ps" };

/**
 * Whether a time in picoseconds, worked out from another unit, is a whole number: within a few units
 * in the last place of the product, whatever its size (a fixed 1e-6 ps refused 33170.95 µs, whose
 * product is 33170949999.999996: an outside check).
 */
export function wholeWithinRounding(picoseconds: number): boolean {
  return Math.abs(picoseconds - Math.round(picoseconds)) <= Math.max(1e-6, Math.abs(picoseconds) * 8 * Number.EPSILON);
}

function whole(value: number, unit: string, scale: number): Picoseconds {
  const picoseconds = value * scale;
  const rounded = Math.round(picoseconds);
  if (!Number.isFinite(value) || !wholeWithinRounding(picoseconds) || rounded < 0) {
    throw new RangeError(`${value} ${unit} is not a whole, non-negative number of picoseconds`);
  }
  if (!Number.isSafeInteger(rounded)) throw new RangeError(`${value} ${unit} is beyond the representable time range`);
  return rounded as Picoseconds;
}

/** The last time the kernel holds exactly (2^53 - 1 ps, about 2.5 hours): anything due later never comes. */
export const LAST_TIME = Number.MAX_SAFE_INTEGER;

export const ps = (value: number): Picoseconds => whole(value, "ps", 1);
export const ns = (value: number): Picoseconds => whole(value, "ns", 1e3);
export const us = (value: number): Picoseconds => whole(value, "us", 1e6);
export const ms = (value: number): Picoseconds => whole(value, "ms", 1e9);

/** Period of a clock given in megahertz, rejecting frequencies whose period is not whole picoseconds. */
export function periodOfMegahertz(megahertz: number): Picoseconds {
  const period = 1e6 / megahertz;
  if (!(megahertz > 0) || Math.abs(period - Math.round(period)) > 1e-9) {
    throw new RangeError(`${megahertz} MHz has a period of ${period} ps, which is not a whole number of picoseconds`);
  }
  return Math.round(period) as Picoseconds;
}

/** A time in nanoseconds, to the picosecond: one unit for a list of times read side by side (a device's errors). */
export function formatNanoseconds(time: number): string {
  return `${Number((time / 1000).toFixed(3))} ns`;
}

/** Human-readable time for messages: the largest unit that keeps the value exact. */
export function formatTime(time: number): string {
  if (time === 0) return "0 ps";
  for (const [unit, scale] of [["ms", 1e9], ["µs", 1e6], ["ns", 1e3]] as const) {
    if (time % scale === 0) return `${time / scale} ${unit}`;
  }
  return `${time} ps`;
}
