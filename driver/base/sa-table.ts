import type { DeviceBus } from "../../hw/spec/bus.js";
import { SA_HANDLE_FIELDS } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import { SA_RECORD_BYTES } from "../../hw/spec/sa-record.js";
import { pointerStageWords, stageWords } from "../../hw/spec/sa-stage.js";
import { Mutex } from "../../sim/mutex.js";
import { type Command, delay } from "../../sim/process.js";
import type { HostCpu } from "../cpu/host-cpu.js";
import type { CpuWorkName } from "../cpu/cpu-work.js";

export type TableDirection = "tx" | "rx";
/** An entry of one direction's table, and the handle the device gave the SA in it (entry + 1 and the entry's generation). */
export type TableSlot = { direction: TableDirection; index: number; handle: number };

/** A replacement's victim: its record pointer, and the entry and handle it held. */
type Victim = { readonly pointer: number; readonly slot: TableSlot };

const operations = R.SA_COMMAND_FIELDS.OPERATION.values;
/** SA_STATUS of a command the driver gave up before issuing (its SA was deleted meanwhile). */
const NOT_WANTED = -1;
/** SA_STATUS of a replacement given up with its victim still in the entry: the victim stays cached. */
const VICTIM_KEPT = -2;

/**
 * What a removal did: its slot, to release (the driver's count alone under pointer fill for TX); whether the device may have held the
 * SA, so that commands went to empty its entries; and the handle of the entry it emptied (its own, or the one it held as a replacement's victim), or 0.
 */
export interface Removal {
  readonly slot: TableSlot | null;
  readonly sent: boolean;
  readonly handle: number;
}

/**
 * The base driver's view of the NIC's SA table: which SA pointer sits in which entry. It keeps
 * only the pointer and the handle; the SA itself stays in the intermediate driver's record and is
 * reached through the pointer when it has to be installed (seed 002). With `fill: "driver"` the
 * driver reads the record and stages it in SA_STAGE; with `fill: "pointer"` it hands the device
 * the pointer: a TX entry is filled by the device's own fetch when the first descriptor carrying
 * the pointer arrives, an RX entry by INSTALL_POINTER. Commands go one at a time (SA_STAGE is one
 * set of registers), each holding a host core for its MMIO writes and the SA_STATUS reads.
 */
export class NicSaTable {
  private readonly byPointer = new Map<number, TableSlot>();
  /** Victims of replacements under way: out of the driver's view, still in their NIC entries until the newcomer's install (or their deletion) empties them. */
  private readonly leaving = new Map<number, TableSlot>();
  private readonly free: Record<TableDirection, number[]> = { tx: [], rx: [] };
  private readonly commands: Mutex;
  private readonly installs = { count: 0, picoseconds: 0 };

  /**
   * `mmioWrite`: the CPU time of one register write (ps); `fence` waits until no posted
   * descriptor names an SA (the base driver's SA fence).
   */
  constructor(
    private readonly bus: DeviceBus,
    private readonly cpu: HostCpu,
    private readonly options: { readonly fill: "driver" | "pointer"; readonly mmioWrite: number; readonly fence: (pointer: number) => Generator<Command, void, unknown> },
  ) {
    this.commands = new Mutex(cpu.kernel, "the SA command registers");
  }

  /** The pointers of the SAs installed in one direction (asked at every table miss: a loop, not copies of the map's entries). */
  installed(direction: TableDirection): number[] {
    const pointers: number[] = [];
    for (const [pointer, slot] of this.byPointer) if (slot.direction === direction) pointers.push(pointer);
    return pointers;
  }

  /** Learn the table sizes (SA_TABLE_SIZE), once the device is probed. */
  *probe(): Generator<Command, void, unknown> {
    const sizes = (yield this.bus.mmioRead(R.SA_TABLE_SIZE)) as number;
    this.free.tx = Array.from({ length: R.SA_TABLE_SIZE_FIELDS.TX.get(sizes) }, (_, index) => index);
    this.free.rx = Array.from({ length: R.SA_TABLE_SIZE_FIELDS.RX.get(sizes) }, (_, index) => index);
  }

