import type { NicShared } from "../config.js";
import * as R from "../spec/registers.js";
import type { QueueSchedule } from "./class-scheduler.js";

/** Whatever serves the queues by their TX_SCHED: the schedulers at frame start and at the wire, the crypto pipelines. */
export interface ScheduleConsumer {
  configure(queue: number, schedule: QueueSchedule): void;
}

/** Where the TX packet buffer's parts live (the TX engine). */
export interface BufferParts {
  readonly params: { readonly bufferBytes: number };
  partOf(queue: number): number;
  setPart(queue: number, bytes: number): void;
}

/**
 * The policy map's registers: TX_SCHED (how each class is served) and TXPBSIZE (each class's part
 * of the TX packet buffer). Values out of range are logged as VALUE_OUT_OF_RANGE and the nearest
 * valid value is used, as the datasheet says.
 */
export class QosRegisters {
  private readonly schedules: number[] = [];

  constructor(
    private readonly shared: NicShared,
    private readonly consumers: readonly ScheduleConsumer[],
    private readonly buffer: BufferParts,
    private readonly nameOf: (offset: number) => string,
  ) {}

  read(offset: number): number | undefined {
    const txSched = this.instance(offset, R.TX_SCHED);
    if (txSched !== undefined) return this.schedules[txSched] ?? 0;
    const part = this.instance(offset, R.TXPBSIZE);
    if (part !== undefined) return this.buffer.partOf(part) / 1024;
    return undefined;
  }

  write(offset: number, value: number): boolean {
    const txSched = this.instance(offset, R.TX_SCHED);
    if (txSched !== undefined) {
      this.writeSchedule(txSched, offset, value);
      return true;
    }
    const part = this.instance(offset, R.TXPBSIZE);
    if (part === undefined) return false;
    this.writePart(part, offset, value);
    return true;
  }

  private instance(offset: number, register: (queue: number) => number): number | undefined {
    const delta = offset - register(0);
    return delta >= 0 && delta % 4 === 0 && delta / 4 < this.shared.queues ? delta / 4 : undefined;
  }

  private writeSchedule(queue: number, offset: number, value: number): void {
    this.reservedBits(offset, value, R.TX_SCHED_FIELDS.mask, queue);
    const written = R.decodeTxSched(value);
    const percent = (field: "PERCENT" | "REMAINING", percentage: number) => {
      if (percentage > 100) this.outOfRange(offset, `${field} (above 100; the value used)`, 100, queue);
      return Math.min(100, percentage);
    };
    const schedule: R.TxSchedule = { strict: written.strict, percent: percent("PERCENT", written.percent), remaining: percent("REMAINING", written.remaining) };
    for (const consumer of this.consumers) consumer.configure(queue, schedule);
    this.schedules[queue] = R.encodeTxSched(schedule);
  }

  private writePart(queue: number, offset: number, value: number): void {
    this.reservedBits(offset, value, R.TXPBSIZE_FIELDS.mask, queue);
    const kilobytes = R.TXPBSIZE_FIELDS.SIZE.get(value);
    const smallest = Math.ceil(this.shared.maxFrameBytes / 1024);
    let others = 0;
    for (let other = 0; other < this.shared.queues; other++) if (other !== queue) others += this.buffer.partOf(other) / 1024;
    const largest = Math.floor(this.buffer.params.bufferBytes / 1024) - others;
    const size = Math.max(smallest, Math.min(kilobytes, largest));
    if (size !== kilobytes) this.outOfRange(offset, `SIZE (${kilobytes < smallest ? "below one longest frame" : "above what the other queues' parts leave of the buffer"}; the value used, KB)`, size, queue);
    // No room left even for one longest frame: the part stays as it was.
    if (size > largest) return;
    this.buffer.setPart(queue, size * 1024);
  }

  /**
   * Bits outside every field are logged, and the fields read without them: a percent of 150 spilled
   * into bit 7 and read back 22 with no word, where 101 was refused (from a driver developer's check).
   * Their value is withheld: the fields read are bits as written, key bits in a misdirected write
   * (15 of a key word were logged; from a driver developer's check).
   */
  private reservedBits(offset: number, value: number, mask: number, queue: number): void {
    if ((value & ~mask) !== 0) this.outOfRange(offset, "reserved bits set (a field's value too wide for it spills into them; the fields are read without them, and not logged)", null, queue);
  }

  /** The field and the value used (a bound of the field's range), not the value written: a misdirected write (an SA record staged with the wrong stride) can carry key bytes. null: none is logged. */
  private outOfRange(offset: number, field: string, used: number | null, queue: number): void {
    this.shared.errors.report({ code: "VALUE_OUT_OF_RANGE", field: "REGISTER", fieldName: `${this.nameOf(offset)}.${field}`, value: used ?? 0, queue, ...(used === null ? { withheld: true } : {}) });
  }
}
