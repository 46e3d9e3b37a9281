import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { delay, until } from "../../sim/process.js";
import type { SimEvent } from "../../sim/sim-event.js";
import { type DeviceBus, DeviceBusToken } from "../../hw/spec/bus.js";
import * as R from "../../hw/spec/registers.js";
import { Mutex } from "../../sim/mutex.js";
import { DropCounter } from "../../sim/stats/drop-counter.js";
import { type DeviceErrorEntry, faultedQueues, readErrorEntries } from "./device-errors.js";
import { isEndOfPacket, RxRing, TxRing } from "./rings.js";
import { NicSaTable } from "./sa-table.js";
import { type ClassSchedule, TxSchedules } from "./tx-schedules.js";
import { HostCpu } from "../cpu/host-cpu.js";
import type { Command } from "../../sim/process.js";
import { QueuePair } from "./queue-pair.js";
import { TxRoom } from "./tx-room.js";
import { type BaseDrop, type BaseDropReason, QueueRecovery } from "./queue-recovery.js";
import { concatenate } from "../../sim/bytes.js";
import { programRxRing, programTxRing } from "./ring-registers.js";
import { BASE_DRIVER_PARAMETERS } from "./base-driver-parameters.js";
import type { BaseDriverStatistics, DriverReceivedFrame, TransmitOptions, TxReservation } from "./base-driver-types.js";
import { valueKind } from "../../sim/shown-value.js";

export type { BaseDriverStatistics, DriverReceivedFrame, TransmitOptions, TxReservation } from "./base-driver-types.js";

/** Error log entries the error handler reads between two looks at QUEUE_FAULTS. */
const ERROR_ENTRIES_PER_LOOK = 4;

export { DEFAULT_TX_BUFFER_BYTES, DEFAULT_TX_RING_DESCRIPTORS } from "./base-driver-parameters.js";

/**
 * The base driver (NIC driver): programs rings and interrupts through MMIO, posts frames with
 * doorbell batching, reaps TX completions and receives frames in a NAPI-style poll with a budget
 * per interrupt, and reads the device's error log on the error interrupt. It touches the device
 * only through the DeviceBus and host memory. Each operation is a job on the host's cores, of the
 * traffic class it serves, so that a queue of a higher class is polled first. A queue the device
 * disables on a fault is reset by the recovery task (QueueRecovery), each frame lost counted.
 */
