import { expect, test } from "vitest";
import { overDynamicThreshold } from "../../hw/shared-buffer-threshold.js";

const POOL = 262_144;
const LONGEST = 9_234;

/** What one queue alone comes to hold of a pool when it is held back at `threshold`, a 64-byte frame at a time. */
function aloneHolds(threshold: number): number {
  let held = 0;
  while (held + 64 <= POOL && !overDynamicThreshold(held, POOL - held, threshold, LONGEST)) held += 64;
  return held;
}

test("a queue alone in a shared pool holds threshold / (1 + threshold) of it; drop-tail (0) the whole pool", () => {
  expect(aloneHolds(1) / POOL).toBeCloseTo(1 / 2, 3);
  expect(aloneHolds(3) / POOL).toBeCloseTo(3 / 4, 3);
  expect(aloneHolds(0)).toBe(POOL);
});

test("a queue holding less than two longest frames is never held back, whatever the room", () => {
  expect(overDynamicThreshold(2 * LONGEST - 1, 0, 1, LONGEST)).toBe(false);
  expect(overDynamicThreshold(2 * LONGEST, 0, 1, LONGEST)).toBe(true);
  expect(overDynamicThreshold(2 * LONGEST, 2 * LONGEST, 1, LONGEST)).toBe(true);
  expect(overDynamicThreshold(2 * LONGEST, 2 * LONGEST + 1, 1, LONGEST)).toBe(false);
});
