import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import type { WireFrame } from "./frame.js";
import { type Wire, WireToken } from "./wire.js";

export interface ReceivedFrame {
  /** Time the frame's last bit arrived. */
  readonly time: number;
  readonly bytes: Uint8Array;
}

/**
 * The remote end of the link: a station that sends frames back to back at the line rate in the
 * order given, and records (and hands to `onReceive`) every frame it receives.
 */
@injectable()
export class RemotePeer extends Component {
  readonly txFrames = this.signal("tx_frames", 32, { kind: "integer" });
  readonly rxFrames = this.signal("rx_frames", 32, { kind: "integer" });
  readonly received: ReceivedFrame[] = [];
  /** Keep received frames in `received` (turn off for long runs that only count). */
  keepReceived = true;
  onReceive: (frame: ReceivedFrame) => void = () => {};
  private lineFreeAt = 0;
  private sent = 0;
  private transmitted = 0;
  private receivedCount = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(WireToken) private readonly wire: Wire) {
    super(context);
    wire.attach("peer", { frameEnd: (frame) => this.frameEnd(frame) });
  }

  /**
   * Queue a frame (without FCS) for sending; returns when its last bit will have left. Faults to
   * inject: `fcsGood: false` (a corrupted frame), `pad: false` (a runt, left shorter than 60 bytes).
   */
  send(bytes: Uint8Array, options: { fcsGood?: boolean; pad?: boolean } = {}): number {
    const start = Math.max(this.kernel.now, this.lineFreeAt);
    const end = this.wire.transmit("peer", { bytes, fcsGood: options.fcsGood ?? true, unpadded: options.pad === false }, start, () => this.txFrames.set(++this.transmitted));
    this.lineFreeAt = start + this.wire.occupancy(bytes.length);
    this.sent++;
    return end;
  }

  get receivedFrames(): number {
    return this.receivedCount;
  }

  /** Frames queued by send() so far. */
  get queued(): number {
    return this.sent;
  }

  private frameEnd(frame: WireFrame): void {
    const received = { time: this.kernel.now, bytes: frame.bytes };
    this.receivedCount++;
    this.rxFrames.set(this.receivedCount);
    if (this.keepReceived) this.received.push(received);
    this.onReceive(received);
  }
}
