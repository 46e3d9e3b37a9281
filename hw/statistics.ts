/** Per-queue counters behind the TQPC/TQBC/RQPC/RQBC/RQDPC registers, plus the drop reasons. */
export class Statistics {
  readonly txPackets: number[];
  readonly txBytes: number[];
  readonly rxPackets: number[];
  readonly rxBytes: number[];
  readonly rxBufferDrops: number[];
  /** Frames the device dropped, by reason (RX_BUFFER_FULL, FCS_ERROR, TX_DESCRIPTOR_ERROR, ...). */
  readonly drops = new Map<string, number>();

  constructor(queues: number) {
    const zeros = (): number[] => new Array<number>(queues).fill(0);
    this.txPackets = zeros();
    this.txBytes = zeros();
    this.rxPackets = zeros();
    this.rxBytes = zeros();
    this.rxBufferDrops = zeros();
  }

  drop(reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}

/** A counter as a 32-bit register shows it: wrapped. */
export function register32(value: number): number {
  return value % 0x1_0000_0000;
}
