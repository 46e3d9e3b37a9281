import { describe, expect, test } from "vitest";
import { DESCRIPTOR_BYTES, RX_WRITE_BACK_OFFSET, TX, TX_COMMAND_EOP, TX_COMMAND_RS } from "../../hw/spec/descriptors.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { Scoreboard } from "../../system/scenario/scoreboard.js";
import { DropAttribution } from "../../system/scenario/drop-attribution.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { RawQueue } from "../support/raw-queue.js";
import { system } from "../support/nic.js";

/** A NIC with four queues, the base driver on 0 and 1, a scoreboard watching, and a hand-driven TX ring on queue 2. */
function watched(body: (raw: RawQueue, scoreboard: Scoreboard) => Generator<unknown, void, unknown> = function* () {}) {
  const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
  // No scenario traffic: no packet for a drop to be attributed to.
  const scoreboard = new Scoreboard(kernel, top, new DropAttribution(() => undefined, () => ({ stream: 0, sequence: 0 }), () => undefined, new NobleBackend(), () => null));
  kernel.process("traffic", function* () {
    yield top.driver.base.whenReady();
    const raw = new RawQueue(top.driver.base.bus, "tx", 2, 64);
    yield delay(us(1));
    for (let sequence = 0; sequence < 40; sequence++) {
      yield* top.driver.base.transmit(sequence % 2, sequencedFrame("to-peer", sequence % 2, sequence, 100 + sequence * 30));
      if (sequence < 10) top.peer.send(sequencedFrame("to-host", sequence % 2, sequence, 3000));
    }
    yield* body(raw, scoreboard) as Generator<never, void, unknown>;
  });
  kernel.run({ until: us(100) });
  return { top, scoreboard, violations: scoreboard.violations };
}

describe("the ring monitor", () => {
  test("watches every doorbell, fetch and write-back of ordinary traffic and finds nothing wrong", () => {
    const { violations, scoreboard } = watched();
    expect(violations).toEqual([]);
    // 40 frames out, one descriptor each; 10 frames in, of 3000 bytes: two 2048-byte receive buffers each.
    expect(scoreboard.rings.checked.doorbells).toBeGreaterThanOrEqual(40);
    expect(scoreboard.rings.checked.writeBacks).toBe(40 + 20);
    expect(scoreboard.rings.checked.fetches).toBeGreaterThan(4);
  });

  test("a driver that moves the tail back over descriptors the device owns is caught (and the device refuses it)", () => {
    const { violations, top } = watched(function* (raw) {
      const buffer = raw.bus.memory.allocate(256, "buffer");
      for (let index = 0; index < 4; index++) raw.writeTx(index, { bufferAddress: buffer, length: 64, command: TX_COMMAND_EOP | TX_COMMAND_RS });
      raw.doorbell(4);
      raw.doorbell(1);
    });
    expect(violations[0]).toMatch(/^scoreboard: TX queue 2: the driver wrote tail 1 while descriptors 0 to 3 were still the device's \(ring overrun\) at /);
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toContain("TAIL_OVERRUN");
  });

  test("a descriptor fetched twice, one fetched past the tail, and write-backs of descriptors never fetched or already done are each caught", () => {
    // The device is right, so these requests are forged as the DMA engine would report them.
    const forged = (make: (raw: RawQueue, scoreboard: Scoreboard) => void) =>
      watched(function* (raw, scoreboard) {
        const buffer = raw.bus.memory.allocate(256, "buffer");
        for (let index = 0; index < 2; index++) raw.writeTx(index, { bufferAddress: buffer, length: 64, command: TX_COMMAND_EOP | TX_COMMAND_RS });
        raw.doorbell(2);
        yield delay(us(5));
        make(raw, scoreboard);
      }).violations;
    const descriptor = (raw: RawQueue, index: number) => raw.descriptorAddress(index);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: false, address: descriptor(raw, 0), length: DESCRIPTOR_BYTES }))[0]).toMatch(/TX queue 2: the device fetched descriptors 0 to 0 but the next unfetched descriptor was 2 \(fetched again\)/);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: false, address: descriptor(raw, 2), length: DESCRIPTOR_BYTES }))[0]).toMatch(/TX queue 2: the device fetched descriptors 2 to 2 past the tail 2/);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: true, address: descriptor(raw, 1) + TX.STATUS, length: 4 }))[0]).toMatch(/TX queue 2: the device wrote back descriptor 1, but the next one due was 2 and it had fetched up to 2/);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: true, address: descriptor(raw, 5) + TX.STATUS, length: 4 }))[0]).toMatch(/wrote back descriptor 5, but the next one due was 2/);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: true, address: descriptor(raw, 1) + RX_WRITE_BACK_OFFSET, length: 24 }))[0]).toMatch(/wrote descriptor 1 at byte 8, not its write-back fields \(byte 28\)/);
    // Write-backs coalesced by TXDCTL.WTHRESH come as whole descriptors from byte 0, several at once.
    expect(forged((raw, s) => s.rings.dmaRequested({ write: true, address: descriptor(raw, 0), length: 2 * DESCRIPTOR_BYTES }))[0]).toMatch(/TX queue 2: the device wrote back descriptors 0 to 1, but the next one due was 2 and it had fetched up to 2/);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: true, address: descriptor(raw, 2), length: 2 * DESCRIPTOR_BYTES }))[0]).toMatch(/wrote back descriptors 2 to 3, but the next one due was 2 and it had fetched up to 2 \(written back twice, out of order, or never fetched\)/);
    expect(forged((raw, s) => s.rings.dmaRequested({ write: true, address: descriptor(raw, 0), length: 40 }))[0]).toMatch(/wrote descriptor 0 at byte 0, not its write-back fields \(byte 28\) nor whole descriptors/);
  });
});
