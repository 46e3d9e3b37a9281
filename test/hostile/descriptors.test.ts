import { describe, expect, test } from "vitest";
import { ErrorCode } from "../../hw/spec/errors.js";
import * as R from "../../hw/spec/registers.js";
import { DESCRIPTOR_BYTES, RX, STATUS_DD, STATUS_EOP, TX, TX_COMMAND_EOP, TX_COMMAND_IPSEC, TX_COMMAND_RS, RX_DESCRIPTOR, RX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import { frameSequence, sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import type { NicSystem } from "../../system/nic-system.js";
import { RawQueue } from "../support/raw-queue.js";
import { misuse } from "../support/misuse.js";
import { system } from "../support/nic.js";

const EOP_RS = TX_COMMAND_EOP | TX_COMMAND_RS;

/** A hand-driven TX queue 2 beside the base driver's queues 0 and 1, without any expected error. */
function handDriven(body: (top: NicSystem, raw: RawQueue) => Generator<unknown, void, unknown>) {
  const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
  kernel.process("hand", function* () {
    yield top.driver.base.whenReady();
    yield* body(top, new RawQueue(top.driver.base.bus, "tx", 2)) as Generator<never, void, unknown>;
  });
  kernel.run({ until: us(60) });
  return top;
}

function post(top: NicSystem, raw: RawQueue, index: number, frame: Uint8Array, command: number, trafficClass?: number) {
  const buffer = top.memory.allocate(2048, "buffer");
  top.memory.write(buffer, frame);
  raw.writeTx(index, { bufferAddress: buffer, length: frame.length, command, trafficClass });
  return buffer;
}

describe("TX descriptor fields", () => {
  test("CLASS above 7: the frame is dropped as INVALID_CLASS, and its descriptor comes back done with that code", () => {
    let raw!: RawQueue;
    misuse(
      function* (top) {
        raw = new RawQueue(top.driver.base.bus, "tx", 2);
        post(top, raw, 0, sequencedFrame("to-peer", 2, 1, 200), EOP_RS, 9);
        raw.doorbell(1);
      },
      { code: "INVALID_CLASS", queue: 2, index: 0, field: "CLASS", value: 0, mentions: ["TX queue 2", "descriptor 0", "CLASS (8 or more; its value is not logged"] },
    );
    expect(raw.writeBack(0)).toEqual({ status: STATUS_DD, error: ErrorCode.INVALID_CLASS });
  });

  test.each([
    ["IPSEC on the last descriptor only (the frame left in the clear)", { command: 0 }, { command: TX_COMMAND_IPSEC, saHandle: 0x10001 }, "DESCRIPTOR", 1, "COMMAND.IPSEC (descriptor 0, the frame's first, has 0) = 0x1"],
    ["another SA_HANDLE on a later descriptor", { command: TX_COMMAND_IPSEC, saHandle: 0x10001 }, { command: TX_COMMAND_IPSEC, saHandle: 0x10002 }, "SA_HANDLE", 0, "SA_HANDLE (descriptor 0, the frame's first, has another; its value is not logged"],
    // The first's pointer is not shown; 0x8000 lies far below the allocations (from 4 GiB up), so it is logged as 0 with where it lies (it may be key words).
    ["another SA_POINTER on a later descriptor", { command: TX_COMMAND_IPSEC, saPointer: 0x4000 }, { command: TX_COMMAND_IPSEC, saPointer: 0x8000 }, "SA_POINTER", 0, "SA_POINTER (descriptor 0, the frame's first, has another), more than a page below every allocation"],
  ] as const)("a frame whose descriptors disagree on its IPsec fields, %s: dropped as IPSEC_FIELDS_DIFFER at the later descriptor, nothing sent", (_, first, last, field, value, mention) => {
    let raw!: RawQueue;
    const frame = sequencedFrame("to-peer", 2, 1, 200);
    const top = misuse(
      function* (top) {
        raw = new RawQueue(top.driver.base.bus, "tx", 2);
        const buffer = top.memory.allocate(2048, "buffer");
        top.memory.write(buffer, frame);
        raw.writeTx(0, { bufferAddress: buffer, length: 40, ...first });
        raw.writeTx(1, { bufferAddress: buffer + 40, length: frame.length - 40, ...last, command: last.command | EOP_RS });
        raw.doorbell(2);
      },
      { code: "IPSEC_FIELDS_DIFFER", queue: 2, index: 1, field, value, mentions: ["TX queue 2", "descriptor 1", mention] },
    );
    expect(raw.writeBack(1)).toEqual({ status: STATUS_DD, error: ErrorCode.IPSEC_FIELDS_DIFFER });
    expect(top.peer.received.map((received) => frameSequence(received.bytes).sequence)).not.toContain(1);
  });

  test("OFFLOAD has no bits defined: all ones there change nothing; STATUS and ERROR set by the driver are written over", () => {
    let raw!: RawQueue;
    const top = handDriven(function* (top, q) {
      raw = q;
      post(top, raw, 0, sequencedFrame("to-peer", 2, 1, 200), EOP_RS);
      // The fields the driver should leave at zero: the device must not read them as its own.
      top.memory.write(raw.descriptorAddress(0) + TX.OFFLOAD, new Uint8Array([0xff, 0xff, 0, 0, STATUS_DD, 0xee]));
      raw.doorbell(1);
    });
    expect(top.nic.diagnostics).toEqual([]);
    expect(top.peer.received.map((frame) => frameSequence(frame.bytes).sequence)).toEqual([1]);
    expect(raw.writeBack(0)).toEqual({ status: STATUS_DD, error: 0 });
  });

  test("COMMAND without EOP on the last posted descriptor: the device waits for the rest of the frame, and sends it whole once posted", () => {
    let sentBeforeEop = -1;
    const frame = sequencedFrame("to-peer", 2, 1, 600);
    const top = handDriven(function* (top, raw) {
      const buffer = top.memory.allocate(2048, "buffer");
      top.memory.write(buffer, frame);
      raw.writeTx(0, { bufferAddress: buffer, length: 300, command: 0 });
      raw.doorbell(1);
      yield delay(us(10));
      sentBeforeEop = top.peer.receivedFrames;
      raw.writeTx(1, { bufferAddress: buffer + 300, length: frame.length - 300, command: EOP_RS });
      raw.doorbell(2);
    });
    expect(sentBeforeEop).toBe(0);
    expect(top.nic.diagnostics).toEqual([]);
    expect(top.peer.received.map((received) => received.bytes.subarray(0, frame.length))).toEqual([frame]);
  });

  test.each([
    ["already longer than the largest frame", 2048, "already past the largest frame, 9216 bytes"],
    ["filling the ring but one slot, so that no EOP can be posted", 100, "as many as the device's cache or the ring can hold, so EOP can never come"],
  ] as const)("seven descriptors without EOP on an 8-slot ring, %s: refused at once as OVER_LENGTH_BUFFER, their rest up to its EOP with them, and the queue goes on (it waited for ever, without a word)", (_, length, why) => {
    let raw!: RawQueue;
    let head = -1;
    const frame = sequencedFrame("to-peer", 2, 1, 600);
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      raw = new RawQueue(top.driver.base.bus, "tx", 2, 8);
      const buffer = top.memory.allocate(2048, "buffer");
      for (let index = 0; index < 7; index++) raw.writeTx(index, { bufferAddress: buffer, length, command: TX_COMMAND_RS });
      raw.doorbell(7);
      yield delay(us(10));
      head = (yield top.driver.base.bus.mmioRead(R.TDH(2))) as number;
      // The refused frame's last descriptor, then a frame of its own.
      raw.writeTx(7, { bufferAddress: buffer, length: 100, command: EOP_RS });
      post(top, raw, 0, frame, EOP_RS);
      raw.doorbell(1);
    });
    kernel.run({ until: us(40) });
    expect(top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.index, diagnostic.value])).toEqual([["OVER_LENGTH_BUFFER", 6, 7 * length], ["OVER_LENGTH_BUFFER", 7, 100]]);
    expect(top.nic.diagnostics[0]!.message).toContain(`LENGTH (sum over 7 descriptors without EOP, ${why})`);
    expect(head).toBe(7);
    expect(raw.writeBack(6)).toEqual({ status: STATUS_DD, error: ErrorCode.OVER_LENGTH_BUFFER });
    expect(top.peer.received.map((received) => received.bytes.subarray(0, frame.length))).toEqual([frame]);
  });

  test("the rest of a frame refused before its EOP, posted later up to its EOP, is refused with it, not sent as a frame of its own, and the frame is counted once (a 2000-byte piece of it went on the wire; from a check of the fix)", () => {
    let raw!: RawQueue;
    const frame = sequencedFrame("to-peer", 2, 1, 600);
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      raw = new RawQueue(top.driver.base.bus, "tx", 2);
      const buffer = top.memory.allocate(2048, "buffer");
      for (let index = 0; index < 5; index++) raw.writeTx(index, { bufferAddress: buffer, length: 2000, command: TX_COMMAND_RS });
      raw.doorbell(5);
      yield delay(us(10));
      raw.writeTx(5, { bufferAddress: buffer, length: 2000, command: TX_COMMAND_RS });
      raw.writeTx(6, { bufferAddress: buffer, length: 2000, command: EOP_RS });
      raw.doorbell(7);
      yield delay(us(10));
      post(top, raw, 7, frame, EOP_RS);
      raw.doorbell(8);
    });
    kernel.run({ until: us(60) });
    expect(top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.index, diagnostic.value])).toEqual([["OVER_LENGTH_BUFFER", 4, 10_000], ["OVER_LENGTH_BUFFER", 6, 4000]]);
    expect(top.nic.diagnostics[1]!.message).toContain("LENGTH (the rest, 2 descriptors up to its EOP, of a frame refused without one) = 4000");
    for (const index of [4, 6]) expect(raw.writeBack(index)).toEqual({ status: STATUS_DD, error: ErrorCode.OVER_LENGTH_BUFFER });
    expect(top.peer.received.map((received) => received.bytes.subarray(0, frame.length))).toEqual([frame]);
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ TX_DESCRIPTOR_ERROR: 1 });
  });

  // From a driver developer's check: a ring of zeroed descriptors (LENGTH 0, no EOP) logged one OVER_LENGTH_BUFFER per descriptor fetch of its rest, each "= 0": thousands for one frame.
  test("a frame refused without its EOP whose rest takes many descriptor fetches is logged three times: itself, its rest's first piece, and its rest whole as its EOP comes", () => {
    let raw!: RawQueue;
    const frame = sequencedFrame("to-peer", 2, 1, 600);
    const next = sequencedFrame("to-peer", 2, 2, 300);
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      raw = new RawQueue(top.driver.base.bus, "tx", 2, 512);
      // Descriptors 0 to 299 zeroed (as allocated), then a frame with its EOP, then one of its own.
      post(top, raw, 300, frame, EOP_RS);
      post(top, raw, 301, next, EOP_RS);
      raw.doorbell(302);
    });
    kernel.run({ until: us(100) });
    // The cache holds 64: the refused frame is descriptors 0 to 63, its rest 64 to 300.
    // The rest's first piece: the descriptors fetched after the refused frame's 64 (a batch of 8).
    expect(top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.index, diagnostic.value])).toEqual([["ZERO_LENGTH_BUFFER", 0, 0], ["OVER_LENGTH_BUFFER", 71, 0], ["OVER_LENGTH_BUFFER", 300, frame.length]]);
    expect(top.nic.diagnostics[1]!.message).toContain("LENGTH (the first descriptors of the rest of a frame refused without its EOP: refused up to its EOP, and logged whole then)");
    expect(top.nic.diagnostics[2]!.message).toContain("LENGTH (the rest, 237 descriptors up to its EOP, of a frame refused without one)");
    expect(raw.writeBack(300)).toEqual({ status: STATUS_DD, error: ErrorCode.OVER_LENGTH_BUFFER });
    expect(top.peer.received.map((received) => frameSequence(received.bytes).sequence)).toEqual([2]);
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ TX_DESCRIPTOR_ERROR: 1 });
  });
  // From a re-check: logging only a rest's whole at its EOP left a rest that never gets one unlogged, its descriptors written back with an error and no ERROR cause.
  test("a refused frame's rest that never gets an EOP is logged by its first piece", () => {
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      new RawQueue(top.driver.base.bus, "tx", 2, 512).doorbell(300);
    });
    kernel.run({ until: us(100) });
    expect(top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.index])).toEqual([["ZERO_LENGTH_BUFFER", 0], ["OVER_LENGTH_BUFFER", 71]]);
    expect(top.nic.diagnostics[1]!.message).toContain("the first descriptors of the rest of a frame refused without its EOP");
  });

  // From a re-check: a rest cut short by a fetch fault stayed pending, and the fresh ring's first frame, enabled by ENABLE alone (which clears FAULT), was dropped as its rest.
  // From a re-check: a disable written while the refused frame's last piece was in the device forgot the rest's pieces before, and the
  // frame was counted and logged as its last piece alone (100 bytes of 600, "the rest, 1 descriptor").
  test("a frame refused for spanning more descriptors than the cache holds, its queue disabled at any moment: counted whole by the device or left to the driver, never in part", () => {
    const once = (disableAfter: number) => {
      const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.queues": 1, "top.nic.tx.descriptorCache": 4, "top.nic.tx.descriptorBatch": 1 }, { seed: 3 });
      const counted: { reason: string; bytes: number }[] = [];
      top.nic.statistics.drops.observers.push((reason, dropped) => counted.push({ reason, bytes: dropped !== null && "hostBuffers" in dropped ? dropped.hostBuffers.reduce((sum, buffer) => sum + buffer.length, 0) : -1 }));
      kernel.process("hand", function* () {
        yield top.driver.base.whenReady();
        const bus = top.driver.base.bus;
        const tx = new RawQueue(bus, "tx", 1, 16);
        const frame = sequencedFrame("to-peer", 1, 0, 600);
        for (let index = 0; index < 6; index++) {
          const buffer = bus.memory.allocate(100, `piece ${index}`, 64);
          bus.memory.write(buffer, frame.subarray(index * 100, index * 100 + 100));
          tx.writeTx(index, { bufferAddress: buffer, length: 100, command: index === 5 ? TX_COMMAND_EOP | TX_COMMAND_RS : 0 });
        }
        bus.mmioWrite(R.TDT(1), 6);
        yield delay(disableAfter);
        bus.mmioWrite(R.TXDCTL(1), 0);
      });
      kernel.run({ until: us(20) });
      return counted;
    };
    const outcomes = new Set<string>();
    // Every 4 ns across the frame's pieces (the last one's window is a cycle wide).
    for (let disableAfter = 400_000; disableAfter <= 1_600_000; disableAfter += 4_000) {
      const counted = once(disableAfter);
      if (counted.length > 0) expect(counted, `disabled after ${disableAfter} ps`).toEqual([{ reason: "TX_DESCRIPTOR_ERROR", bytes: 600 }]);
      outcomes.add(counted.length === 0 ? "left" : "counted");
    }
    expect([...outcomes].sort()).toEqual(["counted", "left"]);
  }, 120_000);

  test("a queue enabled again after a fetch fault, by ENABLE alone, starts a fresh ring without the refused frame's rest", () => {
    const frame = sequencedFrame("to-peer", 2, 7, 300);
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      const bus = top.driver.base.bus;
      new RawQueue(bus, "tx", 2, 64);
      // The ring claims 512 descriptors and runs off its allocation at 72: the refused frame is 0 to 63, its rest faults.
      bus.mmioWrite(R.TXDCTL(2), 0);
      bus.mmioWrite(R.TDLEN(2), 512 * DESCRIPTOR_BYTES);
      bus.mmioWrite(R.TXDCTL(2), R.QUEUE_ENABLE);
      bus.mmioWrite(R.TDT(2), 100);
      yield delay(us(20));
      const fresh = new RawQueue(bus, "tx", 2, 64);
      post(top, fresh, 0, frame, EOP_RS);
      fresh.doorbell(1);
    });
    kernel.run({ until: us(60) });
    // The failed fetch (72 on) takes its turn after the fetch before it (64 to 71), whose descriptors the refused frame's rest takes
    // first: logged whole as the queue faults, at its last (before, the failed fetch came a cycle after it was asked for, ahead of them).
    expect(top.nic.diagnostics.map(({ code, index }) => [code, index])).toEqual([["ZERO_LENGTH_BUFFER", 0], ["DMA_UNMAPPED", 72], ["OVER_LENGTH_BUFFER", 71]]);
    expect(top.peer.received.map((received) => frameSequence(received.bytes).sequence)).toEqual([7]);
  });
});

