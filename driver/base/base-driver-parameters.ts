import { param } from "../../sim/parameters.js";
import * as R from "../../hw/spec/registers.js";
import { ringLength } from "./ring-registers.js";

/** driver.base.txRingDescriptors when a scenario gives none. */
export const DEFAULT_TX_RING_DESCRIPTORS = 512;
export const DEFAULT_TX_BUFFER_BYTES = 2048;

/** The base driver's parameters: its rings and buffers, doorbells and polls, interrupt moderation, the CPU time of its work, queue resets and how it fills the SA tables. */
export const BASE_DRIVER_PARAMETERS = {
  queues: param.integer(0, "Queue pairs the driver brings up (0: every one the device has)", { minimum: 0, maximum: R.MAX_QUEUES }),
  txRingDescriptors: param.integer(DEFAULT_TX_RING_DESCRIPTORS, "Descriptors per TX ring, a multiple of 4 (TDLEN is whole 128-byte blocks)", { minimum: 8, maximum: R.MAX_RING_DESCRIPTORS, check: ringLength("TDLEN") }),
  rxRingDescriptors: param.integer(512, "Descriptors per RX ring, a multiple of 4 (RDLEN is whole 128-byte blocks)", { minimum: 8, maximum: R.MAX_RING_DESCRIPTORS, check: ringLength("RDLEN") }),
  txWriteBackThreshold: param.integer(0, "TXDCTL.WTHRESH for every TX ring: 0 has each frame's RS descriptor written back as the device finishes with the frame (its buffers read in, and encrypted for inline IPsec); n > 0 lets the device gather n done descriptors and write them back in one burst (ixgbe uses 8 at low interrupt rates)", { minimum: 0, maximum: 127 }),
  txBufferBytes: param.bytes(DEFAULT_TX_BUFFER_BYTES, "Bytes per TX slot buffer; longer frames take several descriptors", { minimum: 64, maximum: 65535 }),
  rxBufferBytes: param.bytes(2048, "Bytes per RX buffer (SRRCTL); longer frames span several", { minimum: 64, maximum: R.MAX_RECEIVE_BUFFER }),
  doorbellBatch: param.integer(8, "Frames posted before the doorbell is rung even if more follow (transmit(…, { more: true }) in the library; a scenario's senders post one packet at a time, and ring as they post)", { minimum: 1, maximum: 65536 }),
  napiBudget: param.integer(64, "Frames received per poll before yielding the CPU", { minimum: 1, maximum: 65536 }),
  interruptIntervalNanoseconds: param.integer(0, "EITR written for the vectors of queues that carry no priority (strict) class; those of priority classes get 0, so that their frames are not held back", { minimum: 0, maximum: 0xffff_ffff, unit: "ns" }),
  interruptPacketThreshold: param.integer(0, "EITR_PACKETS written for every queue vector (0: none)", { minimum: 0, maximum: 0xffff_ffff }),
  postNanoseconds: param.integer(20, "CPU time to post one descriptor", { minimum: 0, maximum: 1e9, unit: "ns" }),
  copyBytesPerNanosecond: param.integer(16, "CPU copy bandwidth into and out of buffers", { minimum: 1, maximum: 1e9 }),
  cleanNanoseconds: param.integer(10, "CPU time to clean one descriptor (TX or RX)", { minimum: 0, maximum: 1e9, unit: "ns" }),
  interruptNanoseconds: param.integer(1000, "CPU time to enter and leave the interrupt handler", { minimum: 0, maximum: 1e9, unit: "ns" }),
  mmioWriteNanoseconds: param.integer(100, "CPU time of one MMIO register write (an uncached store to the device)", { minimum: 0, maximum: 1e9, unit: "ns" }),
  resetPollNanoseconds: param.integer(1000, "Queue reset: time between reads of TXDCTL/RXDCTL while the device still holds frames of the queue (BUSY)", { minimum: 1, maximum: 1e9, unit: "ns" }),
  resetBackoffNanoseconds: param.integer(2000, "Queue reset: wait before resetting a queue that faulted again without progress, doubled at each such fault", { minimum: 0, maximum: 1e9, unit: "ns" }),
  resetBackoffMaximumNanoseconds: param.integer(50_000, "Queue reset: the longest such wait", { minimum: 0, maximum: 1e9, unit: "ns" }),
  saFill: param.choice("driver", ["driver", "pointer"] as const, "How the NIC's SA tables are filled: the driver stages each record through SA_STAGE, or it passes pointers (TX entries filled by the NIC's fetch through the descriptor's SA pointer, RX ones by INSTALL_POINTER); either way the placement policy decides which SAs are cached"),
};
