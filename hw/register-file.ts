import type { NicShared } from "./config.js";
import type { Mac } from "./mac.js";
import type { RingRegisters } from "./ring.js";
import type { RxEngine } from "./rx/engine.js";
import { ErrorCode, NO_INDEX, NO_QUEUE } from "./spec/errors.js";
import { SA_STAGE_POINTER, writeStageWord } from "./spec/sa-stage.js";
import { checkRecord } from "./ipsec/record-fetches.js";
import { refusalLabel, saCommandNotShown, saCommandWithheld } from "./ipsec/sa-cache.js";
import type { IpsecOffload } from "./ipsec/offload.js";
import type { SaRecordFetch } from "./ipsec/sa-record-fetch.js";
import * as R from "./spec/registers.js";
import { register32 } from "./statistics.js";
import { type DeviceDropReason, DROP_REASON_NAMES } from "./spec/drop-reasons.js";
import { QosRegisters } from "./qos/qos-registers.js";
import type { TxEngine } from "./tx/engine.js";

/** A queue's ring geometry: the device takes it at the enable, so writes while enabled are refused. */
const RING_GEOMETRY: ReadonlySet<number> = new Set([R.TDBAL(0), R.TDBAH(0), R.TDLEN(0), R.BLOCK_SRRCTL]);
const STATISTICS_STRIDE = R.TQPC(1) - R.TQPC(0);

/**
 * Decodes MMIO offsets into the blocks' registers. Misuse (an offset with no register, a write
 * to a read-only one) is logged as a device error rather than thrown: the driver learns of it
 * the way it would from hardware.
 */
export class RegisterFile {
  private control = 0;
  /** The SA record image staged through SA_STAGE for the next SA_COMMAND. */
  private readonly stage = new Uint8Array(R.SA_STAGE_WORDS * 4);
  private saStatus = 0;
  private statusAwaitsFetch = false;
  private readonly qos: QosRegisters;

  constructor(
    private readonly shared: NicShared,
    private readonly tx: TxEngine,
    private readonly rx: RxEngine,
    private readonly mac: Mac,
    private readonly offload: IpsecOffload,
    private readonly recordFetch: SaRecordFetch,
  ) {
    // SA_STATUS is the result of the last command: an INSTALL_POINTER's, unless a command came (and was refused) while it read its record.
    // Then CODE keeps the refusal, and GENERATION still says what the install gave its entry (0: it failed): without it no handle could name the SA (from a driver developer's check).
    recordFetch.onDone = (status) => {
      this.saStatus = this.statusAwaitsFetch ? status : (this.saStatus & R.SA_STATUS_CODE_MASK) | (status & ~R.SA_STATUS_CODE_MASK);
      this.statusAwaitsFetch = false;
    };
    this.qos = new QosRegisters(shared, [tx, mac, offload.txCrypto, offload.rxCrypto, rx], tx, (offset) => this.nameOf(offset));
  }

  /** A register's name, or its offset; an offset at or past the register map's end is not shown (a key word given as an offset). */
  nameOf(offset: number): string {
    if (offset >= R.REGISTER_MAP_END) return `an offset at or past the register map's end (0x${R.REGISTER_MAP_END.toString(16)}; not shown)`;
    return R.registerName(offset, this.shared.queues) ?? `offset 0x${offset.toString(16)}`;
  }

  read(offset: number): number {
    const value = this.readValue(offset);
    if (value === undefined) {
      this.unknown(offset, "read");
      return 0xffffffff;
    }
    return value >>> 0;
  }

  /** Watchers of every register write as it lands (scoreboards); they must not change anything. */
  readonly writeObservers: ((offset: number, value: number) => void)[] = [];

  write(offset: number, value: number): void {
    for (const observer of this.writeObservers) observer(offset, value);
    if (!this.writeValue(offset, value)) {
      const known = R.registerName(offset, this.shared.queues);
      // The offset, not the value: the register takes none, and a misdirected write (an SA record staged with the wrong stride) can carry key bytes.
      if (known) this.shared.errors.report({ code: "READ_ONLY_REGISTER", field: "REGISTER", fieldName: `offset of ${known} (the value written is not logged)`, value: offset, ...this.queueOfOffset(offset) });
      else this.unknown(offset, "write");
    }
  }

