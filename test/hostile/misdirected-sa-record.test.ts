import { expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { encodeSaRecord, SA_DIRECTION_OUTBOUND } from "../../hw/spec/sa-record.js";
import { stageWords } from "../../hw/spec/sa-stage.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { TX, TX_COMMAND_IPSEC } from "../../hw/spec/descriptors.js";
import { postIpsec, preparedFrame, raw } from "../support/raw-ipsec.js";
import { system } from "../support/nic.js";
import { RawQueue } from "../support/raw-queue.js";

const KEY = Uint8Array.from({ length: 16 }, (_, index) => 0x11 * index);
const SALT = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);

/** Every way four bytes of the key material could be shown: each window of it read as a word either way, in decimal and in hex. */
function secretWords(): string[] {
  const material = Buffer.from([...KEY, ...SALT]);
  const words: string[] = [];
  for (let at = 0; at + 4 <= material.length; at++) {
    for (const word of [material.readUInt32LE(at), material.readUInt32BE(at)]) words.push(String(word), word.toString(16));
  }
  return words;
}

// From an auditor's check: an SA record staged at the queue registers' offsets put 12 key bytes and the salt into QUEUE_REGISTER_WHILE_ENABLED, TAIL_BEYOND_RING and DOORBELL_ON_DISABLED_QUEUE errors (their messages, ERRLOG_VALUE, the summary, the DIAGNOSTIC pushed to a client).
const BASES = [R.TDBAL(0) - 0x20, R.TDBAL(0) + 4, R.TDBAL(1) - 8, R.RDBAL(0) - 0x10].map((base) => [`0x${base.toString(16)}`, base] as const);

test.each(BASES)("an SA record staged at %s (the queue registers, its queues enabled) puts no key or salt byte into the device's errors", (_, base) => {
  const { kernel, top } = system({ "top.nic.queues": 2 });
  const record = encodeSaRecord({ uniqueId: 7, protocol: 50, direction: SA_DIRECTION_OUTBOUND, spi: 0x1001, esn: false, qosGroup: null, icvLength: 16, keyMaterial: Uint8Array.of(...KEY, ...SALT), source: new Uint8Array(16), destination: new Uint8Array(16) });
  kernel.process("misdirected", function* () {
    yield top.driver.base.whenReady();
    stageWords(record).forEach((value, word) => top.driver.base.bus.mmioWrite(base + 4 * word, value));
    yield delay(us(5));
  });
  kernel.run({ until: us(20) });
  const errors = top.nic.diagnostics;
  expect(errors.length).toBeGreaterThan(0);
  const shown = errors.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`).join("\n");
  for (const word of secretWords()) expect(shown).not.toMatch(new RegExp(`\\b(0x)?${word}\\b`, "i"));
});

// From a re-check: a key word landing on a disabled RX queue's SRRCTL came back whole in the enable's OVER_LENGTH_BUFFER (the diagnostic, ERRLOG_VALUE, the summary).
test("a key word written to a disabled RX queue's SRRCTL: the enable's OVER_LENGTH_BUFFER gives the most SRRCTL may be, not the word", () => {
  const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.queues": 1 });
  const material = Buffer.from([...KEY, ...SALT]);
  kernel.process("misdirected", function* () {
    yield top.driver.base.whenReady();
    for (let at = 0; at + 4 <= material.length; at += 4) {
      new RawQueue(top.driver.base.bus, "rx", 1, 64, { bufferSize: material.readUInt32LE(at) });
      top.driver.base.bus.mmioWrite(R.RXDCTL(1), 0);
      yield delay(us(2));
    }
  });
  kernel.run({ until: us(40) });
  const errors = top.nic.diagnostics.filter((diagnostic) => diagnostic.code === "OVER_LENGTH_BUFFER");
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((error) => error.value === R.MAX_RECEIVE_BUFFER)).toBe(true);
  expect(errors[0]!.message).toContain("An RX queue enabled with SRRCTL above the maximum: the queue stays disabled");
  const shown = top.nic.diagnostics.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`).join("\n");
  for (const word of secretWords()) expect(shown).not.toMatch(new RegExp(`\\b(0x)?${word}\\b`, "i"));
});

