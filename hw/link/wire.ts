import { zeroed } from "../../sim/bytes.js";
import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { param } from "../../sim/parameters.js";
import { MINIMUM_FRAME_BYTES, PREAMBLE_BYTES, FCS_BYTES, wireBytes } from "../../sim/packet/ethernet.js";
import type { WireFrame } from "./frame.js";

export type WireSide = "nic" | "peer";

export interface WireEnd {
  /**
   * A frame is on its way: its first bit arrives at `arrival` (now or later). Told as the frame is
   * sent, so that an end drawing the line busy plans for it itself, and no event runs when it
   * comes; left out by an end that does not watch the line.
   */
  frameComing?(arrival: number, length: number): void;
  /** The frame's last bit (FCS included) has arrived. */
  frameEnd(frame: WireFrame): void;
}

/** Sees every frame as it passes the NIC's port: time of its last bit there, and its direction. */
export type WireTap = (time: number, frame: WireFrame, from: WireSide) => void;

export const WireToken = Symbol("Wire");

/** A line rate in bytes a picosecond: what a policy's percents of the line are of. */
export const lineBytesPerPicosecond = (gigabitsPerSecond: number): number => gigabitsPerSecond / 8000;

/** Picoseconds to send `bytes` bytes at a line rate (rounded up). */
export const lineTime = (bytes: number, gigabitsPerSecond: number): number => Math.ceil((bytes * 8000) / gigabitsPerSecond);

/** The wire's parameters (`top.wire`): a scenario's checks read their defaults here. */
export const WIRE_PARAMETERS = {
  gigabitsPerSecond: param.number(25, "Line rate, 64,000 divided by a whole number (the MAC's period in picoseconds): 1, 10, 25, 40, 100, 400, …", { minimum: 0.001, maximum: 1600, unit: "Gb/s", check: wholeMacPeriod }),
  propagationNanoseconds: param.integer(10, "Propagation delay of the cable", { minimum: 0, maximum: 1e9, unit: "ns" }),
};

/**
 * The full-duplex link between the NIC and the remote peer, at one line rate. A frame sent at
 * `start` occupies the line for its preamble, bytes, padding and FCS, then the inter-frame gap;
 * it arrives at the far end after the propagation delay.
 */
@injectable()
export class Wire extends Component {
  readonly params = this.parameters(WIRE_PARAMETERS);
  private readonly ends: Partial<Record<WireSide, WireEnd>> = {};
  private readonly taps: WireTap[] = [];
  /** Frames sent and not yet at the far end. */
  framesInFlight = 0;
  /** The kernel's labels for a frame's events, made once: a label made per frame is garbage per frame. */
  private readonly endLabel = `${this.path}.end`;
  private readonly sentLabel = `${this.path}.sent`;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  attach(side: WireSide, end: WireEnd): void {
    this.ends[side] = end;
  }

  tap(listener: WireTap): void {
    this.taps.push(listener);
  }

  /** The line rate in bytes a picosecond: what a policy's percents of the line are of. */
  get bytesPerPicosecond(): number {
    return lineBytesPerPicosecond(this.params.gigabitsPerSecond);
  }

  /** Picoseconds to send `bytes` bytes at the line rate (rounded up). */
  duration(bytes: number): number {
    return lineTime(bytes, this.params.gigabitsPerSecond);
  }

  /** Time the line is busy with a frame, inter-frame gap included. */
  occupancy(frameLength: number): number {
    return this.duration(wireBytes(frameLength));
  }

  /**
   * Send a frame whose first bit leaves at `start` (not before now); `onSent` runs when its last
   * bit has left. Returns that time.
   */
  transmit(from: WireSide, frame: WireFrame, start: number, onSent?: () => void): number {
    const now = this.kernel.now;
    const padded = frame.unpadded ? frame.bytes.length : Math.max(frame.bytes.length, MINIMUM_FRAME_BYTES);
    const end = start + this.duration(PREAMBLE_BYTES + padded + FCS_BYTES);
    const delay = this.params.propagationNanoseconds * 1000;
    const to = this.ends[from === "nic" ? "peer" : "nic"];
    const onWire = padded === frame.bytes.length ? frame : { ...frame, bytes: pad(frame.bytes) };
    this.framesInFlight++;
    to?.frameComing?.(start + delay, onWire.bytes.length);
    // The tap sits at the NIC's port: a frame from the NIC passes it as it leaves, one from the peer as it arrives.
    if (delay === 0) {
      this.kernel.schedule(end - now, this.endLabel, () => {
        onSent?.();
        this.passTap(onWire, from);
        this.framesInFlight--;
        to?.frameEnd(onWire);
      });
    } else {
      // Nothing to do as the last bit leaves a sender that asks for nothing then, where the tap is not: no event.
      if (onSent !== undefined || from === "nic") {
        this.kernel.schedule(end - now, this.sentLabel, () => {
          onSent?.();
          if (from === "nic") this.passTap(onWire, from);
        });
      }
      this.kernel.schedule(end + delay - now, this.endLabel, () => {
        if (from === "peer") this.passTap(onWire, from);
        this.framesInFlight--;
        to?.frameEnd(onWire);
      });
    }
    return end;
  }

  private passTap(frame: WireFrame, from: WireSide): void {
    for (const listener of this.taps) listener(this.kernel.now, frame, from);
  }
}

function pad(bytes: Uint8Array): Uint8Array {
  const padded = zeroed(MINIMUM_FRAME_BYTES);
  padded.set(bytes);
  return padded;
}

/** The MAC clock moves one 64-bit word per cycle at the line rate: its period must be whole picoseconds. */
export function macPeriod(gigabitsPerSecond: number): number {
  return 64000 / gigabitsPerSecond;
}

function wholeMacPeriod(gigabitsPerSecond: number): string | null {
  const period = macPeriod(gigabitsPerSecond);
  if (Math.abs(period - Math.round(period)) <= 1e-9) return null;
  return `a rate that divides 64000: the MAC clock (64 bits per cycle) would have a period of ${period} ps, not a whole number`;
}