  /** QUEUE_FAULTS: bit q of TX for TX queue q, of RX for RX queue q. */
  private queueFaults(): number {
    let tx = 0;
    let rx = 0;
    for (let queue = 0; queue < this.shared.queues; queue++) {
      if (this.tx.ring(queue).fault) tx |= 1 << queue;
      if (this.rx.ring(queue).fault) rx |= 1 << queue;
    }
    return R.QUEUE_FAULTS_FIELDS.pack({ TX: tx, RX: rx });
  }

  private writeOnly(offset: number): number {
    // A read has no value of its own: the offset is what is reported, and labelled so, not as the register's value.
    this.shared.errors.report({ code: "WRITE_ONLY_REGISTER", field: "REGISTER", fieldName: `offset of ${this.nameOf(offset)}`, value: offset });
    return 0;
  }

  private unknown(offset: number, access: string): void {
    if (offset >= R.REGISTER_MAP_END) {
      const fieldName = `MMIO ${access} offset, at or past the register map's end (0x${R.REGISTER_MAP_END.toString(16)}); not logged, as an offset that far off may be misdirected data (key words)`;
      return void this.shared.errors.report({ code: "UNKNOWN_REGISTER", field: "REGISTER", fieldName, value: 0, withheld: true });
    }
    this.shared.errors.report({ code: "UNKNOWN_REGISTER", field: "REGISTER", fieldName: `MMIO ${access} offset${this.whyNoRegister(offset)}`, value: offset });
  }

  /** What is near an offset with no register: the register it falls inside (unaligned), or the one it names on a larger device; the offset alone made the driver work it out. */
  private whyNoRegister(offset: number): string {
    const byte = offset % 4;
    const aligned = offset - byte;
    const here = R.registerName(aligned, this.shared.queues);
    const larger = here === undefined ? R.registerName(aligned) : undefined;
    const lacking = larger === undefined ? "" : `${larger}: a queue or vector of the largest device, beyond this one's ${this.shared.queues} queues and ${this.shared.queues + 1} vectors`;
    if (byte === 0) return lacking === "" ? "" : ` (${lacking})`;
    const inside = here ?? larger;
    return inside === undefined ? "" : ` (unaligned: byte ${byte} of ${lacking === "" ? inside : lacking} at 0x${aligned.toString(16)}; registers are 32 bits wide, at offsets that are multiples of 4)`;
  }

  private queueOfOffset(offset: number): { queue?: number; direction?: "tx" | "rx" } {
    const at = R.queueRegisterAt(offset, this.shared.queues);
    if (at) return { queue: at.queue, direction: at.direction };
    // A queue's other registers (its statistics, TX_SCHED, TXPBSIZE) name it too: a write to TQPC[0] logged no queue (from a driver developer's check).
    const register = R.registerAt(offset, this.shared.queues);
    if (register?.register.instance !== "queue" || register.index === null) return {};
    return { queue: register.index, direction: register.register.name.startsWith("R") ? "rx" : "tx" };
  }

