import { param } from "../../sim/parameters.js";
import { DEFAULT_WRITE_BACK_DELAY } from "./write-back.js";

/** Frames the TX engine holds at once, and of those the ones only strict queues may start. */
export const DEFAULT_FRAMES_IN_FLIGHT = 64;
export const DEFAULT_PRIORITY_RESERVE = 8;
export const DEFAULT_TX_BUFFER_BYTES = 163840;

/** The TX engine's parameters: its descriptor cache, packet buffer, frames in flight and write-back. */
export const TX_ENGINE_PARAMETERS = {
  descriptorBatch: param.integer(8, "Most TX descriptors fetched per DMA read: a queue's fetch starts once half its cache is free (the whole cache with one read tag), no more than a batch, or with 16 read tags or more an eighth while 8 are spare, or sooner for a frame the cache holds only part of", { minimum: 1, maximum: 64 }),
  descriptorCache: param.integer(64, "TX descriptors the device holds per queue", { minimum: 4, maximum: 1024 }),
  bufferBytes: param.bytes(DEFAULT_TX_BUFFER_BYTES, "TX packet buffer between DMA and MAC (160 KB, as Intel's 82599)", { minimum: 1024 }),
  bufferPartition: param.choice("per-class", ["per-class", "shared"] as const, "per-class: the buffer is split equally among the queues (TXPBSIZE in DCB mode, as the 82599 and ixgbe's equal strategy); shared: one pool, where a frame that does not fit keeps its turn"),
  sharedThreshold: param.number(1, "Shared buffer: a queue starts no frame while its frames read and waiting for the wire hold this many times the room still free or more, and two longest frames (the dynamic threshold of shared-buffer switches); 0: no limit", { minimum: 0, maximum: 1024 }),
  framesInFlight: param.integer(DEFAULT_FRAMES_IN_FLIGHT, "Frames the TX engine holds at once, from the start of their buffer reads until it hands them to the MAC: for inline IPsec their encryption too", { minimum: 1, maximum: 4096 }),
  priorityReserve: param.integer(DEFAULT_PRIORITY_RESERVE, "Of those, frames only strict (priority) queues may start: the other queues' frames in flight stay below framesInFlight minus this, whatever the strict ones hold", { minimum: 0, maximum: 4096 }),
  writeBackDelay: param.cycles(DEFAULT_WRITE_BACK_DELAY, "With TXDCTL.WTHRESH set, core cycles a done descriptor waits for the threshold before it is written back anyway (the 82599 flushes on its interrupt timer)", { maximum: 1_000_000_000 }),
};
