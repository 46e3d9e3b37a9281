import { expect, test } from "vitest";
import { ns, us } from "../../sim/time.js";
import { delay } from "../../sim/process.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import type { TxReservation } from "../../driver/base/driver.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * Software ESP holds no ring room while a core encrypts: the packet is encrypted first, as a host's
 * IPsec layer encrypts before the device's queue, and takes room on its SA's turn. Room taken
 * first left a jumbo frame's 5 descriptors of a ring of 8 idle for the 5 µs of its encryption, and
 * small frames waited behind: gold's p99 to the peer was 71 µs at a ring of 8 and 19 at 12 (from
 * an outside check; 34 µs now). Inline, room comes after the host's share and before the sequence
 * number, and the NIC encrypts in ring order: no core works while it is held either.
 */
test.each([false, true])("from room granted to the frame posted, no core works: four jumbo packets of one SA on two cores over a ring of 8 (offload %s)", (offload) => {
  const run = tunnelledSystem(1, { "top.driver.intermediate.offload": offload, "top.driver.cpu.cores": 2, "top.driver.base.txRingDescriptors": 8 });
  const base = run.top.driver.base;
  const granted = new Map<TxReservation, number>();
  const held: number[] = [];
  const reserve = base.reserve.bind(base);
  const post = base.post.bind(base);
  base.reserve = function* (queue: number, bytes: number) {
    const reservation = yield* reserve(queue, bytes);
    granted.set(reservation, run.kernel.now);
    return reservation;
  };
  base.post = function* (reservation: TxReservation, frame: Uint8Array, options) {
    held.push((run.kernel.now - granted.get(reservation)!) / 1e6);
    return yield* post(reservation, frame, options);
  } as typeof base.post;
  run.kernel.process("sender", function* () {
    yield base.whenReady();
    for (let sequence = 0; sequence < 4; sequence++) run.kernel.process(`send${sequence}`, () => run.top.driver.intermediate.send(sequencedPacket("to-peer", 0, sequence, 9000)));
  });
  run.kernel.run({ until: us(300) });
  expect(run.sequences(run.atPeer).map((packet) => packet.sequence)).toEqual([0, 1, 2, 3]);
  expect(held).toHaveLength(4);
  // A jumbo packet's encryption takes a core about 5 µs.
  expect(Math.max(...held)).toBeLessThan(0.5);
});

// Software packets took room on their turn while inline ones took it first: an SA's inline packets holding a ring's room while they waited for an earlier software packet's turn could leave that one none.
test("one SA's packets going from software to inline as its install lands, jumbo frames over a ring of 8: every one arrives, in order", () => {
  const run = tunnelledSystem(1, { "top.driver.cpu.cores": 2, "top.driver.base.txRingDescriptors": 8 });
  const intermediate = run.top.driver.intermediate;
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    for (let sequence = 0; sequence < 16; sequence++) {
      run.kernel.process(`send${sequence}`, () => intermediate.send(sequencedPacket("to-peer", 0, sequence, 9000)));
      yield delay(ns(500));
    }
  });
  run.kernel.run({ until: us(1000) });
  expect(intermediate.counts.softwareTx).toBeGreaterThan(0);
  expect(intermediate.counts.hardwareTx).toBeGreaterThan(0);
  expect(run.sequences(run.atPeer).map((packet) => packet.sequence)).toEqual(Array.from({ length: 16 }, (_, index) => index));
});