  private readValue(offset: number): number | undefined {
    const { errors, interrupts, statistics, queues } = this.shared;
    switch (offset) {
      case R.CTRL: return this.control;
      case R.STATUS: return R.STATUS_FIELDS.pack({ LINK_UP: 1, ERROR: errors.waiting > 0 ? 1 : 0, QUEUES: queues });
      case R.ERROR_COUNT: return errors.errorCount;
      case R.MAXFRS: return this.shared.maxFrameBytes;
      case R.TXDMAX: return this.tx.params.descriptorCache;
      case R.QUEUE_FAULTS: return this.queueFaults();
      case R.ICR: return interrupts.readCause();
      case R.IMS: return interrupts.readMask();
      case R.ICS: case R.IMC: case R.ERRLOG_POP: case R.SA_COMMAND: return this.writeOnly(offset);
      case R.ERRLOG_COUNT: return errors.waiting;
      case R.ERRLOG_CODE: return errors.head()?.code ?? 0;
      case R.ERRLOG_LOCATION: return errors.head()?.location ?? NO_QUEUE;
      case R.ERRLOG_INDEX: return errors.head()?.index ?? NO_INDEX;
      case R.ERRLOG_VALUE_LO: return R.registerHalves(errors.head()?.value ?? 0).low;
      case R.ERRLOG_VALUE_HI: return R.registerHalves(errors.head()?.value ?? 0).high;
    }
    const block = this.readSaRegister(offset) ?? this.qos.read(offset);
    if (block !== undefined) return block;
    const vector = this.vectorRegister(offset);
    if (vector) return vector.register === R.EITR(0) ? interrupts.readInterval(vector.vector) : interrupts.readThreshold(vector.vector);
    const dropCount = this.dropCountRegister(offset);
    if (dropCount !== undefined) return register32(statistics.drops.get(dropCount) ?? 0);
    const statistic = this.statisticRegister(offset);
    if (statistic) {
      const q = statistic.queue;
      const counters = [statistics.txPackets, statistics.txBytes, statistics.rxPackets, statistics.rxBytes, statistics.rxBufferDrops];
      const counter = counters[(statistic.register - R.TQPC(0)) / 4];
      return counter ? register32(counter[q]!) : undefined;
    }
    const queue = R.queueRegisterAt(offset, this.shared.queues);
    if (!queue) return undefined;
    const ring = queue.direction === "tx" ? this.tx.ring(queue.queue) : this.rx.ring(queue.queue);
    switch (queue.register) {
      case R.TDBAL(0): return ring.baseLow;
      case R.TDBAH(0): return ring.baseHigh;
      case R.TDLEN(0): return ring.lengthBytes;
      case R.TDH(0): return ring.head;
      case R.TDT(0): return ring.tail;
      case R.TXDCTL(0): {
        const control = { ENABLE: ring.enabled ? 1 : 0, FAULT: ring.fault ? 1 : 0, BUSY: ring.inDevice > 0 ? 1 : 0 };
        return queue.direction === "tx" ? R.TX_QUEUE_CONTROL_FIELDS.pack({ ...control, WTHRESH: this.tx.writeBack.thresholds[queue.queue]! }) : R.QUEUE_CONTROL_FIELDS.pack(control);
      }
      case R.TDFAULT(0): return ring.faultRegister;
      case R.BLOCK_SRRCTL: return this.rx.bufferSize(queue.queue);
    }
    return undefined;
  }

  /** Returns false when nothing writable is at the offset. */
  private writeValue(offset: number, value: number): boolean {
    const { errors, interrupts } = this.shared;
    switch (offset) {
      case R.CTRL:
        this.control = value & R.CTRL_FIELDS.mask;
        this.mac.enable(R.CTRL_FIELDS.TX_ENABLE.get(value) === 1, R.CTRL_FIELDS.RX_ENABLE.get(value) === 1);
        return true;
      case R.ICR: interrupts.clearCause(value); return true;
      case R.ICS: interrupts.setCause(value); return true;
      case R.IMS: interrupts.enable(value); return true;
      case R.IMC: interrupts.disable(value); return true;
      case R.ERRLOG_POP: errors.pop(); return true;
    }
    if (this.writeSaRegister(offset, value) || this.qos.write(offset, value)) return true;
    const vector = this.vectorRegister(offset);
    if (vector) {
      if (vector.register === R.EITR(0)) interrupts.writeInterval(vector.vector, value);
      else interrupts.writeThreshold(vector.vector, value);
      return true;
    }
    const queue = R.queueRegisterAt(offset, this.shared.queues);
    if (!queue) return false;
    const transmit = queue.direction === "tx";
    const ring: RingRegisters = transmit ? this.tx.ring(queue.queue) : this.rx.ring(queue.queue);
    const register = queue.register;
    if (ring.enabled && RING_GEOMETRY.has(register)) {
      // The device holds its copy from the enable; a change now would let it write past the driver's buffers.
      // Its offset, not the value: a misdirected write (an SA record staged at the wrong offset) can carry key bytes.
      ring.report("QUEUE_REGISTER_WHILE_ENABLED", "REGISTER", `offset of ${this.nameOf(offset)}`, offset);
      return true;
    }
    switch (register) {
      case R.TDBAL(0): ring.baseLow = value; return true;
      case R.TDBAH(0): ring.baseHigh = value; return true;
      case R.TDLEN(0): ring.lengthBytes = value; return true;
      case R.TDT(0):
        if (transmit) this.tx.doorbell(queue.queue, value);
        else this.rx.doorbell(queue.queue, value);
        return true;
      case R.TXDCTL(0):
        if (transmit) this.tx.control(queue.queue, value);
        else this.rx.control(queue.queue, value);
        return true;
      case R.BLOCK_SRRCTL:
        this.rx.setBufferSize(queue.queue, value);
        return true;
    }
    return false;
  }

