import type { DeviceBus } from "../../hw/spec/bus.js";
import * as F from "../../hw/spec/register-fields.js";
import * as R from "../../hw/spec/registers.js";
import type { Command } from "../../sim/process.js";

/** A traffic class's schedule: strict (a priority class) and its percent of the line, or a bandwidth class's minimum percent and `bandwidth remaining` weight. */
export interface ClassSchedule {
  readonly strict: boolean;
  readonly percent: number;
  readonly remaining?: number;
}

/** TXPBSIZE, in KB, that holds one longest frame: what a queue no class uses keeps. */
const longestFrameKilobytes = (maxFrameBytes: number): number => Math.ceil(maxFrameBytes / 1024);

/**
 * TXPBSIZE, in KB, of each queue that carries a class of the policy (or class-default's), the
 * others keeping room for one longest frame; null when the buffer is too small to give every part a
 * longest frame (a shared one, say), and the parts stay as they came up.
 */
export function usedQueuePartKilobytes(bufferKilobytes: number, maxFrameBytes: number, deviceQueues: number, usedQueues: number): number | null {
  const smallest = longestFrameKilobytes(maxFrameBytes);
  // No larger than the register's field holds: a buffer of eight full fields (a shared one's parts come up so) gave parts it refused.
  const each = Math.min(Math.floor((bufferKilobytes - smallest * (deviceQueues - usedQueues)) / usedQueues), F.TXPBSIZE_FIELDS.SIZE.max);
  return each < smallest ? null : each;
}

/**
 * The base driver's programming of the policy map into the device: TX_SCHED per class, EITR off
 * for strict classes' queues, and the TX packet buffer (TXPBSIZE) split equally among the queues
 * of these classes and class-default's, the others keeping room for one longest frame (ixgbe's
 * equal strategy over the classes in use). Schedules set before the probe wait for it, since which
 * queue carries a class is not known until then.
 */
export class TxSchedules {
  private schedules: ReadonlyMap<number, ClassSchedule> = new Map();
  /** The device's queues, its longest frame and its TX packet buffer (the sum of the parts it came up with), read at the probe. */
  private deviceQueues = 0;
  private maxFrameBytes = 0;
  private bufferKilobytes = 0;
  /** The queues the driver runs, once probed (0 before). */
  private queues = 0;

  constructor(
    private readonly bus: DeviceBus,
    private readonly driver: { queueOfClass(trafficClass: number): number; readonly interruptIntervalNanoseconds: number },
  ) {}

  *probe(deviceQueues: number): Generator<Command, void, unknown> {
    this.deviceQueues = deviceQueues;
    this.maxFrameBytes = (yield this.bus.mmioRead(R.MAXFRS)) as number;
    // The parts come up equal (the datasheet's reset): the buffer is one of them times the queues.
    this.bufferKilobytes = deviceQueues * ((yield this.bus.mmioRead(R.TXPBSIZE(0))) as number);
  }

  /** The rings are up: program what was set before, and from now on every change at once. */
  program(queues: number): void {
    this.queues = queues;
    this.set(this.schedules);
  }

  set(byClass: ReadonlyMap<number, ClassSchedule>): void {
    this.schedules = byClass;
    if (this.queues === 0) return;
    const { bus, driver } = this;
    for (const [trafficClass, schedule] of byClass) bus.mmioWrite(R.TX_SCHED(driver.queueOfClass(trafficClass)), R.encodeTxSched({ remaining: 0, ...schedule }));
    const strictQueues = new Set([...byClass].filter(([, schedule]) => schedule.strict).map(([trafficClass]) => driver.queueOfClass(trafficClass)));
    for (let queue = 0; queue < this.queues; queue++) bus.mmioWrite(R.EITR(queue), strictQueues.has(queue) ? 0 : driver.interruptIntervalNanoseconds);
    const used = new Set([0, ...[...byClass.keys()].map((trafficClass) => driver.queueOfClass(trafficClass))]);
    const each = usedQueuePartKilobytes(this.bufferKilobytes, this.maxFrameBytes, this.deviceQueues, used.size);
    if (each === null) return;
    // Parts that shrink first, so that the device never sees the parts add up to more than the buffer.
    for (let queue = 0; queue < this.deviceQueues; queue++) if (!used.has(queue)) bus.mmioWrite(R.TXPBSIZE(queue), longestFrameKilobytes(this.maxFrameBytes));
    for (const queue of used) bus.mmioWrite(R.TXPBSIZE(queue), each);
  }
}