describe("RX descriptor fields", () => {
  test("the write-back fields are the device's: whatever the driver left in them is written over", () => {
    let raw!: RawQueue;
    // Class 4 is queue 2 of four (the device queues class c on queue c × queues / 8).
    const frame = sequencedFrame("to-host", 4, 1, 300);
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      raw = new RawQueue(top.driver.base.bus, "rx", 2);
      const buffer = top.memory.allocate(2048, "buffer");
      raw.writeRx(0, buffer);
      top.memory.write(raw.descriptorAddress(0) + RX.LENGTH, new Uint8Array(DESCRIPTOR_BYTES - RX.LENGTH).fill(0xa5));
      raw.doorbell(1);
      yield delay(us(2));
      top.peer.send(frame);
    });
    kernel.run({ until: us(40) });
    const descriptor = top.memory.read(raw.descriptorAddress(0), DESCRIPTOR_BYTES);
    expect(top.nic.diagnostics).toEqual([]);
    expect(RX_DESCRIPTOR.decode(descriptor)).toEqual({ bufferAddress: expect.any(Number), length: frame.length, status: STATUS_DD | STATUS_EOP, error: 0, trafficClass: 4, spi: 0, saHandle: 0 });
    // Bytes 13..15, reserved, are written over too: the write-back is one write to the descriptor's end.
    expect([...descriptor.subarray(RX.CLASS + 1, RX.SPI)]).toEqual([0, 0, 0]);
  });
});

