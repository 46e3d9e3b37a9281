import { describe, expect, test } from "vitest";
import { ErrorCode } from "../../hw/spec/errors.js";
import * as R from "../../hw/spec/registers.js";
import { RawQueue } from "../support/raw-queue.js";
import { misuse } from "../support/misuse.js";
import { system } from "../support/nic.js";
import { encodeSaRecord } from "../../hw/spec/sa-record.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";

/** The harness's device has 4 queues: the base driver owns 0 and 1, the tests misuse 2 and 3. */
const QUEUES = 4;
const LAST_QUEUE = QUEUES - 1;

/** The offset of an instance of a register, and the queue a diagnostic should name for it: a queue's own register (its ring's, its statistics, its schedule) names it, RQ… and RX… ones as an RX queue. */
function instance(register: R.RegisterSpec, index: number): { offset: number; queue: number | null; direction?: "tx" | "rx" } {
  const offset = register.offset + (register.stride ?? 0) * index;
  const at = R.queueRegisterAt(offset, QUEUES);
  if (at) return { offset, queue: at.queue, direction: at.direction };
  return register.instance === "queue" ? { offset, queue: index, direction: register.name.startsWith("R") ? "rx" : "tx" } : { offset, queue: null };
}

const readOnly = R.REGISTERS.filter((register) => register.access === "RO");
const writeOnly = R.REGISTERS.filter((register) => register.access === "WO");
const perInstance = R.REGISTERS.filter((register) => register.instance === "queue" || register.instance === "vector");

