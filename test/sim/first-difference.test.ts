import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { firstDifference, uninitialised } from "../../sim/bytes.js";

/** The answer of a plain byte-by-byte comparison: what firstDifference gave before its native fast path. */
function byteByByte(actual: Uint8Array, expected: Uint8Array): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let index = 0; index < actual.length; index++) if (actual[index] !== expected[index]) return `byte ${index}: ${actual[index]}, expected ${expected[index]}`;
  return null;
}

/** The bytes at an offset inside a shared buffer, as the scoreboard's packets are (pooled slabs, subarrays). */
function placed(bytes: Uint8Array, offset: number): Uint8Array {
  const buffer = new Uint8Array(offset + bytes.length + 7).fill(0xa5);
  buffer.set(bytes, offset);
  return buffer.subarray(offset, offset + bytes.length);
}

describe("firstDifference", () => {
  test("names the first differing byte, or null, as a byte-by-byte comparison does, for arrays at any offset in their buffers", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1600 }), fc.nat(), fc.nat(255), fc.nat(15), fc.nat(15), fc.boolean(), (bytes, where, value, actualOffset, expectedOffset, change) => {
        const actual = placed(bytes, actualOffset);
        const expected = placed(bytes, expectedOffset);
        if (change && bytes.length > 0) actual[where % bytes.length] = value;
        expect(firstDifference(actual, expected)).toBe(byteByByte(actual, expected));
      }),
      { seed: 20261204, numRuns: 500 },
    );
  });

  test("a difference in the last byte, in bytes outside the views, and in length", () => {
    const expected = uninitialised(1400).fill(7);
    const actual = placed(expected, 3);
    expect(firstDifference(actual, expected)).toBeNull();
    actual[1399] = 8;
    expect(firstDifference(actual, expected)).toBe("byte 1399: 8, expected 7");
    // Bytes next to the views in their buffers are not compared.
    const left = placed(expected, 5);
    new Uint8Array(left.buffer)[left.byteOffset + left.length] = 0;
    expect(firstDifference(left, expected)).toBeNull();
    expect(firstDifference(expected.subarray(0, 1399), expected)).toBe("length 1399, expected 1400");
  });
});