  /** The handle of an installed SA (entry + 1, and the entry's generation from SA_STATUS), or 0: the "in table" test. (With pointer fill, TX: the entry the driver counts it in, not the device's.) */
  handleOf(pointer: number): number {
    return this.byPointer.get(pointer)?.handle ?? 0;
  }

  /** The SA_HANDLE a descriptor of an installed SA carries: its handle, or 0 with pointer fill (the device looks it up by the pointer). */
  descriptorHandle(pointer: number): number {
    return this.options.fill === "pointer" ? 0 : this.handleOf(pointer);
  }

  /** Whether the SA is in one of the NIC's entries as far as the driver knows: installed, or a replacement's victim not yet overwritten. */
  inAnEntry(pointer: number): boolean {
    return this.byPointer.has(pointer) || this.leaving.has(pointer);
  }

  /** Under pointer fill, TX SAs whose pointer a descriptor has carried: the device may hold the record whatever the driver's count says (one installed and never carried, it does not). */
  private readonly offered = new Set<number>();

  /** Whether the device may hold the SA: in an entry as far as the driver knows, being installed, or (pointer fill) ever handed to it in a descriptor. */
  mayHold(pointer: number): boolean {
    return this.inAnEntry(pointer) || this.installing.has(pointer) || this.offered.has(pointer);
  }

  /**
   * SAs whose install command waits or is under way: a deletion meanwhile goes through the command registers after it, so that the record is not
   * freed while the device may still read it (from a fuzzing run: an RX INSTALL_POINTER read a record freed and taken by an outbound SA, SA_RECORD_INVALID).
   * Counted: a replacement for a newcomer deleted meanwhile ends while the install of a new SA whose record took the address waits, and took its
   * mark with it, so that the new SA's deletion did not wait, and its install landed after (an outside check).
   */
  private readonly installing = new Map<number, number>();

  isInstalled(pointer: number): boolean {
    return this.byPointer.has(pointer);
  }

  freeEntries(direction: TableDirection): number {
    return this.free[direction].length;
  }

  /** Mean time a core spent on an install so far (its writes and the SA_STATUS reads), or null before the first. */
  meanInstallPicoseconds(): number | null {
    return this.installs.count > 0 ? this.installs.picoseconds / this.installs.count : null;
  }

  /** The CPU time of an install's MMIO writes alone. */
  installWritePicoseconds(): number {
    return this.options.mmioWrite * (this.options.fill === "pointer" ? 3 : R.SA_STAGE_WORDS + 1);
  }

  /**
   * Install the SA behind `pointer` in a free entry. `wanted` is asked once the command's turn
   * has come: the SA may have been deleted (its record freed) while it waited. Returns the
   * handle, or 0 when no entry is free, the SA is no longer wanted, or the device refused it.
   */
  *install(direction: TableDirection, pointer: number, trafficClass: number, wanted: () => boolean = () => true): Generator<Command, number, unknown> {
    if (this.byPointer.has(pointer)) return this.handleOf(pointer);
    // A replacement's victim is still in its entry until the newcomer's install: a second copy would be refused (SA_DUPLICATE).
    if (this.inAnEntry(pointer)) return 0;
    const index = this.free[direction].shift();
    if (index === undefined) return 0;
    return yield* this.fill(direction, index, pointer, trafficClass, wanted);
  }

