import { describe, expect, test } from "vitest";
import { ErrorCode } from "../../hw/spec/errors.js";
import { STATUS_DD, TX_COMMAND_EOP, TX_COMMAND_RS } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame, frameSequence } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { misuse } from "../support/misuse.js";
import { RawQueue } from "../support/raw-queue.js";
import { system } from "../support/nic.js";

const EOP_RS = TX_COMMAND_EOP | TX_COMMAND_RS;

describe("driver misuse raises a modelled error, never a crash", () => {
  test("a tail beyond the ring: the error gives the ring's length, not the value written (a misdirected write can carry key bytes)", () => {
    misuse(
      function* (top) {
        top.driver.base.bus.mmioWrite(R.TDT(1), 600);
      },
      { code: "TAIL_BEYOND_RING", queue: 1, index: null, field: "TAIL", value: 512, mentions: ["TX queue 1", "descriptors in the ring (TDLEN / 32) = 512", "the tail written is not logged"], unshown: ["600"] },
    );
  });

  test("a zero-length buffer: the descriptor comes back done with the error code", () => {
    let raw!: RawQueue;
    misuse(
      function* (top) {
        raw = new RawQueue(top.driver.base.bus, "tx", 2);
        const buffer = top.memory.allocate(2048, "buffer");
        raw.writeTx(0, { bufferAddress: buffer, length: 100, command: EOP_RS });
        raw.writeTx(1, { bufferAddress: buffer, length: 0, command: EOP_RS });
        raw.doorbell(2);
      },
      { code: "ZERO_LENGTH_BUFFER", queue: 2, index: 1, field: "LENGTH", value: 0, mentions: ["TX queue 2", "descriptor 1", "LENGTH = 0"] },
    );
    expect(raw.writeBack(0)).toEqual({ status: STATUS_DD, error: 0 });
    expect(raw.writeBack(1)).toEqual({ status: STATUS_DD, error: ErrorCode.ZERO_LENGTH_BUFFER });
  });

  test("a tail moved back over posted descriptors: ignored, and every posted descriptor is done exactly once", () => {
    let raw!: RawQueue;
    let head = -1;
    const top = misuse(
      function* (top) {
        raw = new RawQueue(top.driver.base.bus, "tx", 2);
        const buffer = top.memory.allocate(2048, "buffer");
        for (let index = 0; index < 4; index++) raw.writeTx(index, { bufferAddress: buffer, length: 100, command: EOP_RS });
        raw.doorbell(4);
        raw.doorbell(2);
        yield delay(us(10));
        head = (yield top.driver.base.bus.mmioRead(R.TDH(2))) as number;
      },
      { code: "TAIL_OVERRUN", queue: 2, index: null, field: "TAIL", value: 4, mentions: ["TX queue 2", "TDT as it stands (the tail written would move it back", "the write is ignored"] },
    );
    expect(head).toBe(4);
    for (let index = 0; index < 4; index++) expect(raw.writeBack(index)).toEqual({ status: STATUS_DD, error: 0 });
    // Four frames from queue 2, none twice (the peer also got the base driver's frame from queue 0).
    expect(top.nic.statistics.txPackets[2]).toBe(4);
  });

  test("an over-length frame across two buffers", () => {
    misuse(
      function* (top) {
        const raw = new RawQueue(top.driver.base.bus, "tx", 2);
        const buffer = top.memory.allocate(8192, "buffer");
        raw.writeTx(0, { bufferAddress: buffer, length: 6000, command: 0 });
        raw.writeTx(1, { bufferAddress: buffer, length: 6000, command: EOP_RS });
        raw.doorbell(2);
      },
      { code: "OVER_LENGTH_BUFFER", queue: 2, index: 1, field: "LENGTH", value: 12000, mentions: ["TX queue 2", "descriptor 1", "12000"] },
    );
  });

  test("an unaligned ring base: the queue stays disabled", () => {
    let enabled = -1;
    misuse(
      function* (top) {
        new RawQueue(top.driver.base.bus, "tx", 3, 64, { baseOffset: 32 });
        enabled = (yield top.driver.base.bus.mmioRead(R.TXDCTL(3))) as number;
      },
      { code: "UNALIGNED_RING_BASE", queue: 3, index: null, field: "RING_BASE", value: R.TDBAL(3), mentions: ["TX queue 3", `offset of TDBAL[3] (the base written there is not a multiple of 128; the value is not logged) = 0x${R.TDBAL(3).toString(16)}`] },
    );
    expect(enabled).toBe(0);
  });

  test("an unaligned ring base beyond 2^53: refused by its exact low bits (it was rounded to an aligned one and enabled; from a driver developer's check)", () => {
    let enabled = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        bus.mmioWrite(R.TDBAL(3), 0x45);
        bus.mmioWrite(R.TDBAH(3), 0x1000_0000);
        bus.mmioWrite(R.TDLEN(3), 1024);
        bus.mmioWrite(R.TXDCTL(3), 1);
        enabled = (yield bus.mmioRead(R.TXDCTL(3))) as number;
      },
      { code: "UNALIGNED_RING_BASE", queue: 3, index: null, field: "RING_BASE", value: R.TDBAL(3), mentions: ["TX queue 3", `offset of TDBAL[3] (the base written there is not a multiple of 128; the value is not logged) = 0x${R.TDBAL(3).toString(16)}`] },
    );
    expect(enabled).toBe(0);
  });

  test("a TX buffer in unmapped memory", () => {
    let raw!: RawQueue;
    misuse(
      function* (top) {
        raw = new RawQueue(top.driver.base.bus, "tx", 2);
        raw.writeTx(0, { bufferAddress: 0x40, length: 64, command: EOP_RS });
        raw.doorbell(1);
      },
      // Far below the allocations (from 4 GiB up): logged as 0, with where it lies, as a wild value may be misdirected key words.
      { code: "DMA_UNMAPPED", queue: 2, index: 0, field: "BUFFER_ADDRESS", value: 0, mentions: ["TX queue 2", "descriptor 0", "BUFFER_ADDRESS, more than a page below every allocation"] },
    );
    expect(raw.writeBack(0)).toEqual({ status: STATUS_DD, error: ErrorCode.DMA_UNMAPPED });
  });

  test("an RX buffer in unmapped memory", () => {
    misuse(
      function* (top) {
        const raw = new RawQueue(top.driver.base.bus, "rx", 2);
        raw.writeRx(0, 0x1000);
        raw.doorbell(1);
        yield delay(us(2));
        top.peer.send(sequencedFrame("to-host", 4, 1, 200));
      },
      // 0x1000 is far below the allocations (they start at 4 GiB): logged as 0, as a wild value may be misdirected key words.
      { code: "DMA_UNMAPPED", queue: 2, direction: "rx", index: 0, field: "BUFFER_ADDRESS", value: 0, mentions: ["RX queue 2", "descriptor 0", "more than a page below every allocation"] },
    );
  });

  test("an RX queue enabled with a zero buffer size (SRRCTL) stays disabled", () => {
    let enabled = -1;
    misuse(
      function* (top) {
        new RawQueue(top.driver.base.bus, "rx", 3, 64, { bufferSize: 0 });
        enabled = (yield top.driver.base.bus.mmioRead(R.RXDCTL(3))) as number;
      },
      // In RX words alone (it read "A TX descriptor with LENGTH 0, or ..."; from a driver developer's check).
      { code: "ZERO_LENGTH_BUFFER", queue: 3, direction: "rx", index: null, field: "BUFFER_SIZE", value: 0, mentions: ["RX queue 3", "SRRCTL = 0", "An RX queue enabled with SRRCTL 0: the queue stays disabled"], unshown: ["TX descriptor"] },
    );
    expect(enabled).toBe(0);
  });

  test("a doorbell on a disabled queue: the error gives the tail as it stands, not the value written", () => {
    misuse(
      function* (top) {
        top.driver.base.bus.mmioWrite(R.TDT(3), 5);
      },
      { code: "DOORBELL_ON_DISABLED_QUEUE", queue: 3, index: null, field: "TAIL", value: 0, mentions: ["TX queue 3", "TDT as it stands = 0", "the tail written is not logged"], unshown: ["= 5"] },
    );
  });

  test("a read of an offset with no register returns all ones", () => {
    let value = 0;
    misuse(
      function* (top) {
        value = (yield top.driver.base.bus.mmioRead(0x0ffc)) as number;
      },
      { code: "UNKNOWN_REGISTER", queue: null, index: null, field: "REGISTER", value: 0x0ffc, mentions: ["0xffc"] },
    );
    expect(value).toBe(0xffffffff);
  });

  test("key words staged with the wrong stride land on read-only registers: no byte of them is in the device's error, its ERRLOG registers or the summary", () => {
    const key = [0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c];
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    // Word w written at SA_STAGE(0) + 16 w: these fall on the SA statistics, which are read-only.
    const landing = [R.SA_TX_HITS, R.SA_TX_MISSES, R.SA_RX_HITS, R.SA_FETCHES];
    kernel.process("mis-strided", function* () {
      yield top.driver.base.whenReady();
      for (const [word, value] of key.entries()) top.driver.base.bus.mmioWrite(landing[word]!, value);
    });
    kernel.run({ until: us(20) });
    expect(top.nic.diagnostics).toHaveLength(4);
    const shown = JSON.stringify([top.nic.diagnostics.map((diagnostic) => diagnostic.message), top.driver.base.deviceErrors]);
    for (const word of key) for (const text of [word.toString(16), String(word)]) expect(shown).not.toContain(text);
  });

  test("a whole record staged with a 16-byte stride: its first key word lands on SA_COMMAND, the rest on other registers; no key word, nor half of one, is in the device's errors, ERRLOG or SA_STATUS (SA_COMMAND echoed the INDEX and, while busy, the whole word)", () => {
    // Key words with reserved SA_COMMAND bits set, as nearly every key word has; each 16-bit half distinctive.
    const key = [0x02beef12, 0x7a5c3e91, 0x6b4d2f83, 0x5c3e1074];
    const record = new Uint8Array(128);
    const view = new DataView(record.buffer);
    view.setUint32(0, 0x31524153);
    for (const [word, value] of key.entries()) view.setUint32(32 + 4 * word, value);
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    let status = -1;
    kernel.process("mis-strided", function* () {
      yield top.driver.base.whenReady();
      const bus = top.driver.base.bus;
      for (let word = 0; word < 32; word++) bus.mmioWrite(R.SA_STAGE(0) + 16 * word, view.getUint32(4 * word));
      status = (yield bus.mmioRead(R.SA_STATUS)) as number;
    });
    kernel.run({ until: us(40) });
    const errors = top.nic.diagnostics.filter((diagnostic) => diagnostic.field === "SA_COMMAND");
    expect(errors.map((diagnostic) => [diagnostic.code, diagnostic.value])).toEqual([["INVALID_SA_HANDLE", 0]]);
    expect(errors[0]!.message).toContain("reserved bits set: not a command");
    expect(status).toBe(ErrorCode.INVALID_SA_HANDLE);
    const shown = JSON.stringify([top.nic.diagnostics.map((diagnostic) => diagnostic.message), top.driver.base.deviceErrors, status]);
    for (const word of key) {
      for (const part of [word, word >>> 16, word & 0xffff]) for (const text of [part.toString(16), String(part)]) expect(shown).not.toContain(text);
    }
  });

  test("a queue enabled again while still BUSY with frames from before its disable is refused as ENABLE_WHILE_BUSY (those frames moved the new ring's head, and the next doorbell was an overrun); once BUSY clears it enables, its head at 0", () => {
    let raw!: RawQueue;
    let headAfter = -1;
    let busySeen = false;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        raw = new RawQueue(bus, "tx", 2);
        for (let index = 0; index < 15; index++) {
          const buffer = top.memory.allocate(2048, "buffer");
          const frame = sequencedFrame("to-peer", 2, index, 1400);
          top.memory.write(buffer, frame);
          raw.writeTx(index, { bufferAddress: buffer, length: frame.length, command: TX_COMMAND_EOP | TX_COMMAND_RS });
        }
        raw.doorbell(15);
        yield delay(us(2));
        bus.mmioWrite(R.TXDCTL(2), 0);
        bus.mmioWrite(R.TXDCTL(2), R.QUEUE_ENABLE);
        const control = (yield bus.mmioRead(R.TXDCTL(2))) as number;
        busySeen = R.QUEUE_CONTROL_FIELDS.BUSY.get(control) === 1 && R.QUEUE_CONTROL_FIELDS.ENABLE.get(control) === 0;
        while (R.QUEUE_CONTROL_FIELDS.BUSY.get((yield bus.mmioRead(R.TXDCTL(2))) as number)) yield delay(us(1));
        bus.mmioWrite(R.TXDCTL(2), R.QUEUE_ENABLE);
        yield delay(us(5));
        headAfter = (yield bus.mmioRead(R.TDH(2))) as number;
      },
      { code: "ENABLE_WHILE_BUSY", queue: 2, index: null, field: "REGISTER", value: NaN, mentions: ["TX queue 2", "TXDCTL.ENABLE (BUSY: frames still in the device; the value logged, their count) = "], unshown: ["their count) = 0x"] },
    );
    expect(busySeen).toBe(true);
    expect(headAfter).toBe(0);
  });

  test("a write to a read-only register", () => {
    misuse(
      function* (top) {
        top.driver.base.bus.mmioWrite(R.TDH(1), 3);
      },
      { code: "READ_ONLY_REGISTER", queue: 1, index: null, field: "REGISTER", value: R.TDH(1), mentions: [`offset of TDH[1] (the value written is not logged) = 0x${R.TDH(1).toString(16)}`] },
    );
  });
});

