import { Fifo, itsEdge } from "../sim/fifo.js";
import { DropCounter, type DroppedBytes } from "../sim/stats/drop-counter.js";
import type { DeviceDropReason } from "./spec/drop-reasons.js";

/** A frame received, counted on the RX engine's edge after its write-back landed (RxWriteBackLandings). */
interface ReceivedOn {
  readonly edge: number;
  readonly queue: number;
  readonly bytes: number;
}

/** Per-queue counters behind the TQPC/TQBC/RQPC/RQBC/RQDPC registers, plus the drop reasons. */
export class Statistics {
  readonly txPackets: number[];
  readonly txBytes: number[];
  private readonly rxPacketCounts: number[];
  private readonly rxByteCounts: number[];
  readonly rxBufferDrops: number[];
  /** Frames the device dropped, by reason (hw/spec/drop-reasons.ts). */
  readonly drops = new DropCounter<DeviceDropReason>();
  /** Frames received on edges still to be committed for a reader, in edge order. */
  private readonly receivedLater = new Fifo<ReceivedOn>();

  constructor(
    queues: number,
    /** The kernel: the latest time whose edges a reader sees committed. */
    private readonly time: { readonly committedThrough: number },
  ) {
    const zeros = (): number[] => new Array<number>(queues).fill(0);
    this.txPackets = zeros();
    this.txBytes = zeros();
    this.rxPacketCounts = zeros();
    this.rxByteCounts = zeros();
    this.rxBufferDrops = zeros();
  }

  /** Frames delivered to each queue (RQPC), as the edges a reader sees committed counted them. */
  get rxPackets(): readonly number[] {
    this.countReceived();
    return this.rxPacketCounts;
  }

  /** Their bytes (RQBC). */
  get rxBytes(): readonly number[] {
    this.countReceived();
    return this.rxByteCounts;
  }

  /** A frame of `bytes` delivered to the queue (the RX engine's run). */
  received(queue: number, bytes: number): void {
    this.rxPacketCounts[queue]!++;
    this.rxByteCounts[queue]! += bytes;
  }

  /** A frame delivered on the RX engine's edge at `edge`, told before it: counted once that edge is committed for a reader. Told in edge order. */
  receivedOn(edge: number, queue: number, bytes: number): void {
    this.receivedLater.push({ edge, queue, bytes });
  }

  private countReceived(): void {
    if (this.receivedLater.length !== 0) this.receivedLater.takeThrough(this.time.committedThrough, itsEdge, this.count);
  }

  private readonly count = (frame: ReceivedOn): void => this.received(frame.queue, frame.bytes);

  /** A frame dropped, with what the device holds of it (for the scoreboard to name the packet). */
  drop(reason: DeviceDropReason, dropped: DroppedBytes): void {
    this.drops.count(reason, dropped);
  }
}

/** A counter as a 32-bit register shows it: wrapped. */
export function register32(value: number): number {
  return value % 0x1_0000_0000;
}