describe("every register: the wrong access is a modelled error naming it, and the run goes on", () => {
  test.each(readOnly.map((register) => [register.name, register] as const))("a write to read-only %s is ignored", (_, register) => {
    const { offset, queue, direction } = instance(register, register.stride ? LAST_QUEUE : 0);
    let before = -1;
    let after = -2;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        before = (yield bus.mmioRead(offset)) as number;
        bus.mmioWrite(offset, 0x5a5a);
        after = (yield bus.mmioRead(offset)) as number;
      },
      // The offset is logged, not the value: a misdirected write can carry key bytes.
      { code: "READ_ONLY_REGISTER", queue, direction, index: null, field: "REGISTER", value: offset, mentions: [`offset of ${register.stride ? `${register.name}[${LAST_QUEUE}]` : register.name} (the value written is not logged) = 0x${offset.toString(16)}`, direction === "rx" ? "RX queue" : ""] },
    );
    // STATUS.ERROR is the one bit the write's own error changes.
    if (register.name === "STATUS") expect(after & ~R.STATUS_ERROR).toBe(before & ~R.STATUS_ERROR);
    else if (register.name !== "ERROR_COUNT" && !register.name.startsWith("ERRLOG")) expect(after).toBe(before);
  });

  test.each(writeOnly.map((register) => [register.name, register] as const))("a read of write-only %s returns 0", (_, register) => {
    let value = -1;
    misuse(
      function* (top) {
        value = (yield top.driver.base.bus.mmioRead(register.offset)) as number;
      },
      // SA_STAGE among them: it holds key and salt bytes, so it cannot be read back (over nicsim serve, a read's value left the model).
      { code: "WRITE_ONLY_REGISTER", queue: null, index: null, field: "REGISTER", value: register.offset, mentions: [`offset of ${register.stride ? `${register.name}[0]` : register.name} = 0x${register.offset.toString(16)}`, "returns 0"] },
    );
    expect(value).toBe(0);
  });

  test.each(perInstance.map((register) => [register.name, register] as const))("%s of an instance the device does not have is no register", (_, register) => {
    // Queue registers stop at the device's queues, vector registers at its vectors (one per queue and the error vector).
    const index = register.instance === "vector" ? QUEUES + 1 : QUEUES;
    const { offset } = instance(register, index);
    let value = 0;
    misuse(
      function* (top) {
        value = (yield top.driver.base.bus.mmioRead(offset)) as number;
      },
      // Named, with why it is none here (the offset alone was said; from a driver developer's check).
      { code: "UNKNOWN_REGISTER", queue: null, index: null, field: "REGISTER", value: offset, mentions: [`0x${offset.toString(16)}`, `(${register.name}[${index}]: a queue or vector of the largest device, beyond this one's ${QUEUES} queues and ${QUEUES + 1} vectors)`] },
    );
    expect(value).toBe(0xffffffff);
  });

  // Named with the register it falls in (it said only "an offset with no register"; from a driver developer's check).
  test.each(R.REGISTERS.map((register) => [register.name, register] as const))("an unaligned access inside %s is no register, and names it", (_, register) => {
    const offset = register.offset + 2;
    misuse(
      function* (top) {
        top.driver.base.bus.mmioWrite(offset, 1);
      },
      { code: "UNKNOWN_REGISTER", queue: null, index: null, field: "REGISTER", value: offset, mentions: [`0x${offset.toString(16)}`, `(unaligned: byte 2 of ${register.stride ? `${register.name}[0]` : register.name} at 0x${register.offset.toString(16)}`, "a write is ignored"] },
    );
  });

  test("an unaligned access inside a register of a queue the device lacks says both (it said only the offset; from a re-check)", () => {
    const offset = R.TDBAL(QUEUES) + 1;
    misuse(
      function* (top) {
        top.driver.base.bus.mmioWrite(offset, 1);
      },
      { code: "UNKNOWN_REGISTER", queue: null, index: null, field: "REGISTER", value: offset, mentions: [`(unaligned: byte 1 of TDBAL[${QUEUES}]: a queue or vector of the largest device, beyond this one's ${QUEUES} queues`, `at 0x${R.TDBAL(QUEUES).toString(16)}`] },
    );
  });

  // A driver that swaps a register write's arguments writes a key word as the offset: it was logged, and shown in every diagnostic (from a driver developer's check).
  test.each([
    ["write", "the map's end", R.REGISTER_MAP_END],
    ["write", "a key word", 0x519e3ac7],
    ["read", "a key word", 0xf06b48d2],
  ] as const)("an MMIO %s at %s, at or past the register map's end, logs no offset", (access, _, offset) => {
    let value = 0;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        if (access === "write") bus.mmioWrite(offset, 0x1da84f93);
        else value = (yield bus.mmioRead(offset)) as number;
      },
      { code: "UNKNOWN_REGISTER", queue: null, index: null, field: "REGISTER", value: 0, mentions: [`MMIO ${access} offset, at or past the register map's end (0x${R.REGISTER_MAP_END.toString(16)})`], unshown: offset === R.REGISTER_MAP_END ? [] : [offset.toString(16), offset.toString(10), "1da84f93"] },
    );
    if (access === "read") expect(value).toBe(0xffffffff);
  });

  test("the register map ends at the page after its last register, and the page before it holds one", () => {
    expect(R.REGISTER_MAP_END % 4096).toBe(0);
    expect(R.REGISTERS.some((register) => register.offset >= R.REGISTER_MAP_END - 4096)).toBe(true);
  });
});