// From a driver developer's check: a register write with its arguments swapped (the key word as the offset) logged every word of the key and salt as UNKNOWN_REGISTER's offset, reads too.
test("key and salt words written and read as register offsets: UNKNOWN_REGISTER withholds them", () => {
  const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.queues": 1 });
  const material = Buffer.from([...KEY, ...SALT]);
  kernel.process("swapped", function* () {
    yield top.driver.base.whenReady();
    for (let at = 0; at + 4 <= material.length; at += 4) {
      top.driver.base.bus.mmioWrite(material.readUInt32LE(at), R.SA_STAGE(at / 4));
      yield top.driver.base.bus.mmioRead(material.readUInt32BE(at));
    }
  });
  kernel.run({ until: us(40) });
  const errors = top.nic.diagnostics.filter((diagnostic) => diagnostic.code === "UNKNOWN_REGISTER");
  expect(errors).toHaveLength(2 * (material.length / 4));
  expect(errors.every((error) => error.value === 0 && error.withheld)).toBe(true);
  const shown = top.nic.diagnostics.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`).join("\n");
  for (const word of secretWords()) expect(shown).not.toMatch(new RegExp(`\\b(0x)?${word}\\b`, "i"));
});

// From a driver developer's check: key words landing on a disabled queue's ring base or length came back whole in the enable's UNALIGNED_RING_BASE (TDBAL = 0x806f…) and INVALID_RING_LENGTH.
test("key words on a disabled queue's ring base or length: the enable's UNALIGNED_RING_BASE and INVALID_RING_LENGTH name the register and what is wrong, not the word", () => {
  const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.queues": 1 });
  const record = encodeSaRecord({ uniqueId: 7, protocol: 50, direction: SA_DIRECTION_OUTBOUND, spi: 0x1001, esn: false, qosGroup: null, icvLength: 16, keyMaterial: Uint8Array.of(...KEY, ...SALT), source: new Uint8Array(16), destination: new Uint8Array(16) });
  const words = stageWords(record);
  kernel.process("misdirected", function* () {
    yield top.driver.base.whenReady();
    const bus = top.driver.base.bus;
    // The salt's word (5) and the key's (8 to 11) on each ring register of queue 1, which is disabled; then its enable.
    for (const [register, control] of [[R.TDBAL(1), R.TXDCTL(1)], [R.TDBAH(1), R.TXDCTL(1)], [R.TDLEN(1), R.TXDCTL(1)], [R.RDBAL(1), R.RXDCTL(1)], [R.RDLEN(1), R.RXDCTL(1)]] as const) {
      for (const word of [5, 8, 9, 10, 11]) {
        words.forEach((value, index) => {
          const offset = register - 4 * word + 4 * index;
          // Only the queue's own ring registers: the misdirected words elsewhere are the other tests'.
          if (offset >= register - 8 && offset <= register + 8 && offset !== control) bus.mmioWrite(offset, value);
        });
        bus.mmioWrite(control, R.QUEUE_ENABLE);
        bus.mmioWrite(control, 0);
        yield delay(us(1));
      }
    }
  });
  kernel.run({ until: us(60) });
  const refused = top.nic.diagnostics.filter((diagnostic) => diagnostic.code === "UNALIGNED_RING_BASE" || diagnostic.code === "INVALID_RING_LENGTH");
  expect(refused.length).toBeGreaterThan(10);
  for (const diagnostic of refused) expect([R.TDBAL(1), R.TDLEN(1), R.RDBAL(1), R.RDLEN(1)]).toContain(diagnostic.value);
  const shown = top.nic.diagnostics.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`).join("\n");
  for (const word of secretWords()) expect(shown).not.toMatch(new RegExp(`\\b(0x)?${word}\\b`, "i"));
});