describe("injected DMA faults", () => {
  test("read errors on every request: descriptor fetches fail, each queue is disabled and reported", () => {
    const { kernel, top } = system({ "top.nic.queues": 2, "top.nic.dma.readErrorProbability": 1 });
    kernel.run({ until: us(50) });
    const reports = top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.direction, diagnostic.queue, diagnostic.field]);
    // Each RX queue faults at its first fetch; the driver resets it, and the fetch after each reset fails again.
    expect(reports.slice(0, 2)).toEqual([
      ["DMA_READ_ERROR", "rx", 0, "DESCRIPTOR"],
      ["DMA_READ_ERROR", "rx", 1, "DESCRIPTOR"],
    ]);
    expect(new Set(reports.map(String))).toEqual(new Set(["DMA_READ_ERROR,rx,0,DESCRIPTOR", "DMA_READ_ERROR,rx,1,DESCRIPTOR"]));
    expect(top.nic.rx.ring(0).fault).toEqual({ code: "DMA_READ_ERROR", index: 0 });
    expect(top.driver.base.statistics.queueResets).toBeGreaterThanOrEqual(2);
    // A queue that faults again without progress is reset later each time (the backoff doubles). Queue 1's: both faults are read at once, and
    // the higher class's reset goes first, so queue 0's first interval includes the wait behind it.
    const times = top.nic.diagnostics.filter((diagnostic) => diagnostic.queue === 1).map((diagnostic) => diagnostic.time);
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times[2]! - times[1]!).toBeGreaterThan(times[1]! - times[0]!);
    // The driver read them from the ERRLOG registers in order (the last may still be waiting for its interrupt).
    const read = top.driver.base.deviceErrors.map((entry) => [entry.code, entry.direction, entry.queue, entry.field]);
    expect(read.length).toBeGreaterThanOrEqual(reports.length - 1);
    expect(read).toEqual(reports.slice(0, read.length));
  });

  test("completion timeouts are reported after the timeout", () => {
    const { kernel, top } = system({ "top.nic.queues": 1, "top.nic.dma.completionTimeoutProbability": 1, "top.nic.dma.completionTimeout": 2500 });
    kernel.run({ until: us(50) });
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["DMA_COMPLETION_TIMEOUT", "DMA_COMPLETION_TIMEOUT"]);
    // RX descriptors are fetched once the driver enabled the queue (~4 us in), then 2500 cycles (10 us) pass.
    expect(top.nic.diagnostics[0]!.time).toBeGreaterThan(us(10));
    // The driver reset the queue, and its next fetch timed out in turn.
    expect(top.nic.diagnostics[1]!.time - top.nic.diagnostics[0]!.time).toBeGreaterThan(us(10));
  });

  test("random extra read latency delays frames but keeps them whole and in order", () => {
    const run = (extra: number) => {
      const { kernel, top } = system({ "top.nic.queues": 1, "top.nic.dma.extraLatencyMaximum": extra }, { seed: 5 });
      kernel.process("app", function* () {
        yield top.driver.base.whenReady();
        for (let sequence = 0; sequence < 200; sequence++) yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, sequence, 60 + sequence * 7), { more: sequence % 4 !== 3 });
      });
      kernel.run({ until: us(500) });
      return top.peer.received;
    };
    const plain = run(0);
    const slow = run(400);
    expect(slow.map((frame) => frameSequence(frame.bytes).sequence)).toEqual([...Array(200).keys()]);
    slow.forEach((frame, index) => expect(frame.bytes).toEqual(plain[index]!.bytes));
    expect(slow.at(-1)!.time).toBeGreaterThan(plain.at(-1)!.time);
  });
});

