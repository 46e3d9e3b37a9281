import { expect, test } from "vitest";
import { steadyRate } from "../../system/validation/steady-rate.js";

test("a steady rate of evenly spaced events, and of amounts, is exact", () => {
  const times = Array.from({ length: 50 }, (_, index) => 1_000_000 + index * 672);
  expect(steadyRate(times) * 672).toBeCloseTo(1, 12);
  expect(steadyRate(times, times.map(() => 60)) * 672).toBeCloseTo(60, 9);
});

/** Four completions at a time every 100 ps: 0.04 a picosecond. Counted (n − 1) / span from the first burst's first to the last one's last, eleven bursts read 7.5 % over. */
test("events in bursts, the stretch starting early in one and ending late in another, give the bursts' rate, not more", () => {
  const times = Array.from({ length: 44 }, (_, index) => Math.floor(index / 4) * 100);
  const firstToLast = (times.length - 1) / (times[times.length - 1]! - times[0]!);
  expect(firstToLast).toBeGreaterThan(0.04 * 1.07);
  expect(Math.abs(steadyRate(times) / 0.04 - 1)).toBeLessThan(0.001);
  expect(() => steadyRate([5])).toThrow("a steady rate needs two events or more, not 1");
});