  private readSaRegister(offset: number): number | undefined {
    const cache = this.offload.cache;
    const counts = cache.counts;
    // Key and salt bytes are staged here: like a real part's key registers, they cannot be read back (over `nicsim serve`, a read's value leaves the model).
    if (offset >= R.SA_STAGE(0) && offset <= R.SA_STAGE(R.SA_STAGE_WORDS - 1) && offset % 4 === 0) return this.writeOnly(offset);
    if (offset >= R.SA_QOS_MAP(0) && offset <= R.SA_QOS_MAP(R.SA_QOS_MAP_WORDS - 1) && offset % 4 === 0) {
      return R.encodeQosMapWord(this.offload.qosClasses, (offset - R.SA_QOS_MAP(0)) / 4);
    }
    switch (offset) {
      // While a record is read, CODE already says a command refused meanwhile: a driver reading SA_STATUS after its command saw BUSY and CODE 0 for µs (from a driver developer's check).
      case R.SA_STATUS: return this.recordFetch.busy ? (R.SA_STATUS_BUSY | (this.saStatus & R.SA_STATUS_CODE_MASK)) >>> 0 : this.saStatus;
      case R.SA_TABLE_SIZE: return R.SA_TABLE_SIZE_FIELDS.pack({ TX: cache.size("tx"), RX: cache.size("rx") });
      case R.SA_CTRL: return R.SA_CTRL_FIELDS.pack({ POINTER_FETCH: this.offload.pointerFetch ? 1 : 0 });
      case R.SA_TX_HITS: return register32(counts.txHits);
      case R.SA_TX_MISSES: return register32(counts.txMisses);
      case R.SA_RX_HITS: return register32(counts.rxHits);
      case R.SA_RX_MISSES: return register32(counts.rxMisses);
      case R.SA_FETCHES: return register32(counts.fetches);
      case R.SA_STALE_HANDLES: return register32(counts.staleHandles);
    }
    return undefined;
  }

