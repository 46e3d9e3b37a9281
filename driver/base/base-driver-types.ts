/** What the base driver hands up and takes down: received frames, how a frame is posted, room held on a ring, its counters. */

export interface DriverReceivedFrame {
  readonly queue: number;
  readonly time: number;
  readonly bytes: Uint8Array;
  readonly trafficClass: number;
  /** Error code from the device's write-back (0: none). */
  readonly error: number;
  /** Write-back STATUS of the last descriptor: IPSEC (decrypted by the NIC) or SA_MISS. */
  readonly status: number;
  readonly spi: number;
  readonly saHandle: number;
}

/** How a frame is posted: more to follow before the doorbell, its class, and the SA it is encrypted with inline. */
export interface TransmitOptions {
  readonly more?: boolean;
  readonly trafficClass?: number;
  readonly ipsec?: { readonly saPointer: number; readonly saHandle: number };
}

/** Room held on a TX ring for one frame (BaseDriver.reserve). */
export interface TxReservation {
  readonly queue: number;
  readonly descriptors: number;
}

export interface BaseDriverStatistics {
  txFrames: number;
  txBytes: number;
  txErrors: number;
  rxFrames: number;
  rxBytes: number;
  rxErrors: number;
  doorbells: number;
  interrupts: number[];
  errorInterrupts: number;
  polls: number;
  budgetExhausted: number;
  ringFullWaits: number;
  /** Queues (either direction) reset after the device disabled them on a fault. */
  queueResets: number;
}

/** Frames the driver took from its RX rings, those the NIC flagged (rxErrors) too: what the NIC's RQPC counts once the driver has caught up. */
export function framesTaken(statistics: BaseDriverStatistics): number {
  return statistics.rxFrames + statistics.rxErrors;
}