  /**
   * Replace a cached SA by another in its entry, without dropping the victim's packets: the victim
   * leaves the table view at once (its next packets go elsewhere), TX waits for the packets that
   * took its handle (`holdersDone`) and the descriptors that may name it, then the entry is
   * overwritten (work in the NIC keeps the old SA).
   */
  *replace(direction: TableDirection, victim: number, pointer: number, trafficClass: number, holdersDone: () => Generator<Command, void, unknown>, wanted: () => boolean): Generator<Command, number, unknown> {
    const slot = this.byPointer.get(victim);
    // A newcomer still in an entry (installed, or itself a victim on its way out) would be a second copy (SA_DUPLICATE).
    if (!slot || slot.direction !== direction || this.inAnEntry(pointer)) return 0;
    this.byPointer.delete(victim);
    this.leaving.set(victim, slot);
    // Packets that took the handle before it left the view may still be on their way to the ring.
    yield* holdersDone();
    // A victim deleted meanwhile was fenced by its deletion: its address may carry a new SA's frames now, which this would wait for (an outside check).
    if (direction === "tx" && this.stillLeaving(victim, slot)) yield* this.options.fence(victim);
    // With pointer fill the device chose the victim's entry itself: it is emptied through the pointer, and the newcomer's first descriptor fills one.
    if (direction === "tx" && this.options.fill === "pointer") {
      // A victim deleted meanwhile was emptied by its removal, and its record may be another SA's now: its pointer would empty that SA's entry (an outside check).
      // A newcomer no longer wanted leaves the victim its entry, as a replacement under driver fill does (it was evicted for nothing: an outside check).
      let kept = false;
      const invalidated = yield* this.command("SA_REMOVE", trafficClass, () => this.invalidatePointer(victim), () => {
        if (!this.stillLeaving(victim, slot)) return false;
        if (wanted()) return true;
        this.leaving.delete(victim);
        this.byPointer.set(victim, slot);
        kept = true;
        return false;
      });
      if (kept) return 0;
      if (invalidated !== null) {
        this.leaving.delete(victim);
        // Out of the device now, and no descriptor carries its pointer again: its deletion has nothing to remove (it sent a REMOVE: an outside check).
        this.offered.delete(victim);
      }
    }
    return yield* this.fill(direction, slot.index, pointer, trafficClass, wanted, { pointer: victim, slot });
  }

  /**
   * Fill entry `index` with the SA behind `pointer` (in place of `victim`'s, for a replacement);
   * returns the handle, or 0 when refused: the entry freed, or, if the victim still holds it, the
   * victim back in the view.
   */
  private *fill(direction: TableDirection, index: number, pointer: number, trafficClass: number, wanted: () => boolean, victim: Victim | null = null): Generator<Command, number, unknown> {
    // A TX entry under pointer fill is the device's to fill when the pointer first arrives (seed 002, claim 8): nothing to write.
    this.installing.set(pointer, (this.installing.get(pointer) ?? 0) + 1);
    let status: number;
    try {
      status = direction === "tx" && this.options.fill === "pointer" ? (wanted() ? 0 : NOT_WANTED) : (yield* this.command("SA_INSTALL", trafficClass, () => this.installCommand(direction, index, pointer, wanted, victim)))!;
    } finally {
      const marks = this.installing.get(pointer)! - 1;
      if (marks > 0) this.installing.set(pointer, marks);
      else this.installing.delete(pointer);
    }
    if (status === VICTIM_KEPT) {
      this.byPointer.set(victim!.pointer, victim!.slot);
      return 0;
    }
    if (status < 0 || R.SA_STATUS_FIELDS.CODE.get(status) !== 0) {
      this.free[direction].push(index);
      return 0;
    }
    const handle = SA_HANDLE_FIELDS.pack({ ENTRY: index + 1, GENERATION: R.SA_STATUS_FIELDS.GENERATION.get(status) });
    this.byPointer.set(pointer, { direction, index, handle });
    return handle;
  }

