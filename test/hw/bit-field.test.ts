import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bitFields } from "../../hw/spec/bit-field.js";
import { SA_HANDLE_FIELDS, TX_COMMAND_FIELDS } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";

describe("bit fields derived from a table", () => {
  test("get, place and set a field at its bits", () => {
    const generation = R.SA_STATUS_FIELDS.GENERATION;
    expect([generation.mask, generation.max]).toEqual([0x7fff_0000, 0x7fff]);
    expect(generation.get(0xffff_ffff)).toBe(0x7fff);
    expect(generation.place(0x1_0003)).toBe(0x0003_0000);
    expect(generation.set(0x8000_1234, 5)).toBe(0x8005_1234);
    // Bit 31 and whole-word fields stay unsigned.
    expect(R.SA_STATUS_FIELDS.BUSY.mask).toBe(0x8000_0000);
    expect(R.SA_STATUS_FIELDS.BUSY.place(1)).toBe(0x8000_0000);
    expect(R.SA_STATUS_FIELDS.BUSY.get(-0x8000_0000)).toBe(1);
    const word = bitFields([{ name: "WORD", bit: 0, width: 32, description: "" }]);
    expect([word.WORD.mask, word.WORD.get(-1), word.WORD.place(-1)]).toEqual([0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
  });

  test("pack and unpack a register (SA_COMMAND as the driver writes it)", () => {
    const value = R.SA_COMMAND_FIELDS.pack({ INDEX: 1000, DIRECTION: 1, OPERATION: R.SA_COMMAND_FIELDS.OPERATION.values.INSTALL_POINTER, REPLACE: 1 });
    expect(value).toBe((0x1000_0000 | (4 << 24) | (1 << 16) | 1000) >>> 0);
    expect(R.SA_COMMAND_FIELDS.unpack(value)).toEqual({ INDEX: 1000, DIRECTION: 1, OPERATION: 4, REPLACE: 1 });
    expect(R.SA_COMMAND_FIELDS.mask).toBe(0x1701_ffff);
  });

  // pack(undefined) read a field of undefined; a misspelt field and a value of "1" packed as 0 without a word (from a driver developer's check).
  test("pack refuses what is no object of its fields' integers, every mistake at once", () => {
    expect(() => TX_COMMAND_FIELDS.pack(undefined as never)).toThrow("pack: expected an object of field values, not undefined (fields: EOP,");
    expect(() => TX_COMMAND_FIELDS.pack({ ENOP: 1, RS: "1" } as never)).toThrow(`pack: no field 'ENOP' (did you mean EOP?); RS "1" is not an integer (fields: EOP,`);
    expect(() => TX_COMMAND_FIELDS.pack({ EOP: NaN })).toThrow("pack: EOP NaN is not an integer");
    // A bigint was a raw TypeError from the message itself; a field only inherited named no problem (an outside check).
    expect(() => TX_COMMAND_FIELDS.pack({ EOP: 1n } as never)).toThrow("pack: EOP 1n is not an integer");
    expect(() => TX_COMMAND_FIELDS.pack(Object.create({ ZZZ: 1 }))).toThrow("pack: no field 'ZZZ'");
    expect(TX_COMMAND_FIELDS.pack({ EOP: 1, RS: undefined })).toBe(TX_COMMAND_FIELDS.EOP.mask);
  });

  test("unpack what they pack, for any values that fit", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0x7fff }), (entry, generation) => {
      expect(SA_HANDLE_FIELDS.unpack(SA_HANDLE_FIELDS.pack({ ENTRY: entry, GENERATION: generation }))).toEqual({ ENTRY: entry, GENERATION: generation });
    }));
  });

  test("the constants the model and drivers use are the tables' bits", () => {
    expect([R.CTRL_TX_ENABLE, R.CTRL_RX_ENABLE, R.QUEUE_ENABLE, R.QUEUE_FAULT, R.QUEUE_BUSY]).toEqual([1, 2, 1, 2, 4]);
    expect([R.SA_COMMAND_RX, R.SA_COMMAND_INSTALL, R.SA_COMMAND_INVALIDATE, R.SA_COMMAND_INVALIDATE_POINTER, R.SA_COMMAND_INSTALL_POINTER, R.SA_COMMAND_REPLACE]).toEqual([1 << 16, 1 << 24, 2 << 24, 3 << 24, 4 << 24, 1 << 28]);
    expect([R.causeTxDone(3), R.causeRxDone(3), R.CAUSE_ERROR, R.vectorCauses(2, 4), R.vectorCauses(4, 4)]).toEqual([8, 0x800, 0x8000_0000, 0x404, 0x8000_0000]);
    expect([TX_COMMAND_FIELDS.EOP.mask, TX_COMMAND_FIELDS.RS.mask, TX_COMMAND_FIELDS.IPSEC.mask]).toEqual([1, 2, 4]);
    expect(R.saInstalledStatus(0x8001)).toBe(0x0001_0000);
    expect(R.encodeQosMapWord(new Map([[8, 5], [15, 2]]), 1)).toBe(0xa000_000d);
    expect(R.decodeQosMapWord(0xa000_000d, 1).filter((entry) => entry.trafficClass !== undefined)).toEqual([{ tag: 8, trafficClass: 5 }, { tag: 15, trafficClass: 2 }]);
  });

  test("a 64-bit quantity is two registers, low half first", () => {
    expect(R.registerHalves(0x1_2345_6780)).toEqual({ low: 0x2345_6780, high: 1 });
    expect(R.fromRegisterHalves(0x2345_6780, 1)).toBe(0x1_2345_6780);
    expect(R.registerHalves(0xffff_ffff_ffff_ffffn)).toEqual({ low: 0xffff_ffff, high: 0xffff_ffff });
    expect([Object.is(R.registerHalves(-0).low, 0), Object.is(R.registerHalves(-0).high, 0)]).toEqual([true, true]);
  });

  test("a value two registers cannot hold is refused, not split into halves the bus would write as something else", () => {
    expect(() => R.registerHalves(-1)).toThrow("a 64-bit register pair cannot hold -1: expected a whole number from 0 to 2^64 - 1");
    expect(() => R.registerHalves(4096.5)).toThrow("cannot hold 4096.5");
    expect(() => R.registerHalves(Number.NaN)).toThrow("cannot hold NaN");
    expect(() => R.registerHalves(2 ** 60)).toThrow("beyond 2^53 - 1 where a number is no longer exact (give a bigint)");
    expect(() => R.registerHalves(1n << 64n)).toThrow("cannot hold 18446744073709551616: expected 0 to 2^64 - 1");
    expect(() => R.registerHalves(-1n)).toThrow("cannot hold -1: expected 0 to 2^64 - 1");
    expect(() => R.registerHalves("4096" as unknown as number)).toThrow("cannot hold a string");
  });

  test("refuse fields beyond 32 bits, overlapping fields and names given twice", () => {
    expect(() => bitFields([{ name: "A", bit: 30, width: 3, description: "" }])).toThrow("bit field A: bits 32:30 are not within 32 bits");
    expect(() => bitFields([{ name: "A", bit: 0, width: 4, description: "" }, { name: "B", bit: 3, width: 1, description: "" }])).toThrow("bit field B overlaps another field of its table");
    expect(() => bitFields([{ name: "A", bit: 0, width: 1, description: "" }, { name: "A", bit: 1, width: 1, description: "" }])).toThrow(/bit field A is defined twice/);
    expect(() => bitFields([{ name: "list", bit: 0, width: 1, description: "" }])).toThrow(/named as a member of the table/);
  });
});
