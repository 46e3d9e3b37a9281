/** The longest frame (without FCS) the wire carries: the MAC's frame length is 16 bits (nic.maxFrameBytes is at most this). */
export const LONGEST_WIRE_FRAME = 0xffff;

/** A frame on the wire: its bytes without FCS (padding included), and whether its FCS is good. */
export interface WireFrame {
  readonly bytes: Uint8Array;
  /** The FCS itself is not carried; a peer can send a frame with a bad one to test the receiver. */
  readonly fcsGood: boolean;
  /** Fault injection: a frame shorter than 60 bytes stays short (a runt) instead of being padded. */
  readonly unpadded?: boolean;
}

/** A frame from the TX engine to the MAC, with the queue it came from for the statistics. */
export interface TransmitFrame {
  readonly bytes: Uint8Array;
  readonly queue: number;
  /** The TX engine's packet, to name the frame in stage events. */
  readonly packet: object;
}
