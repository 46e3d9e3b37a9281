import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { system } from "../support/nic.js";

/** The remote peer (the gateway) under a backlog: the end it gives each frame, the line's order, and what it keeps of waiting frames. */
describe("the remote peer's waiting frames", () => {
  test("100 frames sent at once, then a priority one: each end is its last bit and gap if no priority frame follows, the line keeps to it, and frames deep in the backlog keep bytes of their own", () => {
    const { kernel, top } = system({ "top.wire.propagationNanoseconds": 0 });
    const peer = top.peer;
    peer.keepReceived = false;
    // DSCP class 5 goes ahead of the others waiting (within its 10 % of the line: its bucket starts full).
    peer.prioritise(new Map([[5, 10]]));
    const occupancy = (bytes: Uint8Array) => top.wire.occupancy(bytes.length);
    const sent: { end: number; frame: Uint8Array }[] = [];
    const arrived: { time: number; bytes: Uint8Array }[] = [];
    top.wire.tap((time, frame, from) => {
      if (from === "peer") arrived.push({ time, bytes: frame.bytes });
    });
    kernel.process("gateway", function* () {
      for (let index = 0; index < 100; index++) {
        const frame = sequencedFrame("to-host", 0, index, index % 3 === 0 ? 1400 : 200);
        sent.push({ end: peer.send(frame), frame });
      }
      const urgent = sequencedFrame("to-host", 5, 100, 200);
      sent.push({ end: peer.send(urgent), frame: urgent });
    });
    kernel.run({ until: 1_000_000_000 });
    // The first frame went on the line at once; the others wait in order, and the priority one goes next after it.
    const start = sent[0]!.end - occupancy(sent[0]!.frame);
    let line = start;
    sent.slice(0, 100).forEach(({ end, frame }, index) => {
      line += occupancy(frame);
      expect(end, `frame ${index}`).toBe(line);
    });
    expect(sent[100]!.end).toBe(sent[0]!.end + occupancy(sent[100]!.frame));
    const order = [0, 100, ...Array.from({ length: 99 }, (_, index) => index + 1)];
    expect(arrived.map(({ bytes }) => sent.findIndex(({ frame }) => frame.length === bytes.length && frame.every((byte, position) => byte === bytes[position])))).toEqual(order);
    // The last bit and the gap: what the line's next frame waits for (arrival is the last bit, the gap not included).
    arrived.forEach(({ time, bytes }, position) => {
      const index = order[position]!;
      const gap = occupancy(bytes) - top.wire.duration(bytes.length + 8 + 4);
      if (index !== 100 && position > 1) expect(time + gap, `frame ${index}`).toBe(sent[index]!.end + occupancy(sent[100]!.frame));
    });
    // A frame with 16 frames' worth of line time ahead of it holds bytes of its own, not a slab shared with short-lived buffers.
    for (const { bytes } of arrived.slice(40)) expect(bytes.byteLength).toBe(bytes.buffer.byteLength);
  });
});