  /**
   * One SA command at a time (SA_STAGE is one set of registers), on a core of the SA's class.
   * Waiting commands go by class, highest first, and the command that holds the registers lends
   * the class of any command waiting for them to its own wait for a core (priority inheritance):
   * gold's install waits for one command at most, not for every bulk install queued before it.
   */
  private *command<T>(kind: CpuWorkName, trafficClass: number, body: () => Generator<Command, T, unknown>, neededAtItsTurn: () => boolean = () => true): Generator<Command, T | null, unknown> {
    this.waitingClasses.push(trafficClass);
    this.lendToHolder?.(trafficClass);
    yield* this.commands.acquire(trafficClass);
    this.waitingClasses.splice(this.waitingClasses.indexOf(trafficClass), 1);
    try {
      if (!neededAtItsTurn()) return null;
      const lent = Math.max(trafficClass, ...this.waitingClasses);
      return yield* this.cpu.hold(kind, lent, body(), (raise) => {
        this.lendToHolder = raise;
      });
    } finally {
      this.lendToHolder = null;
      this.commands.release();
    }
  }
  private readonly waitingClasses: number[] = [];
  private lendToHolder: ((trafficClass: number) => void) | null = null;

  /**
   * On a core: the record staged (read through the pointer into SA_STAGE, or the pointer itself),
   * SA_COMMAND, and SA_STATUS read until done. Decided here, with the command registers held, so
   * that a removal of the victim cannot come between: a victim still in the entry is overwritten,
   * or kept if the newcomer is no longer wanted.
   */
  private *installCommand(direction: TableDirection, index: number, pointer: number, wanted: () => boolean, victim: Victim | null): Generator<Command, number, unknown> {
    const victimInEntry = victim !== null && this.stillLeaving(victim.pointer, victim.slot);
    // Until the device says how the install went, the victim is in its entry: an install of it elsewhere meanwhile is refused (SA_DUPLICATE; from a
    // fuzzing run, where a replacement's INSTALL_POINTER timed out, the victim stayed, and the policy had installed it again in another entry while the read was on its way).
    const done = (status: number) => {
      if (victimInEntry) this.leaving.delete(victim.pointer);
      return status;
    };
    if (!wanted()) return done(victimInEntry ? VICTIM_KEPT : NOT_WANTED);
    const started = this.cpu.kernel.now;
    // Over the victim still in the entry, the install says so (REPLACE): the device refuses to overwrite an SA otherwise.
    const install = (operation: number) => R.SA_COMMAND_FIELDS.pack({ INDEX: index, DIRECTION: direction === "rx" ? 1 : 0, OPERATION: operation, REPLACE: victimInEntry ? 1 : 0 });
    // The record is read while the SA is known to be alive; the writes take the core's time after.
    const record = this.options.fill === "pointer" ? null : this.bus.memory.read(pointer, SA_RECORD_BYTES);
    yield delay(this.installWritePicoseconds());
    if (!record) {
      this.stagePointer(pointer);
      this.bus.mmioWrite(R.SA_COMMAND, install(operations.INSTALL_POINTER));
    } else {
      stageWords(record).forEach((value, word) => this.bus.mmioWrite(R.SA_STAGE(word), value));
      this.bus.mmioWrite(R.SA_COMMAND, install(operations.INSTALL));
    }
    let status = (yield this.bus.mmioRead(R.SA_STATUS)) as number;
    // The device is reading the record through the pointer: ask again.
    while (R.SA_STATUS_FIELDS.BUSY.get(status)) status = (yield this.bus.mmioRead(R.SA_STATUS)) as number;
    this.installs.count++;
    this.installs.picoseconds += this.cpu.kernel.now - started;
    // Refused, the command changed nothing: a victim that was in the entry still is.
    return done(victimInEntry && R.SA_STATUS_FIELDS.CODE.get(status) !== 0 ? VICTIM_KEPT : status);
  }

  /**
   * Whether a replacement's victim is still on its way out of its entry: records are found by their pointer, and a victim deleted
   * while its replacement waited had its record freed, which the next SA's record may take, itself installed and even another
   * replacement's victim. The replacement then acted on that SA: an outside check saw it empty the live SA's entry, or take its
   * place in the view so that the SA's own replacement was refused, its entry counted free while the device held it.
   */
  private stillLeaving(pointer: number, slot: TableSlot): boolean {
    return this.leaving.get(pointer) === slot;
  }