  private writeSaRegister(offset: number, value: number): boolean {
    if (offset >= R.SA_STAGE(0) && offset <= R.SA_STAGE(R.SA_STAGE_WORDS - 1) && offset % 4 === 0) {
      writeStageWord(this.stage, (offset - R.SA_STAGE(0)) / 4, value);
      return true;
    }
    if (offset >= R.SA_QOS_MAP(0) && offset <= R.SA_QOS_MAP(R.SA_QOS_MAP_WORDS - 1) && offset % 4 === 0) {
      for (const { tag, trafficClass } of R.decodeQosMapWord(value, (offset - R.SA_QOS_MAP(0)) / 4)) {
        if (trafficClass !== undefined) this.offload.qosClasses.set(tag, trafficClass);
        else this.offload.qosClasses.delete(tag);
      }
      return true;
    }
    if (offset === R.SA_CTRL) {
      this.offload.pointerFetch = R.SA_CTRL_FIELDS.POINTER_FETCH.get(value) === 1;
      return true;
    }
    if (offset !== R.SA_COMMAND) return false;
    const command = R.SA_COMMAND_FIELDS.unpack(value);
    const index = command.INDEX;
    const direction = command.DIRECTION ? "rx" : "tx";
    const operation = command.OPERATION;
    const operations = R.SA_COMMAND_FIELDS.OPERATION.values;
    const cache = this.offload.cache;
    const replace = command.REPLACE === 1;
    // What was written is never shown: SA_COMMAND is the word after SA_STAGE, where a record staged one word too far puts key bytes.
    const fail = (code: "INVALID_SA_HANDLE" | "SA_RECORD_INVALID" | "SA_COMMAND_BUSY" | "SA_ENTRY_OCCUPIED" | "SA_DUPLICATE", fieldName: string, reported = 0) => {
      this.saStatus = ErrorCode[code];
      // SA_STATUS says the last command's outcome: an INSTALL_POINTER still reading no longer writes it when done.
      this.statusAwaitsFetch = false;
      // The table the command named: an RX command's refusal was logged as the TX table's (from a driver developer's check).
      // What was written is never shown: 0 stands in (WITHHELD), where SA_DUPLICATE logs the other entry.
      this.shared.errors.report({ code, direction, field: "SA_COMMAND", fieldName: `${fieldName}; ${saCommandNotShown(code)}`, value: reported, withheld: saCommandWithheld(code) });
    };
    if ((value & ~R.SA_COMMAND_FIELDS.mask) !== 0) fail("INVALID_SA_HANDLE", "SA_COMMAND (reserved bits set: not a command)");
    else if (this.recordFetch.busy) fail("SA_COMMAND_BUSY", "SA_COMMAND (an INSTALL_POINTER is still reading its record)");
    else if (operation === operations.INVALIDATE_POINTER) {
      cache.invalidatePointer(SA_STAGE_POINTER.decode(this.stage).pointer);
      this.saStatus = 0;
    } else if (index >= cache.size(direction)) fail("INVALID_SA_HANDLE", `SA_COMMAND.INDEX (past the ${direction.toUpperCase()} table of ${cache.size(direction)})`);
    else if (operation === operations.INVALIDATE) {
      cache.invalidate(direction, index);
      this.saStatus = 0;
    } else if (operation === operations.INSTALL_POINTER) {
      this.saStatus = 0;
      this.statusAwaitsFetch = true;
      this.recordFetch.fetch(direction, index, SA_STAGE_POINTER.decode(this.stage).pointer, replace);
    } else if (operation === operations.INSTALL) {
      const fields = checkRecord(this.stage, direction);
      // A bad record's value is not echoed, only where it is wrong: staged from a wrong offset, any field may hold key or salt bytes.
      if ("problem" in fields) return fail("SA_RECORD_INVALID", `SA_STAGE (${fields.problem} at byte ${fields.offset})`, fields.offset), true;
      const installed = cache.commandInstall(direction, index, fields, replace);
      if (installed.kind === "refused") fail(installed.code, refusalLabel(direction, installed), installed.code === "SA_DUPLICATE" ? installed.otherIndex : 0);
      else this.saStatus = R.saInstalledStatus(installed.entry.generation);
    } else fail("INVALID_SA_HANDLE", "SA_COMMAND.OPERATION (not an operation)");
    return true;
  }

  private vectorRegister(offset: number): { vector: number; register: number } | undefined {
    for (const base of [R.EITR(0), R.EITR_PACKETS(0)]) {
      const delta = offset - base;
      const stride = R.EITR(1) - R.EITR(0);
      if (delta >= 0 && delta % stride === 0 && delta / stride <= this.shared.queues) return { vector: delta / stride, register: base };
    }
    return undefined;
  }

  /** The drop reason whose DROP_COUNT is at the offset. */
  private dropCountRegister(offset: number): DeviceDropReason | undefined {
    const delta = offset - R.DROP_COUNT(0);
    return delta >= 0 && delta % 4 === 0 ? DROP_REASON_NAMES[delta / 4] : undefined;
  }

  private statisticRegister(offset: number): { queue: number; register: number } | undefined {
    const delta = offset - R.TQPC(0);
    if (delta < 0 || delta >= STATISTICS_STRIDE * this.shared.queues || offset % 4 !== 0) return undefined;
    return { queue: Math.floor(delta / STATISTICS_STRIDE), register: R.TQPC(0) + (delta % STATISTICS_STRIDE) };
  }
}