describe("register values out of their range", () => {
  test("a TX_SCHED percent above 100 is taken as 100, and says so", () => {
    let readBack = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        bus.mmioWrite(R.TX_SCHED(3), R.encodeTxSched({ strict: true, percent: 120, remaining: 0 }));
        readBack = (yield bus.mmioRead(R.TX_SCHED(3))) as number;
      },
      { code: "VALUE_OUT_OF_RANGE", queue: 3, index: null, field: "REGISTER", value: 100, mentions: ["TX_SCHED[3].PERCENT (above 100; the value used) = 0x64", "nearest valid value"], unshown: ["120"] },
    );
    expect(readBack).toBe(R.encodeTxSched({ strict: true, percent: 100, remaining: 0 }));
  });

  // From a driver developer's check: 150 written as a percent spilled into bit 7 and read back 22 with no word, where 101 was refused.
  test("a TX_SCHED value with bits outside its fields (a percent too wide for its 7 bits) is read without them, and says so", () => {
    let readBack = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        bus.mmioWrite(R.TX_SCHED(3), 150);
        readBack = (yield bus.mmioRead(R.TX_SCHED(3))) as number;
      },
      { code: "VALUE_OUT_OF_RANGE", queue: 3, index: null, field: "REGISTER", value: 0, mentions: ["TX_SCHED[3].reserved bits set (a field's value too wide for it spills into them; the fields are read without them, and not logged)"], unshown: ["150", "0x16", "= "] },
    );
    expect(R.decodeTxSched(readBack)).toEqual({ strict: false, percent: 22, remaining: 0 });
  });

  // From a driver developer's check: the fields read from a key word written to TX_SCHED or TXPBSIZE (a record staged at the wrong base) were logged, 15 and 10 of its bits.
  test.each([
    ["TX_SCHED", R.TX_SCHED(LAST_QUEUE), 0xa3a2a1a0],
    ["TXPBSIZE", R.TXPBSIZE(LAST_QUEUE), 0xa3a2a009],
  ])("a key word written to %s with reserved bits set: none of its bits is logged", (name, offset, keyWord) => {
    const top = misuse(
      function* (top) {
        top.driver.base.bus.mmioWrite(offset, keyWord);
      },
      { code: "VALUE_OUT_OF_RANGE", queue: LAST_QUEUE, index: null, field: "REGISTER", value: 0, mentions: [`${name}[${LAST_QUEUE}].reserved bits set`, "not logged"], unshown: ["= ", "0x", "a0", "a1", "a2", "a3"] },
    );
    expect(top.nic.diagnostics[0]!.withheld).toBe(true);
  });

  test("a TX_SCHED remaining percent above 100 is taken as 100, and says so", () => {
    let readBack = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        bus.mmioWrite(R.TX_SCHED(2), R.encodeTxSched({ strict: false, percent: 10, remaining: 127 }));
        readBack = (yield bus.mmioRead(R.TX_SCHED(2))) as number;
      },
      { code: "VALUE_OUT_OF_RANGE", queue: 2, index: null, field: "REGISTER", value: 100, mentions: ["TX_SCHED[2].REMAINING (above 100; the value used) = 0x64", "nearest valid value"], unshown: ["127"] },
    );
    expect(R.decodeTxSched(readBack)).toEqual({ strict: false, percent: 10, remaining: 100 });
  });

  test("a TXPBSIZE part smaller than one longest frame is taken as one, and says so", () => {
    let readBack = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        bus.mmioWrite(R.TXPBSIZE(3), 1);
        readBack = (yield bus.mmioRead(R.TXPBSIZE(3))) as number;
      },
      { code: "VALUE_OUT_OF_RANGE", queue: 3, index: null, field: "REGISTER", value: 9, mentions: ["TXPBSIZE[3].SIZE (below one longest frame; the value used, KB) = 0x9", "nearest valid value"] },
    );
    // MAXFRS 9216 bytes: 9 KB.
    expect(readBack).toBe(9);
  });

  test("TXPBSIZE parts adding up to more than the TX packet buffer: the part is cut to what is left, and says so", () => {
    let readBack = -1;
    let others = 0;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        for (let queue = 0; queue < QUEUES - 1; queue++) others += (yield bus.mmioRead(R.TXPBSIZE(queue))) as number;
        bus.mmioWrite(R.TXPBSIZE(LAST_QUEUE), 1000);
        readBack = (yield bus.mmioRead(R.TXPBSIZE(LAST_QUEUE))) as number;
      },
      { code: "VALUE_OUT_OF_RANGE", queue: LAST_QUEUE, index: null, field: "REGISTER", value: NaN, mentions: [`TXPBSIZE[${LAST_QUEUE}].SIZE (above what the other queues' parts leave of the buffer; the value used, KB)`, "nearest valid value"], unshown: ["1000"] },
    );
    // The 160 KB buffer, less the other queues' parts.
    expect(readBack).toBe(160 - others);
  });

  test("a ring length that is not a multiple of 128 bytes: enabling is refused", () => {
    let enabled = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        const base = bus.memory.allocate(4096, "ring", R.RING_ALIGNMENT);
        bus.mmioWrite(R.RDBAL(3), base % 0x1_0000_0000);
        bus.mmioWrite(R.RDBAH(3), Math.floor(base / 0x1_0000_0000));
        bus.mmioWrite(R.RDLEN(3), 100);
        bus.mmioWrite(R.RXDCTL(3), R.QUEUE_ENABLE);
        enabled = (yield bus.mmioRead(R.RXDCTL(3))) as number;
      },
      // The register's offset and what is wrong, not the length: a misdirected SA record's key words land there (from a driver developer's check).
      { code: "INVALID_RING_LENGTH", queue: 3, direction: "rx", index: null, field: "RING_LENGTH", value: R.RDLEN(3), mentions: ["RX queue 3", `offset of RDLEN[3] (the length written there is not a multiple of 128; the value is not logged) = 0x${R.RDLEN(3).toString(16)}`] },
    );
    expect(enabled).toBe(0);
  });

  // From a driver developer's check: a base off by 64, a length of 100 and SRRCTL 0 took three enables to learn of, one problem each.
  test("an enable with a bad base, a bad length and no buffer size logs all three at once, in that order, and is refused", () => {
    const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2 });
    let enabled = -1;
    kernel.process("misbehaving", function* () {
      const bus = top.driver.base.bus;
      yield top.driver.base.whenReady();
      const base = bus.memory.allocate(4096, "ring", R.RING_ALIGNMENT) + 64;
      bus.mmioWrite(R.RDBAL(3), base % 0x1_0000_0000);
      bus.mmioWrite(R.RDBAH(3), Math.floor(base / 0x1_0000_0000));
      bus.mmioWrite(R.RDLEN(3), 100);
      bus.mmioWrite(R.SRRCTL(3), 0);
      bus.mmioWrite(R.RXDCTL(3), R.QUEUE_ENABLE);
      enabled = (yield bus.mmioRead(R.RXDCTL(3))) as number;
      yield delay(us(5));
    });
    kernel.run({ until: us(30) });
    expect(enabled & R.QUEUE_ENABLE).toBe(0);
    expect(top.nic.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.queue])).toEqual([
      ["UNALIGNED_RING_BASE", 3],
      ["INVALID_RING_LENGTH", 3],
      ["ZERO_LENGTH_BUFFER", 3],
    ]);
    expect(top.driver.base.deviceErrors.map((entry) => entry.code)).toEqual(["UNALIGNED_RING_BASE", "INVALID_RING_LENGTH", "ZERO_LENGTH_BUFFER"]);
  });

  test.each([
    ["an INDEX past the table", R.SA_COMMAND_INVALIDATE | 4000, "SA_COMMAND.INDEX (past the TX table of", 0],
    ["OPERATION 0", 7, "SA_COMMAND.OPERATION (not an operation)", 0],
    ["reserved bits set", R.SA_COMMAND_INVALIDATE | (1 << 20) | 3, "SA_COMMAND (reserved bits set: not a command)", 0],
  ] as const)("SA_COMMAND with %s is refused, with SA_STATUS saying why, and what was written not shown", (_, command, label, value) => {
    let status = -1;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        bus.mmioWrite(R.SA_COMMAND, command >>> 0);
        status = (yield bus.mmioRead(R.SA_STATUS)) as number;
      },
      { code: "INVALID_SA_HANDLE", queue: null, index: null, field: "SA_COMMAND", value, mentions: [label] },
    );
    expect(status).toBe(ErrorCode.INVALID_SA_HANDLE);
  });

  test.each([
    ["TDBAL", "tx", R.TDBAL],
    ["TDBAH", "tx", R.TDBAH],
    ["TDLEN", "tx", R.TDLEN],
    ["RDBAL", "rx", R.RDBAL],
    ["RDBAH", "rx", R.RDBAH],
    ["RDLEN", "rx", R.RDLEN],
    ["SRRCTL", "rx", R.SRRCTL],
  ] as const)("%s written while its queue is enabled is ignored (the device keeps what it took at the enable)", (name, direction, register) => {
    let before = -1;
    let after = -2;
    misuse(
      function* (top) {
        const bus = top.driver.base.bus;
        new RawQueue(bus, direction, 2);
        before = (yield bus.mmioRead(register(2))) as number;
        bus.mmioWrite(register(2), 0x4000);
        after = (yield bus.mmioRead(register(2))) as number;
      },
      // Its offset, not the value written: a misdirected write (an SA record staged at the wrong offset) can carry key bytes.
      { code: "QUEUE_REGISTER_WHILE_ENABLED", queue: 2, direction, index: null, field: "REGISTER", value: register(2), mentions: [`${direction.toUpperCase()} queue 2`, `offset of ${name}[2] = 0x${register(2).toString(16)}`, "what was written is not logged", "disable the queue first"], unshown: ["4000", "16384"] },
    );
    expect(after).toBe(before);
  });
});

