import type { HostMemory } from "../../sim/host/memory.js";
import type { Command } from "../../sim/process.js";
import type { SimEvent } from "../../sim/sim-event.js";

/**
 * What the host sees of the device, and all a driver may use: MMIO register reads and posted
 * writes, interrupt messages, and the host memory the device reaches by DMA.
 */
export interface DeviceBus {
  readonly memory: HostMemory;
  /** Yield it from a process: resumes with the register's 32-bit value after the MMIO read latency. */
  mmioRead(offset: number): Command;
  /** Posted: returns at once; writes reach the device in order, after the MMIO write latency. */
  mmioWrite(offset: number, value: number): void;
  /** The message-signalled interrupt of a vector: yield it to wait for the next one. */
  interrupt(vector: number): SimEvent;
}

export const DeviceBusToken = Symbol("DeviceBus");