describe("RX buffers the device cannot use", () => {
  test("an unmapped RX buffer: its frame is a drop (RX_DMA_ERROR) written back with LENGTH 0, not counted as a packet received (RQPC counted it, and the LENGTH said bytes were placed)", () => {
    let raw!: RawQueue;
    let received = -1;
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      raw = new RawQueue(top.driver.base.bus, "rx", 2);
      top.memory.write(raw.descriptorAddress(0), RX_DESCRIPTOR.encode({ bufferAddress: 0x7_0000_0000 }));
      raw.doorbell(1);
      yield delay(us(2));
      top.peer.send(sequencedFrame("to-host", 4, 1, 1000));
      yield delay(us(10));
      received = (yield top.driver.base.bus.mmioRead(R.RQPC(2))) as number;
    });
    kernel.run({ until: us(30) });
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["DMA_UNMAPPED"]);
    expect(raw.writeBack(0)).toEqual({ status: STATUS_DD | STATUS_EOP, error: ErrorCode.DMA_UNMAPPED });
    expect(RX_WRITE_BACK.decode(top.memory.read(raw.descriptorAddress(0) + RX_WRITE_BACK.at, RX_WRITE_BACK.bytes)).length).toBe(0);
    expect(received).toBe(0);
    expect(top.nic.statistics.drops.get("RX_DMA_ERROR")).toBe(1);
  });

  test("an RX buffer that starts in mapped memory and runs past it: its error says so (it named only the address, which looked right; from a driver developer's check)", () => {
    let raw!: RawQueue;
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      raw = new RawQueue(top.driver.base.bus, "rx", 2);
      const small = top.memory.allocate(64, "a small region");
      top.memory.write(raw.descriptorAddress(0), RX_DESCRIPTOR.encode({ bufferAddress: small }));
      raw.doorbell(1);
      yield delay(us(2));
      top.peer.send(sequencedFrame("to-host", 4, 1, 1000));
      yield delay(us(10));
    });
    kernel.run({ until: us(30) });
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["DMA_UNMAPPED"]);
    expect(top.nic.diagnostics[0]!.message).toMatch(/BUFFER_ADDRESS \(its \d+ bytes run past the mapped memory it starts in\) = 0x/);
  });

  test("a frame needing more buffers than the ring can ever give is dropped (RX_RING_TOO_SHORT), and the frames behind it are received (it waited for ever, and they behind it)", () => {
    let raw!: RawQueue;
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2, "top.nic.maxFrameBytes": 9216 });
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      // 8 descriptors of 64-byte buffers: a 9000-byte frame needs 141.
      raw = new RawQueue(top.driver.base.bus, "rx", 2, 8, { bufferSize: 64 });
      for (let index = 0; index < 8; index++) raw.writeRx(index, top.memory.allocate(64, "buffer"));
      raw.doorbell(7);
      yield delay(us(2));
      top.peer.send(sequencedFrame("to-host", 4, 1, 9000));
      top.peer.send(sequencedFrame("to-host", 4, 2, 60));
      yield delay(us(10));
    });
    kernel.run({ until: us(30) });
    expect(top.nic.statistics.drops.get("RX_RING_TOO_SHORT")).toBe(1);
    expect(top.nic.statistics.rxPackets[2]).toBe(1);
  });
});