test("a register's instance helper refuses an index it does not have, which named another register (SA_STAGE(32) was SA_COMMAND, TDBAL(64) RDBAL(0))", () => {
  expect(() => R.SA_STAGE(R.SA_STAGE_WORDS)).toThrow("SA_STAGE has instances 0 to 31; not 32");
  expect(() => R.TDBAL(64)).toThrow("TDBAL has instances 0 to 7; not 64");
  expect(() => R.EITR(32)).toThrow("EITR has instances 0 to 8; not 32");
  expect(() => R.SA_QOS_MAP(-1)).toThrow("SA_QOS_MAP has instances 0 to 31; not -1");
  expect(() => R.TDT(1.5)).toThrow("TDT has instances 0 to 7; not 1.5");
  expect(R.SA_STAGE(31)).toBe(R.SA_STAGE(0) + 124);
  expect(R.EITR(8)).toBe(R.EITR(0) + 32);
});

test("an SA_COMMAND refused while an INSTALL_POINTER reads its record leaves SA_STATUS with its own code, whether BUSY or reserved bits (the install's success overwrote the reserved-bit refusal; from a check of the fix), and its GENERATION with the install's (it was 0, and no handle could name the SA installed; from a driver developer's check)", () => {
  const record = encodeSaRecord({ uniqueId: 7, protocol: 50, direction: 0, spi: 0x5000, icvLength: 16, qosGroup: null, esn: false, keyMaterial: new Uint8Array(20).fill(0x11), source: Uint8Array.of(10, 0, 0, 1), destination: Uint8Array.of(10, 0, 0, 2) });
  for (const [second, code] of [[R.SA_COMMAND_INVALIDATE | 5, ErrorCode.SA_COMMAND_BUSY], [0x02beef12, ErrorCode.INVALID_SA_HANDLE]] as const) {
    const { kernel, top } = system({ "top.nic.queues": 2, "top.driver.base.queues": 2 });
    let status = -1;
    kernel.process("hand", function* () {
      yield top.driver.base.whenReady();
      const bus = top.driver.base.bus;
      const pointer = top.memory.allocate(128, "record", 64);
      top.memory.write(pointer, record);
      bus.mmioWrite(R.SA_STAGE(0), pointer % 2 ** 32);
      bus.mmioWrite(R.SA_STAGE(1), Math.floor(pointer / 2 ** 32));
      bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INSTALL_POINTER | 5) >>> 0);
      bus.mmioWrite(R.SA_COMMAND, second >>> 0);
      yield delay(us(5));
      status = (yield bus.mmioRead(R.SA_STATUS)) as number;
    });
    kernel.run({ until: us(40) });
    expect(status & R.SA_STATUS_CODE_MASK).toBe(code);
    const generation = (status >>> R.SA_STATUS_GENERATION_SHIFT) & R.SA_STATUS_GENERATION_MASK;
    expect(generation).toBeGreaterThan(0);
    expect(top.nic.offload.cache.txByHandle((generation << 16) | 6).kind).toBe("entry");
  }
});