describe("malformed frames from the wire", () => {
  test("bad FCS, runt and oversize frames are dropped and counted by reason; good ones around them arrive", () => {
    const { kernel, top } = system({ "top.nic.queues": 1 });
    kernel.process("peer-traffic", function* () {
      yield top.driver.base.whenReady();
      top.peer.send(sequencedFrame("to-host", 0, 0, 200));
      top.peer.send(sequencedFrame("to-host", 0, 1, 200), { fcsGood: false });
      top.peer.send(sequencedFrame("to-host", 0, 2, 9300));
      top.peer.send(new Uint8Array(40), { pad: false });
      top.peer.send(sequencedFrame("to-host", 0, 3, 200));
    });
    kernel.run({ until: us(60) });
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ FCS_ERROR: 1, OVERSIZE: 1, RUNT: 1 });
    expect(top.driver.base.received.map((frame) => frameSequence(frame.bytes).sequence)).toEqual([0, 3]);
    expect(top.nic.mac.rxErrors.value).toBe(3);
    expect(top.nic.diagnostics).toEqual([]);
  });

  // From a driver developer's check: one of 65,536 bytes stopped the run inside the MAC (its 16-bit frame length does not hold it).
  test("a frame the longest the wire carries is dropped as OVERSIZE; a longer one, or no frame at all, is refused at the peer's send, naming the limit", () => {
    const { kernel, top } = system({ "top.nic.queues": 1 });
    kernel.process("peer-traffic", function* () {
      yield top.driver.base.whenReady();
      top.peer.send(sequencedFrame("to-host", 0, 0, 65_535));
      expect(() => top.peer.send(sequencedFrame("to-host", 0, 1, 65_536))).toThrow("top.peer.send: a frame of 65536 bytes is longer than the wire carries (65535 bytes without FCS)");
      expect(() => top.peer.send(undefined as never)).toThrow("top.peer.send: the frame must be a Uint8Array (or Buffer), not undefined");
      // Padded, it went out as 60 zero bytes and the driver received it as a frame.
      expect(() => top.peer.send(new Uint8Array(0))).toThrow("top.peer.send: an empty frame (0 bytes) is no frame");
      expect(() => top.peer.send(new Uint8Array(0), { pad: false })).toThrow("top.peer.send: an empty frame (0 bytes) is no frame");
      top.peer.send(sequencedFrame("to-host", 0, 2, 200));
    });
    kernel.run({ until: us(200) });
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ OVERSIZE: 1 });
    expect(top.driver.base.received.map((frame) => frameSequence(frame.bytes).sequence)).toEqual([2]);
  });
});