// From a driver developer's check: a key word written into a disabled queue's TDBAH (TDBAL 0, so the enable took it) came back as the descriptor fetch's DMA_UNMAPPED address (0xd5d4d3d200000000); a descriptor's BUFFER_ADDRESS holding key words did the same.
test("key words in a ring base's high half, or in a TX or RX descriptor's BUFFER_ADDRESS: DMA_UNMAPPED logs the address as 0 and says why, not the words; an address near host memory is still shown", () => {
  const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 1 });
  const material = Buffer.from([...KEY, ...SALT]);
  let nearAddress = 0;
  kernel.process("misdirected", function* () {
    yield top.driver.base.whenReady();
    const bus = top.driver.base.bus;
    bus.mmioWrite(R.TDBAL(1), 0);
    bus.mmioWrite(R.TDBAH(1), material.readUInt32LE(4));
    bus.mmioWrite(R.TDLEN(1), 64 * 32);
    bus.mmioWrite(R.TXDCTL(1), R.QUEUE_ENABLE);
    bus.mmioWrite(R.TDT(1), 1);
    yield delay(us(2));
    const transmit = new RawQueue(bus, "tx", 2, 64);
    // BUFFER_ADDRESS is the descriptor's first 8 bytes: key bytes written over it.
    transmit.writeTx(0, { bufferAddress: 0, length: 64, command: 0x03 });
    bus.memory.write(transmit.descriptorAddress(0), material.subarray(8, 16));
    // Just past the ring's allocation: in its red zone, a plain driver bug whose address helps.
    nearAddress = transmit.base + 64 * 32 + 256 + 8;
    transmit.writeTx(1, { bufferAddress: nearAddress, length: 64, command: 0x03 });
    transmit.doorbell(2);
    const receive = new RawQueue(bus, "rx", 2, 64);
    receive.writeRx(0, 0);
    bus.memory.write(receive.descriptorAddress(0), material.subarray(0, 8));
    receive.doorbell(1);
    yield delay(us(2));
    // Class 4: RX queue 2 of 4.
    top.peer.send(sequencedFrame("to-host", 4, 1, 200));
    yield delay(us(5));
  });
  kernel.run({ until: us(30) });
  const unmapped = top.nic.diagnostics.filter((diagnostic) => diagnostic.code === "DMA_UNMAPPED");
  expect(unmapped.map((diagnostic) => diagnostic.field).sort()).toEqual(["BUFFER_ADDRESS", "BUFFER_ADDRESS", "BUFFER_ADDRESS", "DESCRIPTOR"]);
  const wild = unmapped.filter((diagnostic) => diagnostic.value !== nearAddress);
  expect(wild).toHaveLength(3);
  for (const diagnostic of wild) {
    expect(diagnostic.value).toBe(0);
    expect(diagnostic.message).toContain("not logged, as a value that far off may be misdirected data (key words)");
  }
  const shown = top.nic.diagnostics.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`).join("\n");
  for (const word of secretWords()) expect(shown).not.toMatch(new RegExp(`\\b(0x)?${word}\\b`, "i"));
  expect(shown).toContain(`0x${nearAddress.toString(16)}`);
});

// From a re-check: key words over a TX descriptor's SA_POINTER (pointer fetch) came back whole as SA_RECORD_INVALID's "not on a 64-byte boundary", and over SA_HANDLE as INVALID_SA_HANDLE; over a frame's second descriptor's SA_POINTER, as IPSEC_FIELDS_DIFFER.
test.each([
  ["SA_POINTER, with pointer fetch", TX.SA_POINTER, { "top.driver.base.saFill": "pointer" }, 0],
  ["SA_HANDLE", TX.SA_HANDLE, {}, 0],
  ["the second descriptor's SA_POINTER", TX.SA_POINTER, { "top.driver.base.saFill": "pointer" }, 1],
] as const)("key words over a TX descriptor's %s are not logged: the error says why the value is not shown", (_, field, parameters, descriptor) => {
  const material = Buffer.from([...KEY, ...SALT]);
  const errors: string[] = [];
  for (let at = 0; at + 8 <= material.length; at += 4) {
    const run = raw(function* (top, queue) {
      const frame = preparedFrame(top, 0x1000);
      // By pointer, the handle 0 (a handle is looked up first); by handle, a handle issued.
      if (descriptor === 0) postIpsec(top, queue, frame, field === TX.SA_HANDLE ? { saHandle: 1 } : { saPointer: 0x40 });
      else {
        // Two descriptors of one frame, the same SA on both; then key words over the second's field.
        const buffer = top.memory.allocate(2048, "raw buffer");
        top.memory.write(buffer, frame);
        queue.writeTx(0, { bufferAddress: buffer, length: 40, command: TX_COMMAND_IPSEC, saPointer: 0x40 });
        queue.writeTx(1, { bufferAddress: buffer + 40, length: frame.length - 40, command: TX_COMMAND_IPSEC | 0x03, saPointer: 0x40 });
        queue.doorbell(2);
      }
      // Six bytes over a pointer (its top two stay 0): below 2^53, exact, and off a record's boundary.
      top.memory.write(queue.descriptorAddress(descriptor) + field, material.subarray(at, at + (field === TX.SA_HANDLE ? 4 : 6)));
    }, parameters);
    errors.push(...run.top.nic.diagnostics.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`));
  }
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((error) => error.includes("not logged"))).toBe(true);
  const shown = errors.join("\n");
  for (const word of secretWords()) expect(shown).not.toMatch(new RegExp(`\\b(0x)?${word}\\b`, "i"));
});

