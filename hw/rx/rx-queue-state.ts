import type { DescriptorFetch } from "../descriptor-prefetch.js";
import type { QueueScope } from "../queue-scope.js";
import { QueueState } from "../queue-state.js";
import type { RingRegisters } from "../ring.js";
import { RX_DESCRIPTOR } from "../spec/descriptors.js";
import type { FLAGGED_DROP_REASONS } from "../spec/drop-reasons.js";
import { readExact } from "../spec/layout.js";

/** A frame in the RX packet buffer, from the MAC until its writes are done. */
export interface RxFrame {
  bytes: Uint8Array;
  readonly trafficClass: number;
  /** False while its ESP packet is being decrypted. */
  ready: boolean;
  /** RX write-back STATUS bits beyond DD/EOP (IPSEC, SA_MISS), ERROR code, SPI and SA handle. */
  ipsecStatus: number;
  error: number;
  /** Why its descriptor will carry an error, counted when the driver is told: a frame whose buffers cannot be written is an RX_DMA_ERROR instead. */
  flagged: FlaggedReason | null;
  spi: number;
  handle: number;
  /** One of its descriptors' write-backs failed: the driver never learns of it, so it is no packet received. */
  writeBackFailed: boolean;
  /** One of its write-backs failed as it landed: the RX engine takes the rest of them after that one, in order (RxWriteBackLandings). */
  writeBackFailing: boolean;
}

export type FlaggedReason = (typeof FLAGGED_DROP_REASONS)[number];

export type Tag = DescriptorFetch | { kind: "write-back"; queue: number; index: number; frameLength: number; eop: boolean; frame: RxFrame; placed: boolean };

export interface RxBuffer {
  readonly index: number;
  readonly address: number;
  /** BUFFER_ADDRESS as written, when beyond 2^53 (a number cannot hold it): for its error. */
  readonly exactAddress?: bigint;
}

/** An RX descriptor as fetched: its buffer's address (exact when a number cannot hold it) and its place in the ring. */
function rxBuffer(data: Uint8Array, offset: number, index: number): RxBuffer {
  const address = RX_DESCRIPTOR.fields.bufferAddress.read(data, offset);
  if (address <= Number.MAX_SAFE_INTEGER) return { index, address };
  return { index, address, exactAddress: readExact(RX_DESCRIPTOR.fields.bufferAddress, data, offset) as bigint };
}

/** A frame that has taken its descriptors, waiting for the DMA link's room to be written (the buffer size it took them with). */
export interface AssignedFrame {
  readonly frame: RxFrame;
  readonly buffers: readonly RxBuffer[];
  readonly bufferSize: number;
}

/** An RX queue in the RX engine: its descriptor cache, its frames waiting in the RX packet buffer, and those that have their descriptors and wait to be written. */
export class RxQueueState extends QueueState<RxBuffer> {
  readonly frames: RxFrame[] = [];
  readonly assigned: AssignedFrame[] = [];
  bufferSize = 2048;
  constructor(ring: RingRegisters, scope: QueueScope) {
    super(ring, scope, (data, offset, index) => rxBuffer(data, offset, index), true);
  }
}