  private stagePointer(pointer: number): void {
    pointerStageWords(pointer).forEach((value, word) => this.bus.mmioWrite(R.SA_STAGE(word), value));
  }

  /** Empty the TX entry the device filled through this pointer, if any. */
  private *invalidatePointer(pointer: number): Generator<Command, void, unknown> {
    yield delay(this.options.mmioWrite * 3);
    this.stagePointer(pointer);
    this.bus.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_FIELDS.pack({ OPERATION: operations.INVALIDATE_POINTER }));
    yield this.bus.mmioRead(R.SA_STATUS);
  }

  /**
   * Invalidate the SA's entry in the NIC (and any entry the NIC fetched through the pointer).
   * The entry is not reused until `release` is called: the caller first makes sure no posted
   * descriptor still names it. No command is sent where the device cannot hold the SA.
   */
  *remove(pointer: number, trafficClass: number): Generator<Command, Removal, unknown> {
    let slot = this.byPointer.get(pointer) ?? null;
    if (slot) this.byPointer.delete(pointer);
    // Whether the device may hold the SA is decided at the removal's turn, each command before it done (outside checks found each of these):
    // an install under way as the removal was asked has filled its entry, which is emptied too (it was left to a second removal);
    // one that left the SA in no entry, a replacement that emptied it through its pointer, and under pointer fill an SA installed that no
    // descriptor ever carried, leave nothing to remove (a REMOVE was sent, and counted, for each).
    let handle = 0;
    const heldAtItsTurn = () => {
      slot ??= this.byPointer.get(pointer) ?? null;
      this.byPointer.delete(pointer);
      const offered = this.offered.delete(pointer);
      const leaving = this.leaving.get(pointer) ?? null;
      handle = (slot ?? leaving)?.handle ?? 0;
      if (offered || this.inDevice(slot) || this.inDevice(leaving)) return true;
      // A replacement still to come finds its victim gone, and sends nothing through a pointer that may be another SA's by then.
      this.leaving.delete(pointer);
      return false;
    };
    const removed = yield* this.command("SA_REMOVE", trafficClass, () => this.removeCommand(pointer, slot), heldAtItsTurn);
    return { slot, sent: removed !== null, handle };
  }

  /** A slot the device fills itself: under pointer fill a TX slot is only the driver's count, the device's entry filled when a descriptor carries the pointer. */
  private inDevice(slot: TableSlot | null): boolean {
    return slot !== null && !(slot.direction === "tx" && this.options.fill === "pointer");
  }

  /** A descriptor carrying the SA's pointer is on a ring: under pointer fill the device may fetch the SA through it, and holds it from then on as far as the driver can tell. */
  carriedInDescriptor(pointer: number): void {
    if (this.options.fill === "pointer") this.offered.add(pointer);
  }

  /**
   * On a core: invalidate the SA's entry by its index (its own, or, as a replacement's victim not
   * yet overwritten, the one it still holds) and any entry the device filled through its pointer.
   */
  private *removeCommand(pointer: number, own: TableSlot | null): Generator<Command, void, unknown> {
    const leaving = this.leaving.get(pointer) ?? null;
    this.leaving.delete(pointer);
    const held = own ?? leaving;
    // Under pointer fill a TX slot is only the driver's count: the device's entry is found by the pointer.
    const slot = held && !(held.direction === "tx" && this.options.fill === "pointer") ? held : null;
    if (slot) {
      yield delay(this.options.mmioWrite);
      this.bus.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_FIELDS.pack({ INDEX: slot.index, DIRECTION: slot.direction === "rx" ? 1 : 0, OPERATION: operations.INVALIDATE }));
    }
    yield* this.invalidatePointer(pointer);
  }

  /** Give an entry back for reuse, once nothing in flight can name it. */
  release(slot: TableSlot): void {
    this.free[slot.direction].push(slot.index);
  }
}
