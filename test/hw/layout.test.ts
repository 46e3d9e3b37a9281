import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { RX_DESCRIPTOR, RX_WRITE_BACK, TX, TX_DESCRIPTOR, TX_READ_FORMAT, TX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import { defineLayout, readExact } from "../../hw/spec/layout.js";
import { SA_RECORD_LAYOUT } from "../../hw/spec/sa-record.js";
import { pointerStageWords, SA_STAGE_POINTER, stageWords } from "../../hw/spec/sa-stage.js";

describe("a layout's encoder and decoder", () => {
  test("put each field little-endian at its offset (bytes written out by hand)", () => {
    const image = TX_DESCRIPTOR.encode({ bufferAddress: 0x0102_0304_0506, length: 0x0708, command: 0x09, trafficClass: 0x0a, saHandle: 0x0b0c_0d0e, saPointer: 0x0f10_1112_1314 });
    // prettier-ignore
    expect([...image]).toEqual([
      0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0, 0, // BUFFER_ADDRESS
      0x08, 0x07, 0x09, 0x0a, // LENGTH, COMMAND, CLASS
      0x0e, 0x0d, 0x0c, 0x0b, // SA_HANDLE
      0x14, 0x13, 0x12, 0x11, 0x10, 0x0f, 0, 0, // SA_POINTER
      0, 0, 0, 0, 0, 0, 0, 0, // OFFLOAD, reserved, STATUS, ERROR, reserved
    ]);
    expect(TX_DESCRIPTOR.decode(image)).toEqual({ bufferAddress: 0x0102_0304_0506, length: 0x0708, command: 9, trafficClass: 10, saHandle: 0x0b0c_0d0e, saPointer: 0x0f10_1112_1314, offload: 0, status: 0, error: 0 });
  });

  test("decode what they encode, for any values that fit (TX, RX, SA record)", () => {
    const number = (bytes: number) => (bytes === 8 ? fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) : fc.integer({ min: 0, max: 2 ** (8 * bytes) - 1 }));
    for (const layout of [TX_DESCRIPTOR, RX_DESCRIPTOR, SA_RECORD_LAYOUT] as const) {
      const record = Object.fromEntries(layout.list.map((field) => [field.key, field.kind === "bytes" ? fc.uint8Array({ minLength: field.bytes, maxLength: field.bytes }) : number(field.bytes)]));
      fc.assert(fc.property(fc.record(record), (values) => {
        expect(layout.decode(layout.encode(values as never))).toEqual(values);
      }), { numRuns: 200 });
    }
  });

  test("read and write one field of an image at a base (a descriptor in a ring)", () => {
    const ring = new Uint8Array(4 * 32);
    TX_DESCRIPTOR.fields.length.write(ring, 1514, 2 * 32);
    expect([ring[2 * 32 + TX.LENGTH], ring[2 * 32 + TX.LENGTH + 1]]).toEqual([0xea, 0x05]);
    expect(TX_DESCRIPTOR.fields.length.read(ring, 2 * 32)).toBe(1514);
    expect(TX_DESCRIPTOR.decode(ring, 2 * 32).length).toBe(1514);
    expect(ring.filter((byte) => byte !== 0)).toHaveLength(2);
  });

  test("write a byte field padded with zeros, and read it as a copy", () => {
    const image = SA_RECORD_LAYOUT.encode({ source: new Uint8Array(16).fill(0xee) });
    SA_RECORD_LAYOUT.fields.source.write(image, new Uint8Array([10, 0, 0, 1]));
    const source = SA_RECORD_LAYOUT.fields.source.read(image);
    expect([...source]).toEqual([10, 0, 0, 1, ...new Array(12).fill(0)]);
    source[0] = 99;
    expect(image[SA_RECORD_LAYOUT.offsets.SOURCE]).toBe(10);
  });

  test("refuse what does not fit, naming the layout and field, never a byte string's bytes", () => {
    const image = new Uint8Array(32);
    expect(() => TX_DESCRIPTOR.fields.length.write(image, 65536)).toThrow("TX descriptor LENGTH: 65536 is not an integer from 0 to 2^16 - 1 (2 bytes)");
    expect(() => TX_DESCRIPTOR.fields.trafficClass.write(image, -1)).toThrow(/TX descriptor CLASS: -1 is not an integer/);
    expect(() => TX_DESCRIPTOR.fields.bufferAddress.write(image, 1.5)).toThrow(/BUFFER_ADDRESS: 1.5/);
    expect(() => TX_DESCRIPTOR.fields.bufferAddress.write(image, 2 ** 64)).toThrow(/BUFFER_ADDRESS/);
    // The whole-layout encoder refuses the same way.
    expect(() => TX_DESCRIPTOR.encode({ length: 65536 })).toThrow("TX descriptor LENGTH: 65536 is not an integer from 0 to 2^16 - 1 (2 bytes)");
    expect(() => RX_WRITE_BACK.encode({ spi: -1 })).toThrow("RX write-back SPI: -1 is not an integer from 0 to 2^32 - 1 (4 bytes)");
    const secret = new Uint8Array(33).fill(0x5a);
    let message = "";
    try {
      SA_RECORD_LAYOUT.encode({ key: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe("SA record KEY: 33 bytes where the field holds at most 32");
    expect(image.every((byte) => byte === 0)).toBe(true);
  });

  // From a driver developer's check: decode gave 0xffff888012345678 rounded, and encode refused it back.
  test("decodeExact gives every field as encode writes it back: a 64-bit address above 2^53 as a bigint, the others as numbers", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 0, max: 0xffff }), (bufferAddress, saPointer, length) => {
        const image = TX_DESCRIPTOR.encode({ bufferAddress, saPointer, length });
        const values = TX_DESCRIPTOR.decodeExact(image);
        expect(TX_DESCRIPTOR.encode(values)).toEqual(image);
        expect(BigInt(values.bufferAddress)).toBe(bufferAddress);
        expect(typeof values.bufferAddress).toBe(bufferAddress > BigInt(Number.MAX_SAFE_INTEGER) ? "bigint" : "number");
        expect(values.length).toBe(length);
      }),
      { seed: 64053, numRuns: 300 },
    );
    expect(TX_DESCRIPTOR.decodeExact(TX_DESCRIPTOR.encode({ bufferAddress: 0xffff_8880_1234_5678n })).bufferAddress).toBe(0xffff_8880_1234_5678n);
  });

  test("take a bigint where readExact gives one (a 64-bit address a number would round), and name a value's kind, not its contents", () => {
    const address = 0xfedc_ba98_7654_3211n;
    const image = TX_DESCRIPTOR.encode({ bufferAddress: address, length: 5n });
    expect(readExact(TX_DESCRIPTOR.fields.bufferAddress, image)).toBe(address);
    expect(TX_DESCRIPTOR.fields.length.read(image)).toBe(5);
    expect([...image.subarray(0, 8)]).toEqual([0x11, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe]);
    expect(() => TX_DESCRIPTOR.encode({ bufferAddress: 2n ** 64n })).toThrow("TX descriptor BUFFER_ADDRESS: 18446744073709551616n is not an integer from 0 to 2^64 - 1 (8 bytes)");
    expect(() => TX_DESCRIPTOR.encode({ command: 256 })).toThrow("TX descriptor COMMAND: 256 is not an integer from 0 to 2^8 - 1 (1 byte)");
    expect(() => TX_DESCRIPTOR.encode({ bufferAddress: new Uint8Array(16).fill(0x5a) as never })).toThrow("TX descriptor BUFFER_ADDRESS: 16 bytes is not an integer");
    expect(() => TX_DESCRIPTOR.encode({ bufferAddress: "0x1000" as never })).toThrow("TX descriptor BUFFER_ADDRESS: a string is not an integer");
  });

  test("refuse images too short for them, naming the bytes", () => {
    expect(() => TX_DESCRIPTOR.decode(new Uint8Array(31))).toThrow("TX descriptor: bytes 0..31 are outside an image of 31 bytes");
    expect(() => TX_DESCRIPTOR.fields.error.read(new Uint8Array(64), 40)).toThrow("TX descriptor ERROR: bytes 69..69 are outside an image of 64 bytes");
    expect(() => RX_DESCRIPTOR.fields.spi.write(new Uint8Array(8), 1)).toThrow(/RX descriptor SPI: bytes 16..19 are outside/);
  });

  // A raw "reading 'length'" TypeError, and NaN in every field for a NaN base (from a driver developer's check).
  test("refuse what is no image, and a base that is no whole number, naming the layout", () => {
    expect(() => TX_DESCRIPTOR.decode(undefined as never)).toThrow(new TypeError("TX descriptor: the image must be a Uint8Array, not undefined"));
    expect(() => TX_DESCRIPTOR.decode([1, 2, 3] as never)).toThrow("TX descriptor: the image must be a Uint8Array, not an array");
    expect(() => TX_DESCRIPTOR.decode(new Uint8Array(64), NaN)).toThrow("TX descriptor: base NaN is not a whole number of bytes, 0 or more");
    expect(() => TX_DESCRIPTOR.decode(new Uint8Array(64), 1.5)).toThrow("TX descriptor: base 1.5 is not a whole number of bytes, 0 or more");
    // Not a number at all: "0" read fields as undefined, true and null decoded at 1 and 0 (an outside check).
    for (const base of ["0", true, null]) expect(() => TX_DESCRIPTOR.decode(new Uint8Array(64), base as never)).toThrow(`TX descriptor: base ${JSON.stringify(base)} is not a whole number of bytes, 0 or more`);
    expect(() => TX_DESCRIPTOR.fields.error.read(null as never)).toThrow("TX descriptor ERROR: the image must be a Uint8Array, not null");
    expect(() => RX_DESCRIPTOR.fields.spi.write(new Uint8Array(64), 1, -1)).toThrow("RX descriptor SPI: base -1 is not a whole number of bytes, 0 or more");
    expect(TX_DESCRIPTOR.decode(new Uint8Array(64), 32).length).toBe(0);
  });
});

