import { param } from "../../sim/parameters.js";

/** The RX engine's parameters: its descriptor cache and packet buffer. */
export const RX_ENGINE_PARAMETERS = {
  descriptorBatch: param.integer(8, "Most RX descriptors fetched per DMA read: a queue's fetch starts once half its cache (at most the ring less one) is free (the whole cache with one read tag), no more than a batch, and the host holds that many to fetch (as HTHRESH); or with 16 read tags or more an eighth while 8 are spare and the host holds them; or sooner for a frame waiting for more than are cached or on their way", { minimum: 1, maximum: 64 }),
  descriptorCache: param.integer(64, "RX descriptors the device holds per queue", { minimum: 4, maximum: 1024 }),
  bufferBytes: param.bytes(262144, "RX packet buffer holding frames until their ring has descriptors and their DMA writes are done", { minimum: 16384 }),
  bufferPartition: param.choice("shared", ["shared", "per-class"] as const, "shared: one pool for every queue (as the 82599's without DCB), drop-tail unless sharedThreshold is set: a flood of one class drops the others' frames too; per-class: split equally among the queues (RXPBSIZE in DCB mode, as the 82599), each queue's frames dropped only when its own part is full"),
  sharedThreshold: param.number(0, "Shared buffer: 0, drop-tail (a frame is dropped only when the pool cannot hold it); above 0, a queue's arriving frame is also dropped (RX_BUFFER_FULL) while its frames hold this many times the room still free or more, and two longest frames (the dynamic threshold of shared-buffer switches): a flood of one class leaves room for the others, and with a threshold near 1 in a pool of several longest frames a class (nicsim validate: 256 KB, 1) the classes' shares follow the policy map; a class alone holds about threshold / (1 + threshold) of the pool (one frame more, and at least two longest frames)", { minimum: 0, maximum: 1024 }),
};