describe("64-bit addresses beyond 2^53 (a sign-extended kernel pointer, all ones)", () => {
  /** Overwrite an 8-byte field of a descriptor in host memory with an exact 64-bit value. */
  const write64 = (top: NicSystem, address: number, value: bigint) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, value, true);
    top.memory.write(address, bytes);
  };

  test.each([
    ["a kernel pointer", 0xffff_8880_1234_5678n],
    ["all ones but the low nibble", 0xffff_ffff_ffff_fff0n],
  ])("TX BUFFER_ADDRESS %s: DMA_UNMAPPED says it lies where kernel virtual addresses do and logs 0 (a value that wild may be misdirected key words), and a coalesced write-back gives the descriptor back as written (it was rounded, to 65 bits even)", (_, address) => {
    let raw!: RawQueue;
    const top = misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        raw = new RawQueue(bus, "tx", 2);
        // WTHRESH 4: done descriptors are written back whole.
        bus.mmioWrite(R.TXDCTL(2), R.QUEUE_ENABLE | (4 << 16));
        raw.writeTx(0, { bufferAddress: 0, length: 200, command: EOP_RS });
        write64(top, raw.descriptorAddress(0) + TX.BUFFER_ADDRESS, address);
        raw.doorbell(1);
      },
      { code: "DMA_UNMAPPED", queue: 2, index: 0, field: "BUFFER_ADDRESS", value: 0, mentions: ["BUFFER_ADDRESS, more than a page in the upper half of the 64-bit space, where kernel virtual addresses lie"] },
    );
    // The driver read it from ERRLOG_VALUE_LO and _HI.
    expect(Number(top.driver.base.deviceErrors[0]!.value)).toBe(0);
    expect(top.driver.base.deviceErrors[0]!.message).not.toContain(address.toString(16));
    const image = new DataView(raw.bus.memory.read(raw.descriptorAddress(0), DESCRIPTOR_BYTES).slice().buffer);
    expect(image.getBigUint64(TX.BUFFER_ADDRESS, true)).toBe(address);
    expect(raw.writeBack(0)).toEqual({ status: STATUS_DD, error: ErrorCode.DMA_UNMAPPED });
  });
});
