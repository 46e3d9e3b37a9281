import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { internetChecksum } from "../../sim/packet/checksum.js";
import { frameSequence, sequencedFrame } from "../../sim/packet/test-frames.js";
import { UDP_FRAME_OVERHEAD } from "../../sim/packet/udp-frame.js";
import { uninitialised, zeroed } from "../../sim/bytes.js";

/** RFC 1071's definition as it reads: the one's complement sum of 16-bit big-endian words (an odd last byte padded with zero), folded and complemented. */
function rfc1071(bytes: Uint8Array, start: number, end: number, initial: number): number {
  let sum = initial;
  for (let index = start; index < end; index += 2) {
    sum += (bytes[index]! << 8) | (index + 1 < end ? bytes[index + 1]! : 0);
    sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

describe("the Internet checksum", () => {
  test("agrees with RFC 1071's word-by-word sum on any range of any view, odd starts and lengths, and large initial sums", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.nat({ max: 7 }),
        fc.nat({ max: 3000 }),
        fc.nat({ max: 3000 }),
        fc.oneof(fc.nat({ max: 0xffff }), fc.nat({ max: 2 ** 40 })),
        (data, viewOffset, from, to, initial) => {
          // A view that starts at any byte of its buffer, as pooled frames and subarrays do.
          const buffer = new Uint8Array(data.length + viewOffset);
          buffer.set(data, viewOffset);
          const view = buffer.subarray(viewOffset);
          const start = Math.min(from, to, view.length);
          const end = Math.min(Math.max(from, to), view.length);
          expect(internetChecksum(view, start, end, initial)).toBe(rfc1071(view, start, end, initial));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("an all-ones datagram of 64 KB, whose 32-bit sum passes 2^32, folds as RFC 1071's does", () => {
    const bytes = new Uint8Array(65536).fill(0xff);
    expect(internetChecksum(bytes, 0, bytes.length, 0xffff)).toBe(rfc1071(bytes, 0, bytes.length, 0xffff));
    expect(internetChecksum(bytes, 1, bytes.length - 3)).toBe(rfc1071(bytes, 1, bytes.length - 3, 0));
  });
});

describe("a sequenced frame's payload", () => {
  test("after its tag and sequence number, byte i of the payload is (i × 31 + sequence × 7 + tag) mod 256, at every length up to the largest", () => {
    for (const frameLength of [UDP_FRAME_OVERHEAD, UDP_FRAME_OVERHEAD + 4, UDP_FRAME_OVERHEAD + 5, 60, 61, 300, 1514, 9014, 0xffff + 14]) {
      for (const [tag, sequence, tagBytes] of [[0, 0, 1], [3, 1, 1], [7, 255, 1], [5, 2 ** 32 - 1, 4], [70_000, 12_345, 4]] as const) {
        const frame = sequencedFrame("to-host", tag, sequence, frameLength, { tagBytes, dscpClass: tag % 8, destinationPort: 50_000 });
        const payload = frame.subarray(UDP_FRAME_OVERHEAD);
        const stamp = tagBytes + 4;
        if (payload.length >= stamp) expect(frameSequence(frame, 14, tagBytes)).toEqual({ trafficClass: tag, sequence });
        const offset = (sequence * 7 + tag) & 0xff;
        let wrong = -1;
        for (let index = stamp; index < payload.length && wrong < 0; index++) if (payload[index] !== ((index * 31 + offset) & 0xff)) wrong = index;
        expect(wrong, `frame of ${frameLength} bytes, tag ${tag}, sequence ${sequence}`).toBe(-1);
        // Too short for the stamp, the payload stays zeros.
        if (payload.length < stamp) expect([...payload].every((byte) => byte === 0)).toBe(true);
      }
    }
  });
});

describe("pooled buffers", () => {
  test("a zeroed buffer holds zeros after every byte of the pool handed out before it was written: no byte is handed out twice", () => {
    for (let round = 0; round < 200; round++) {
      // Several slabs' worth, of every size up to the largest carved and past it.
      uninitialised(1 + ((round * 977) % 5000)).fill(0xff);
      const bytes = zeroed(1 + ((round * 613) % 5000));
      expect(bytes.every((byte) => byte === 0), `round ${round}, ${bytes.length} bytes`).toBe(true);
      bytes.fill(0xee);
    }
  });
});
