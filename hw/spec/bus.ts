import type { HostMemory } from "../../sim/host/memory.js";
import type { Command } from "../../sim/process.js";
import type { SimEvent } from "../../sim/sim-event.js";
import { valueKind } from "../../sim/shown-value.js";

/**
 * What the host sees of the device, and all a driver may use: MMIO register reads and posted
 * writes, interrupt messages, and the host memory the device reaches by DMA.
 */
export interface DeviceBus {
  readonly memory: HostMemory;
  /** Yield it from a process: resumes with the register's 32-bit value after the MMIO read latency. */
  mmioRead(offset: number): Command;
  /**
   * Posted: returns at once; writes reach the device in order, after the MMIO write latency.
   * `value` is a 32-bit pattern, unsigned or as JavaScript's bit operators make it (`a | b` with
   * bit 31 set is negative): both mean the same bits.
   */
  mmioWrite(offset: number, value: number): void;
  /** The message-signalled interrupt of a vector: yield it to wait for the next one. */
  interrupt(vector: number): SimEvent;
}

/**
 * The unsigned 32-bit pattern of a register value: integers from -2^31 to 2^32 - 1, so that the
 * signed results of `|`, `&`, `<<` and `~` are taken as the bits they stand for. Anything else
 * (fractions, NaN, values beyond 32 bits) is refused, naming the register, rather than truncated.
 */
export function registerValue(value: number, register: () => string): number {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0xffff_ffff) {
    // What the value is, not the value: a write to SA_STAGE carries key words (the text "1" was shown as 1, as if 1 were refused).
    throw new RangeError(`MMIO write of ${refusedNumber(value)} to ${register()}: registers take 32-bit integers (0 to 0xffffffff, or the signed -0x80000000 to -1 that bit operators give)`);
  }
  return value >>> 0;
}

/** What a number the bus refuses is, in words, never its digits. */
function refusedNumber(value: unknown): string {
  if (typeof value !== "number") return valueKind(value);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return String(value);
  if (!Number.isInteger(value)) return "a fraction";
  return value < -0x8000_0000 || value > 0xffff_ffff ? "a number beyond 32 bits" : "a negative number";
}

/**
 * A register offset as the bus takes it: a whole number of bytes from 0 to 0xffffffff. Anything
 * else (NaN, a fraction, a negative number, a string) is the caller's mistake, refused as such;
 * a whole offset where no register is stays the device's UNKNOWN_REGISTER.
 */
export function registerOffset(offset: number, access: "read" | "write"): number {
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset > 0xffff_ffff) {
    // What the offset is, not the offset: a register write with its arguments swapped puts a key word there.
    throw new RangeError(`MMIO ${access} at an offset of ${refusedNumber(offset)}: an offset is a whole number of bytes from 0 to 0xffffffff`);
  }
  return offset;
}

export const DeviceBusToken = Symbol("DeviceBus");
