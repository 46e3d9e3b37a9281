import { DropCounter, type DroppedBytes } from "../sim/stats/drop-counter.js";
import type { DeviceDropReason } from "./spec/drop-reasons.js";

/** Per-queue counters behind the TQPC/TQBC/RQPC/RQBC/RQDPC registers, plus the drop reasons. */
export class Statistics {
  readonly txPackets: number[];
  readonly txBytes: number[];
  readonly rxPackets: number[];
  readonly rxBytes: number[];
  readonly rxBufferDrops: number[];
  /** Frames the device dropped, by reason (hw/spec/drop-reasons.ts). */
  readonly drops = new DropCounter<DeviceDropReason>();

  constructor(queues: number) {
    const zeros = (): number[] => new Array<number>(queues).fill(0);
    this.txPackets = zeros();
    this.txBytes = zeros();
    this.rxPackets = zeros();
    this.rxBytes = zeros();
    this.rxBufferDrops = zeros();
  }

  /** A frame dropped, with what the device holds of it (for the scoreboard to name the packet). */
  drop(reason: DeviceDropReason, dropped: DroppedBytes): void {
    this.drops.count(reason, dropped);
  }
}

/** A counter as a 32-bit register shows it: wrapped. */
export function register32(value: number): number {
  return value % 0x1_0000_0000;
}
