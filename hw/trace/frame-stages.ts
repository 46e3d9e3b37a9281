/** The points a frame passes in the NIC, for latency broken down by stage. */
export type FrameStage =
  /** TX: the engine took the frame's descriptors and began reading its buffers (it holds TX buffer room from here). */
  | "frame-started"
  /** In the crypto pipeline's queue. */
  | "crypto-queued"
  /** An engine's front stage took it (SA lookup, key setup), the first time. */
  | "crypto-started"
  /** Its lookup and key setup were done, the first time: ready for the data path. */
  | "crypto-ready"
  /** An engine's data path took it, the first time. */
  | "crypto-running"
  | "crypto-done"
  /** Ready for the MAC, in its queue's order. */
  | "mac-queued"
  /** First bit on the wire. */
  | "wire-start"
  /** Last bit on the wire. */
  | "wire-end"
  /** RX: the write-back of its last descriptor (DD) reached host memory. Timed at the RX engine's edge after the landing; told to the listener as it lands, that cycle early, where the engine does not run on that edge (RxWriteBackLandings). */
  | "descriptor-done";

export interface StageEvent {
  readonly direction: "tx" | "rx";
  readonly stage: FrameStage;
  readonly time: number;
  /** The same object at every stage of one frame. */
  readonly frame: object;
  /** Its bytes at this stage (plaintext before encryption, ciphertext after). */
  readonly bytes: Uint8Array;
}

/**
 * Where the NIC reports the stages each frame goes through. Nothing is kept: a listener (a
 * benchmark, a test) gathers what it needs, and with none attached recording costs a test.
 */
export class FrameStages {
  listener: ((event: StageEvent) => void) | null = null;

  record(direction: "tx" | "rx", stage: FrameStage, time: number, frame: object, bytes: Uint8Array): void {
    this.listener?.({ direction, stage, time, frame, bytes });
  }
}
