import { describe, expect, test } from "vitest";
import { TX_DESCRIPTOR } from "../../hw/spec/descriptors.js";
import { encodeSaRecord, type SaRecordFields } from "../../hw/spec/sa-record.js";
import { HostMemoryError } from "../../sim/host/memory.js";
import { system } from "../support/nic.js";

describe("the library's own calls refuse what is not a value of theirs, saying what was expected (they took NaN as an offset, wrote a string as zeros, dropped a misspelt field)", () => {
  const { top } = system();
  const bus = top.driver.base.bus;

  test.each([
    ["NaN", () => bus.mmioWrite(NaN, 1), "MMIO write at an offset of NaN: an offset is a whole number of bytes from 0 to 0xffffffff"],
    // What the offset is, never its digits: swapped arguments put a key word there (from a driver developer's check).
    ["a negative offset", () => bus.mmioWrite(-0x2e61c539, 1), "MMIO write at an offset of a negative number:"],
    ["a string", () => bus.mmioWrite("0x0" as unknown as number, 1), "MMIO write at an offset of a string:"],
    ["a fraction, read", () => bus.mmioRead(1.5), "MMIO read at an offset of a fraction:"],
    ["past 32 bits", () => bus.mmioWrite(0x1_519e_3ac7, 1), "MMIO write at an offset of a number beyond 32 bits:"],
  ] as const)("an MMIO offset that is not one: %s", (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });

  test("host memory: a negative length, and bytes that are not a Uint8Array", () => {
    expect(() => top.memory.read(0x1000, -1)).toThrow(HostMemoryError);
    expect(() => top.memory.read(0x1000, -1)).toThrow("a length is a whole number of bytes, 0 or more");
    expect(() => top.memory.write(0x1000, "abc" as unknown as Uint8Array)).toThrow("expected the bytes as a Uint8Array (or Buffer), not string");
    expect(() => top.memory.write(0x1000, [300, -1] as unknown as Uint8Array)).toThrow("not an array");
  });

  test("a layout's encoder refuses a field it does not have, with the one meant", () => {
    expect(() => TX_DESCRIPTOR.encode({ bufferAdress: 5 } as never)).toThrow("TX descriptor: no field 'bufferAdress' (did you mean bufferAddress?)");
  });

  test("a layout's encoder refuses a number past 2^53 - 1, which may already be another integer, and takes the bigint (it wrote 0xffff888012345678 as ...5800; from a driver developer's check)", () => {
    const kernelHalf = 0xffff888012345678;
    expect(() => TX_DESCRIPTOR.encode({ bufferAddress: kernelHalf, length: 1, command: 1 })).toThrow(
      "TX descriptor BUFFER_ADDRESS: 18446612682375453000 is past 2^53 - 1, where a number no longer holds every integer: it holds 0xffff888012345800, which may not be the value meant; give it as a bigint (0x…n)",
    );
    const image = TX_DESCRIPTOR.encode({ bufferAddress: 0xffff888012345678n, length: 1, command: 1 });
    expect(Buffer.from(image.subarray(TX_DESCRIPTOR.fields.bufferAddress.offset, TX_DESCRIPTOR.fields.bufferAddress.offset + 8)).readBigUInt64LE()).toBe(0xffff888012345678n);
    // The largest number that holds every integer is still taken.
    expect(() => TX_DESCRIPTOR.encode({ bufferAddress: Number.MAX_SAFE_INTEGER, length: 1, command: 1 })).not.toThrow();
  });

  // From a driver developer's check: null threw a TypeError reading a field of it, 5 gave an image of zeros, and "x" said "no field '0'".
  test.each([
    [null, "null"],
    [undefined, "undefined"],
    [5, "a number"],
    ["x", "a string"],
    [[1, 2], "an array"],
    [new Uint8Array(16).fill(0xc5), "16 bytes"],
  ])("a layout's encoder refuses %o where its fields go, by its kind", (values, kind) => {
    expect(() => TX_DESCRIPTOR.encode(values as never)).toThrow(new RangeError(`TX descriptor: expected an object of its fields, not ${kind}`));
  });

  test("an MMIO write of an infinity says which, not that it is a fraction (from a driver developer's check)", () => {
    expect(() => bus.mmioWrite(0, Infinity)).toThrow("MMIO write of Infinity to ");
    expect(() => bus.mmioWrite(0, -Infinity)).toThrow("MMIO write of -Infinity to ");
    expect(() => bus.mmioWrite(0, undefined as unknown as number)).toThrow("MMIO write of undefined to ");
  });

  test("an SA record without its key material, or with key material of no key's length, is refused by name, never showing it", () => {
    const fields = { uniqueId: 1, protocol: 50, direction: 0, spi: 0x1000, esn: false, qosGroup: null, icvLength: 16, source: new Uint8Array(4), destination: new Uint8Array(4) };
    expect(() => encodeSaRecord(fields as unknown as SaRecordFields)).toThrow("SA record: keyMaterial is missing");
    const secret = new Uint8Array(7).fill(0xab);
    const call = () => encodeSaRecord({ ...fields, keyMaterial: secret });
    expect(call).toThrow("SA record: keyMaterial holds 7 bytes; expected a 16- or 32-byte key and its 4-byte salt (20 or 36)");
  });

  test("an SA record with a field misspelt, missing or out of its values is refused by name (they were written as 0: SPI 0, or a tag of group 0; from a driver developer's check)", () => {
    const fields: SaRecordFields = { uniqueId: 1, protocol: 50, direction: 0, spi: 0x1000, esn: false, qosGroup: null, icvLength: 16, keyMaterial: new Uint8Array(20), source: new Uint8Array(4), destination: new Uint8Array(4) };
    expect(encodeSaRecord(fields)).toHaveLength(128);
    const { spi: _spi, ...withoutSpi } = fields;
    expect(() => encodeSaRecord({ ...withoutSpi, spii: 0x1000 } as unknown as SaRecordFields)).toThrow("SA record: no field 'spii' (did you mean spi?)");
    expect(() => encodeSaRecord(withoutSpi as SaRecordFields)).toThrow("SA record: spi is missing");
    const { qosGroup: _group, ...withoutGroup } = fields;
    expect(() => encodeSaRecord(withoutGroup as SaRecordFields)).toThrow("SA record: qosGroup is missing (null for an SA without a tag)");
    expect(() => encodeSaRecord({ ...fields, direction: 7 })).toThrow("SA record: direction 7; expected 0 (outbound) or 1 (inbound)");
    // The device refuses these (SA_RECORD_INVALID); the encoder wrote them without a word (from a driver developer's check).
    expect(() => encodeSaRecord({ ...fields, icvLength: 7 })).toThrow("SA record: icvLength 7; expected 8, 12 or 16 (RFC 4106)");
    expect(() => encodeSaRecord({ ...fields, protocol: 51 })).toThrow("SA record: protocol 51; expected 50 (ESP)");
    // Key material given in a number's place is said by its kind: the layout's error showed every byte of it.
    const key = new Uint8Array(20).fill(0xc5);
    for (const name of ["spi", "direction", "qosGroup"] as const) {
      const call = () => encodeSaRecord({ ...fields, [name]: key } as unknown as SaRecordFields);
      expect(call).toThrow(`SA record: ${name} must be a whole number, not bytes`);
    }
    expect(() => encodeSaRecord({ ...fields, direction: "0" } as unknown as SaRecordFields)).toThrow("SA record: direction must be a whole number, not string");
    expect(() => encodeSaRecord(null as unknown as SaRecordFields)).toThrow("SA record: expected an object of its fields");
    expect(() => encodeSaRecord({ ...fields, source: new Uint8Array(3) })).toThrow("SA record: source holds 3 bytes; expected an IPv4 address (4) or 16");
  });
});