describe("defining a layout", () => {
  test("refuses fields outside it, overlapping fields and numbers of other widths", () => {
    expect(() => defineLayout("L", 4, { a: { name: "A", offset: 2, bytes: 4, description: "" } })).toThrow("L A: bytes 2..5 are outside its 4 bytes");
    expect(() => defineLayout("L", 8, { a: { name: "A", offset: 0, bytes: 4, description: "" }, b: { name: "B", offset: 2, bytes: 2, description: "" } })).toThrow("L A overlaps B");
    expect(() => defineLayout("L", 8, { a: { name: "A", offset: 0, bytes: 3, description: "" } })).toThrow(/a number of 3 bytes/);
    expect(() => defineLayout("L", 8, { a: { name: "A", offset: 0, bytes: 3, kind: "bytes", description: "" } })).not.toThrow();
  });

  test("a tail is the end of the layout from its first field, refused when another field lies within", () => {
    expect([RX_WRITE_BACK.at, RX_WRITE_BACK.bytes]).toEqual([8, 24]);
    expect(RX_WRITE_BACK.offsets).toEqual({ LENGTH: 0, STATUS: 2, ERROR: 3, CLASS: 4, SPI: 8, SA_HANDLE: 12 });
    expect([TX_WRITE_BACK.at, TX_WRITE_BACK.bytes]).toEqual([28, 4]);
    expect(() => RX_DESCRIPTOR.tail("part", ["spi"])).toThrow("part: SA_HANDLE of RX descriptor lie within it");
    // What the device writes back lands on the descriptor's fields.
    const descriptor = new Uint8Array(32);
    descriptor.set(RX_WRITE_BACK.encode({ length: 60, status: 3, error: 0, trafficClass: 5, spi: 0x1234, saHandle: 0x10002 }), RX_WRITE_BACK.at);
    expect(RX_DESCRIPTOR.decode(descriptor)).toEqual({ bufferAddress: 0, length: 60, status: 3, error: 0, trafficClass: 5, spi: 0x1234, saHandle: 0x10002 });
  });

  test("a pick reads only its fields (the device's read format leaves out OFFLOAD and the write-back)", () => {
    const image = TX_DESCRIPTOR.encode({ length: 64, offload: 0xffff, status: 1, error: 7 });
    expect(TX_READ_FORMAT.decode(image)).toEqual({ bufferAddress: 0, length: 64, command: 0, trafficClass: 0, saHandle: 0, saPointer: 0 });
  });
});

describe("SA_STAGE over an image", () => {
  test("a pointer is staged in words 0 and 1, low word first", () => {
    expect(pointerStageWords(0x1_2345_6780)).toEqual([0x2345_6780, 1]);
    expect(SA_STAGE_POINTER.decode(Uint8Array.from([0x80, 0x67, 0x45, 0x23, 1, 0, 0, 0, ...new Array(120).fill(0)])).pointer).toBe(0x1_2345_6780);
  });

  test("a record is staged as 32 little-endian words", () => {
    const record = SA_RECORD_LAYOUT.encode({ magic: 0x31524153, recordLength: 128, spi: 0xdeadbeef });
    const words = stageWords(record);
    expect(words).toHaveLength(32);
    expect([words[0], words[1], words[3]]).toEqual([0x31524153, 128, 0xdeadbeef]);
  });
});