// From a second re-check: an SA record written over a TX ring puts its key in the next descriptor, whose CLASS (INVALID_CLASS) and SA_HANDLE (IPSEC_FIELDS_DIFFER) came back whole.
test.each([
  ["a class byte of 8 or more", Uint8Array.from([0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe, 0x0f])],
  ["a class byte below 8, the EOP bit set", Uint8Array.from([0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xbb, 0x05, 0xdc, 0xed, 0xfe, 0x0f])],
])("an SA record written over a TX ring (its key in a descriptor's fields, %s) puts no key or salt byte into the device's errors", (_, key) => {
  const material = Uint8Array.of(...key, ...SALT);
  // An IPv4 SA's record, as a driver writes it.
  const record = encodeSaRecord({ uniqueId: 7, protocol: 50, direction: SA_DIRECTION_OUTBOUND, spi: 0x1001, esn: false, qosGroup: null, icvLength: 16, keyMaterial: material, source: new Uint8Array(4), destination: new Uint8Array(4) });
  const run = raw(function* (top, queue) {
    const buffer = top.memory.allocate(2048, "buffer");
    queue.writeTx(0, { bufferAddress: buffer, length: 64, command: 0x03 });
    top.memory.write(queue.descriptorAddress(0), record);
    queue.doorbell(4);
  });
  expect(run.top.nic.diagnostics.length).toBeGreaterThan(0);
  const shown = run.top.nic.diagnostics.map(({ message, value }) => `${message} ${String(value)} ${value.toString(16)}`).join("\n");
  // Every number shown, in hex: none holds three of the key's bytes in a row, either order; no value is one of its bytes.
  const numbers = [...shown.matchAll(/0x[0-9a-f]+|\b\d+\b/gi)].map(([text]) => BigInt(text).toString(16).padStart(2, "0"));
  const hex = Buffer.from(material).toString("hex");
  const reversed = Buffer.from(material).reverse().toString("hex");
  for (let at = 0; at + 6 <= hex.length; at += 2) for (const window of [hex.slice(at, at + 6), reversed.slice(at, at + 6)]) expect(numbers.filter((number) => number.includes(window))).toEqual([]);
  for (const byte of material) if (byte >= 8) expect(shown).not.toMatch(new RegExp(`= (0x)?(${byte}|${byte.toString(16)})\\b`, "i"));
});