@injectable()
export class BaseDriver extends Component {
  readonly params = this.parameters(BASE_DRIVER_PARAMETERS);
  readonly ready = this.signal("ready", 1);
  // Written by several processes (senders, one poll loop per vector): the last write in a phase wins.
  readonly txFrames = this.signal("tx_frames", 32, { kind: "integer", lastWriteWins: true });
  readonly rxFrames = this.signal("rx_frames", 32, { kind: "integer", lastWriteWins: true });
  readonly doorbells = this.signal("doorbells", 32, { kind: "integer", lastWriteWins: true });
  readonly pollActive = this.signal("poll_active", 1, { lastWriteWins: true });
  /** The recovery task is resetting a queue, and the resets it has done. */
  readonly recovering = this.signal("recovering", 1);
  readonly queueResets = this.signal("queue_resets", 32, { kind: "integer" });
  readonly statistics: BaseDriverStatistics = { txFrames: 0, txBytes: 0, txErrors: 0, rxFrames: 0, rxBytes: 0, rxErrors: 0, doorbells: 0, interrupts: [], errorInterrupts: 0, polls: 0, budgetExhausted: 0, ringFullWaits: 0, queueResets: 0 };
  /** Frames the driver will never send or hand up, by reason (a queue reset's), each shown to the observers with its bytes, queue and direction. */
  readonly drops = new DropCounter<BaseDropReason, BaseDrop>();
  /** The device's error log as the driver read it, decoded. */
  readonly deviceErrors: DeviceErrorEntry[] = [];
  readonly received: DriverReceivedFrame[] = [];
  keepReceived = true;
  /** Each received frame, in order per queue; work it returns runs before the poll goes on (the stack above, as in NAPI). */
  onReceive: (frame: DriverReceivedFrame) => Generator<Command, void, unknown> | void = () => {};
  /** Each received frame the NIC flagged with an error, which goes no further up the stack (an ICV that failed still used its SA). */
  onReceiveError: (frame: DriverReceivedFrame) => void = () => {};
  private pairs: QueuePair[] = [];
  private readonly room = new TxRoom(
    (queue) => this.pair(queue),
    function* (this: BaseDriver, queue: number) {
      this.statistics.ringFullWaits++;
      yield* this.ringDoorbellOnCore(queue, this.classOfQueue(queue));
    }.bind(this),
  );
  /** The NIC's SA table as this driver programs it. */
  readonly saTable: NicSaTable;
  private readonly txSchedules: TxSchedules;
  private readonly spaceEvents: SimEvent[] = [];
  private readonly recovery: QueueRecovery;
  private activePolls = 0;
  queues = 0;
  /** The device's error vector: the one after its queue vectors. */
  errorVector = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(DeviceBusToken) readonly bus: DeviceBus, @inject(HostCpu) readonly cpu: HostCpu) {
    super(context);
    this.txSchedules = new TxSchedules(bus, { queueOfClass: (trafficClass) => this.queueOfClass(trafficClass), interruptIntervalNanoseconds: this.params.interruptIntervalNanoseconds });
    this.saTable = new NicSaTable(bus, cpu, { fill: this.params.saFill, mmioWrite: this.params.mmioWriteNanoseconds * 1000, fence: (pointer) => this.saFence(pointer) });
    for (let queue = 0; queue < R.MAX_QUEUES; queue++) this.spaceEvents.push(this.event(`tx_space${queue}`));
    const driver = { pair: (queue: number) => this.pair(queue), classOfQueue: (queue: number) => this.classOfQueue(queue), reapTransmitted: (queue: number) => this.reapTransmitted(queue), pollAndDeliver: (queue: number, trafficClass: number) => this.pollAndDeliver(queue, trafficClass), dropped: (drop: BaseDrop) => this.dropped(drop) };
    this.recovery = new QueueRecovery(this.kernel, bus, cpu, driver, this.params, { recovering: this.recovering, resets: this.queueResets, statistics: this.statistics });
    this.process("probe", () => this.probe());
  }

  /** Yield from a process until the driver has brought the device up. */
  whenReady() {
    return until(this.ready, 1);
  }

  /**
   * Post one frame on a TX queue (a generator: `yield* driver.transmit(q, frame)`). Waits while
   * the ring is full; rings the doorbell unless `more` frames follow, at least every doorbellBatch.
   */
  *transmit(queue: number, frame: Uint8Array, options: TransmitOptions = {}) {
    if (!(frame instanceof Uint8Array)) throw new TypeError(`transmit on queue ${queue}: the frame must be a Uint8Array (or Buffer), not ${valueKind(frame)}`);
    // Room free at once, the usual case, is held without reserve()'s generator: one fewer per frame.
    yield* this.post(this.room.reserveAtOnce(queue, frame.length) ?? (yield* this.room.reserve(queue, frame.length)), frame, options);
  }

  /**
   * Hold room on a TX queue's ring for a frame of `frameBytes`, to post later: a sender that must
   * not be overtaken (ESP takes its sequence number once the room is held) reserves first. First
   * come, first served: a frame waiting for room is never overtaken by a smaller one behind it.
   */
  *reserve(queue: number, frameBytes: number): Generator<Command, TxReservation, unknown> {
    return yield* this.room.reserve(queue, frameBytes);
  }

  /** Give back room reserved for a frame that will not be sent. */
  cancel(reservation: TxReservation): void {
    this.room.cancel(reservation);
  }

  /** Post a frame in the room reserved for it. */
  *post(reservation: TxReservation, frame: Uint8Array, options: TransmitOptions = {}) {
    this.room.checkOpen(reservation, "post");
    const { queue, descriptors } = reservation;
    const pair = this.pair(queue);
    if (pair.tx.slotsFor(frame.length) !== descriptors) throw new RangeError(`transmit on queue ${queue}: a ${frame.length}-byte frame does not take the ${descriptors} descriptors reserved for it`);
    const trafficClass = options.trafficClass ?? this.classOfQueue(queue);
    // Refused before the reservation is spent: it stays the caller's to post or cancel (from a re-check).
    if (!Number.isInteger(trafficClass) || trafficClass < 0 || trafficClass >= R.MAX_QUEUES) throw new RangeError(`transmit on queue ${queue}: traffic class ${String(trafficClass)} is not one of 0 to ${R.MAX_QUEUES - 1}`);
    this.room.spend(reservation, "post");
    while (pair.recovery.tx.stopped) yield pair.space;
    pair.reservations.held -= descriptors;
    pair.tx.post(frame, trafficClass, options.ipsec ?? null);
    if (options.ipsec) this.saTable.carriedInDescriptor(options.ipsec.saPointer);
    pair.pendingDoorbell++;
    this.statistics.txFrames++;
    this.statistics.txBytes += frame.length;
    this.txFrames.set(this.statistics.txFrames);
    const ring = !options.more || pair.pendingDoorbell >= this.params.doorbellBatch;
    const work = this.cpu.work("TRANSMIT", trafficClass, this.cost(this.params.postNanoseconds * descriptors + (ring ? this.params.mmioWriteNanoseconds : 0), frame.length));
    if (work !== null) yield work;
    // The core charged for the write makes it, as a driver writes the tail on each post that ends a batch: skipped where another core's post had rung for this frame meanwhile, 24 of 200 posts were charged a write never made (from an architect's check).
    if (ring) this.ringDoorbell(queue, true);
  }

  /**
   * Ring the TX doorbell of a queue for frames posted since the last one, its MMIO write charged to
   * a core of `trafficClass` first: the doorbells counted are the writes charged (a sender finding
   * the ring full, or an SA's deletion waiting for its frames, rang with no core charged; from an
   * outside check). Nothing pending, nothing written.
   */
  *ringDoorbellOnCore(queue: number, trafficClass: number): Generator<Command, void, unknown> {
    const pair = this.pair(queue);
    if (pair.pendingDoorbell === 0 || pair.recovery.tx.stopped) return;
    const work = this.cpu.work("TRANSMIT", trafficClass, this.cost(this.params.mmioWriteNanoseconds, 0));
    if (work !== null) yield work;
    this.ringDoorbell(queue, true);
  }

  /** Ring the TX doorbell of a queue if frames were posted since the last one, or `charged`: a post charged the write for it makes it, the tail as it stands. */
  ringDoorbell(queue: number, charged = false): void {
    const pair = this.pair(queue);
    if ((pair.pendingDoorbell === 0 && !charged) || pair.recovery.tx.stopped) return;
    pair.pendingDoorbell = 0;
    this.bus.mmioWrite(R.TDT(queue), pair.tx.nextToUse);
    this.statistics.doorbells++;
    this.doorbells.set(this.statistics.doorbells);
  }

  /** The TX queue that carries a traffic class (classes spread over the queues the driver runs). */
  queueOfClass(trafficClass: number): number {
    return R.queueOfClass(trafficClass, this.queues);
  }

  /** The highest traffic class a queue carries: the class its interrupts and polls are scheduled at. */
  classOfQueue(queue: number): number {
    return Math.min(R.MAX_QUEUES - 1, Math.ceil(((queue + 1) * R.MAX_QUEUES) / Math.max(1, this.queues)) - 1);
  }

  /**
   * Wait until no posted descriptor names an SA (by its record pointer, and so by its handle):
   * its table entry may then be reused, its record freed.
   */
  *saFence(pointer: number) {
    const namesIt = (pair: QueuePair) => pair.tx.posted.some((frame) => frame.saPointer === pointer);
    for (;;) {
      const queue = this.pairs.findIndex(namesIt);
      if (queue < 0) return;
      yield* this.ringDoorbellOnCore(queue, this.classOfQueue(queue));
      // Its doorbell takes a core's time: frames reaped meanwhile fired the room event before this waited for it (the ring-full sender's twin, TxRoom.reserve).
      if (namesIt(this.pairs[queue]!)) yield this.pairs[queue]!.space;
    }
  }

  /** Program the class schedules and the TX packet buffer's split (see TxSchedules); before the probe they wait for it. */
  setSchedules(byClass: ReadonlyMap<number, ClassSchedule>): void {
    this.txSchedules.set(byClass);
  }

  /** Program SA_QOS_MAP: the traffic class the NIC gives received ESP packets of each ipsec_qos_group tag. */
  setQosClasses(classes: ReadonlyMap<number, number>): void {
    if (!(classes instanceof Map)) throw new TypeError(`setQosClasses: expected a Map of ipsec_qos_group tags to traffic classes, not ${valueKind(classes)}`);
    for (let word = 0; word < R.SA_QOS_MAP_WORDS; word++) this.bus.mmioWrite(R.SA_QOS_MAP(word), R.encodeQosMapWord(classes, word));
  }

  /** Frames posted on a queue and not yet reaped. */
  inFlight(queue: number): number {
    return this.pair(queue).tx.posted.length;
  }

  pair(queue: number): QueuePair {
    const pair = this.pairs[queue];
    if (!pair) throw new RangeError(`queue ${queue}: the driver runs ${this.queues} queues${this.queues === 0 ? " (not probed yet: wait for whenReady())" : ""}`);
    return pair;
  }

  /** Picoseconds of CPU time: fixed nanoseconds, and bytes copied. */
  private cost(nanoseconds: number, copiedBytes: number): number {
    return Math.round((nanoseconds + copiedBytes / this.params.copyBytesPerNanosecond) * 1000);
  }

  private *probe() {
    const bus = this.bus;
    const status = (yield bus.mmioRead(R.STATUS)) as number;
    yield* this.saTable.probe();
    if (this.params.saFill === "pointer") bus.mmioWrite(R.SA_CTRL, R.SA_CTRL_POINTER_FETCH);
    const deviceQueues = R.STATUS_FIELDS.QUEUES.get(status);
    yield* this.txSchedules.probe(deviceQueues);
    this.queues = this.params.queues === 0 ? deviceQueues : Math.min(this.params.queues, deviceQueues);
    this.errorVector = deviceQueues;
    const memory = bus.memory;
    for (let queue = 0; queue < this.queues; queue++) {
      const tx = new TxRing(memory, `${this.path} TX ${queue}`, this.params.txRingDescriptors, this.params.txBufferBytes);
      tx.writeBackThreshold = this.params.txWriteBackThreshold;
      const rx = new RxRing(memory, `${this.path} RX ${queue}`, this.params.rxRingDescriptors, this.params.rxBufferBytes);
      this.pairs.push(new QueuePair(tx, rx, this.spaceEvents[queue]!, new Mutex(this.kernel, `${this.path}: queue ${queue}'s poll`)));
      programTxRing(bus, queue, tx);
      programRxRing(bus, queue, rx, rx.fill());
      bus.mmioWrite(R.EITR(queue), this.params.interruptIntervalNanoseconds);
      bus.mmioWrite(R.EITR_PACKETS(queue), this.params.interruptPacketThreshold);
      this.statistics.interrupts.push(0);
      this.process(`napi${queue}`, () => this.napi(queue));
    }
    this.process("error_handler", () => this.errorHandler());
    this.process("recovery", () => this.recovery.run());
    let enabled = R.CAUSE_ERROR;
    for (let queue = 0; queue < this.queues; queue++) enabled = (enabled | R.vectorCauses(queue, deviceQueues)) >>> 0;
    bus.mmioWrite(R.IMS, enabled);
    this.txSchedules.program(this.queues);
    bus.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE | R.CTRL_RX_ENABLE);
    // Reading back a register flushes the posted writes: the device is configured when it returns.
    yield bus.mmioRead(R.STATUS);
    this.ready.set(1);
  }

  /**
   * One vector's interrupt handler and poll loop: a poll reaps TX completions and takes up to the
   * budget of frames, then hands each up the stack, whose work runs before the next poll. The
   * intermediate driver hands ESP on to a lane per SA at once (pcrypt), so with it the ring empties
   * at once and a host that cannot keep up drops at the lanes, not at the NIC (README, "The host").
   */
  private *napi(queue: number) {
    const causes = R.vectorCauses(queue, this.errorVector);
    const trafficClass = this.classOfQueue(queue);
    for (;;) {
      yield this.bus.interrupt(queue);
      this.statistics.interrupts[queue]!++;
      this.setPollActive(+1);
      const interruptWork = this.cpu.work("INTERRUPT", trafficClass, this.params.interruptNanoseconds * 1000);
      if (interruptWork !== null) yield interruptWork;
      const lock = this.pairs[queue]!.pollLock;
      for (;;) {
        yield* lock.acquire();
        let taken: number;
        try {
          ({ taken } = yield* this.pollAndDeliver(queue));
        } finally {
          lock.release();
        }
        if (taken < this.params.napiBudget) break;
        this.statistics.budgetExhausted++;
      }
      this.setPollActive(-1);
      this.bus.mmioWrite(R.IMS, causes);
    }
  }

  /**
   * One poll on a core, then the frames it took up the stack; the caller holds the queue's poll lock. A queue reset's poll runs at
   * the class the reset is lent; while the poll waits for a core, a reset waiting for the lock may raise it (QueueRecovery).
   */
  private *pollAndDeliver(queue: number, trafficClass = this.classOfQueue(queue)): Generator<Command, { taken: number; descriptors: number }, unknown> {
    this.statistics.polls++;
    // Left in place after: a raise of a job no longer waiting for a core does nothing.
    const pair = this.pairs[queue]!;
    const { frames, taken, descriptors } = yield* this.cpu.hold("NAPI_POLL", trafficClass, this.poll(queue), (raise) => (pair.raisePoll = raise));
    for (const frame of frames) {
      const work = this.onReceive(frame);
      if (work) yield* work;
    }
    return { taken, descriptors };
  }

  private dropped(drop: BaseDrop): void {
    this.drops.count(drop.reason, drop);
  }

  private setPollActive(change: number): void {
    this.activePolls += change;
    this.pollActive.set(this.activePolls > 0 ? 1 : 0);
  }

  /**
   * One poll on a core: reap TX completions, take up to the budget of frames off the RX ring and
   * give their buffers back, and, when the ring is drained, unmask the vector; the CPU time is
   * spent before the frames go up.
   */
  private *poll(queue: number): Generator<Command, { frames: DriverReceivedFrame[]; taken: number; descriptors: number }, unknown> {
    const reaped = this.reapTransmitted(queue);
    const { frames, taken, descriptors, copied } = this.receive(queue);
    const writes = (descriptors > 0 ? 1 : 0) + (taken < this.params.napiBudget ? 1 : 0);
    yield delay(reaped + this.cost(this.params.cleanNanoseconds * descriptors + this.params.mmioWriteNanoseconds * writes, copied));
    return { frames, taken, descriptors };
  }

  /** Reclaim every written-back TX frame; returns the CPU time in ps. */
  reapTransmitted(queue: number): number {
    const pair = this.pairs[queue]!;
    let cleaned = 0;
    for (let done = pair.tx.reap(); done; done = pair.tx.reap()) {
      cleaned += done.frame.count;
      if (done.error !== 0) this.statistics.txErrors++;
    }
    if (cleaned > 0) pair.space.fire();
    return this.cost(this.params.cleanNanoseconds * cleaned, 0);
  }

  /** Receive up to the budget of frames and give their buffers back (one RDT write). */
  private receive(queue: number): { frames: DriverReceivedFrame[]; taken: number; descriptors: number; copied: number } {
    const pair = this.pairs[queue]!;
    const frames: DriverReceivedFrame[] = [];
    let taken = 0;
    let descriptors = 0;
    let copied = 0;
    while (taken < this.params.napiBudget) {
      const descriptor = pair.rx.take();
      if (!descriptor) break;
      descriptors++;
      copied += descriptor.length;
      pair.partial.push(descriptor.bytes);
      if (!isEndOfPacket(descriptor)) continue;
      const bytes = pair.partial.length === 1 ? pair.partial[0]! : concatenate(pair.partial);
      pair.partial = [];
      taken++;
      const frame: DriverReceivedFrame = { queue, time: this.kernel.now, bytes, trafficClass: descriptor.trafficClass, error: descriptor.error, status: descriptor.status, spi: descriptor.spi, saHandle: descriptor.saHandle };
      if (descriptor.error !== 0) {
        this.statistics.rxErrors++;
        this.onReceiveError(frame);
        continue;
      }
      this.statistics.rxFrames++;
      this.statistics.rxBytes += bytes.length;
      if (this.keepReceived) this.received.push(frame);
      frames.push(frame);
    }
    if (descriptors > 0) {
      // A ring stopped for a reset gets its buffers back all at once when it is enabled again.
      if (!pair.recovery.rx.stopped) this.bus.mmioWrite(R.RDT(queue), pair.rx.nextToUse);
      this.rxFrames.set(this.statistics.rxFrames);
    }
    return { frames, taken, descriptors, copied };
  }

  private *errorHandler() {
    const bus = this.bus;
    for (;;) {
      yield bus.interrupt(this.errorVector);
      this.statistics.errorInterrupts++;
      // The entries waiting now, a few at a time, and between them the queues the device disabled on a fault, which
      // must not wait for the whole log (their entries may even have been pushed out of it; their FAULT bits stay).
      // Entries arriving meanwhile raise the cause again, for the next interrupt: a stream of them cannot hold the handler.
      const waiting = (yield bus.mmioRead(R.ERRLOG_COUNT)) as number;
      for (let read = 0; ; read += ERROR_ENTRIES_PER_LOOK) {
        // Faults one read shows together have no order of their own: the highest class's reset goes first (listed TX before RX by queue, gold's went last; a re-check).
        const faults = faultedQueues((yield bus.mmioRead(R.QUEUE_FAULTS)) as number, this.queues).sort((one, other) => this.classOfQueue(other.queue) - this.classOfQueue(one.queue));
        for (const { direction, queue } of faults) this.recovery.schedule(direction, queue);
        if (read >= waiting) break;
        yield* readErrorEntries(bus, Math.min(ERROR_ENTRIES_PER_LOOK, waiting - read), () => this.kernel.now, (entry) => this.deviceErrors.push(entry));
      }
      bus.mmioWrite(R.IMS, R.CAUSE_ERROR);
    }
  }
}
