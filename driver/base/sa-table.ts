import type { DeviceBus } from "../../hw/spec/bus.js";
import * as R from "../../hw/spec/registers.js";
import { SA_RECORD_BYTES } from "../../hw/spec/sa-record.js";
import { type Command, delay } from "../../sim/process.js";
import type { HostCpu } from "../cpu/host-cpu.js";

export type TableDirection = "tx" | "rx";

/**
 * The base driver's view of the NIC's SA table: which SA pointer sits in which entry. It keeps
 * only the pointer and the handle; the SA itself stays in the intermediate driver's record and is
 * read through the pointer when it has to be installed (seed 002). Installs and removals hold a
 * host core for their MMIO writes and the SA_STATUS read that waits for them.
 */
export class NicSaTable {
  private readonly byPointer = new Map<number, { direction: TableDirection; index: number }>();
  private readonly free: Record<TableDirection, number[]> = { tx: [], rx: [] };

  /**
   * `mmioWrite`: the CPU time of one register write (ps); `fence` waits until no posted
   * descriptor names an SA (the base driver's SA fence).
   */
  constructor(
    private readonly bus: DeviceBus,
    private readonly cpu: HostCpu,
    private readonly options: { readonly mmioWrite: number; readonly fence: (pointer: number) => Generator<Command, void, unknown> },
  ) {}

  /** The pointers of the SAs installed in one direction. */
  installed(direction: TableDirection): number[] {
    return [...this.byPointer].filter(([, slot]) => slot.direction === direction).map(([pointer]) => pointer);
  }

  /** Learn the table sizes (SA_TABLE_SIZE), once the device is probed. */
  *probe(): Generator<Command, void, unknown> {
    const sizes = (yield this.bus.mmioRead(R.SA_TABLE_SIZE)) as number;
    this.free.tx = Array.from({ length: sizes & 0xffff }, (_, index) => index);
    this.free.rx = Array.from({ length: sizes >>> 16 }, (_, index) => index);
  }

  /** The TX handle (entry + 1) of an installed SA, or 0: the "in table" test. */
  handleOf(pointer: number): number {
    const slot = this.byPointer.get(pointer);
    return slot ? slot.index + 1 : 0;
  }

  isInstalled(pointer: number): boolean {
    return this.byPointer.has(pointer);
  }

  freeEntries(direction: TableDirection): number {
    return this.free[direction].length;
  }

  /**
   * Install the SA behind `pointer` in a free entry: read the record through the pointer, stage it
   * in SA_STAGE, issue SA_COMMAND, and read SA_STATUS back (which also waits for the posted writes).
   * Returns the handle, or 0 when no entry is free or the device refused the record.
   */
  *install(direction: TableDirection, pointer: number, trafficClass: number, wanted: () => boolean = () => true): Generator<Command, number, unknown> {
    if (this.byPointer.has(pointer)) return this.handleOf(pointer);
    const index = this.free[direction].shift();
    if (index === undefined) return 0;
    return yield* this.write(direction, index, pointer, trafficClass, wanted);
  }

  /**
   * Replace a cached SA by another in its entry, without dropping the victim's packets: the victim
   * leaves the table view at once (its next packets go elsewhere), TX waits for the packets that
   * took its handle (`holdersDone`) and the descriptors that may name it, then the entry is
   * overwritten (work in the NIC keeps the old SA). `wanted` is asked once a core is free: the
   * SA may have been deleted (its record freed) while the install waited.
   */
  *replace(direction: TableDirection, victim: number, pointer: number, trafficClass: number, holdersDone: () => Generator<Command, void, unknown>, wanted: () => boolean): Generator<Command, number, unknown> {
    const slot = this.byPointer.get(victim);
    if (!slot || slot.direction !== direction || this.byPointer.has(pointer)) return 0;
    this.byPointer.delete(victim);
    // Packets that took the handle before it left the view may still be on their way to the ring.
    yield* holdersDone();
    if (direction === "tx") yield* this.options.fence(victim);
    return yield* this.write(direction, slot.index, pointer, trafficClass, wanted);
  }

  /** Stage the record behind `pointer` and install it in entry `index`; returns the handle, or 0 (entry freed) when refused. */
  private *write(direction: TableDirection, index: number, pointer: number, trafficClass: number, wanted: () => boolean): Generator<Command, number, unknown> {
    const status = yield* this.cpu.hold("SA_INSTALL", trafficClass, this.installCommand(direction, index, pointer, wanted));
    if (status !== 0) {
      this.free[direction].push(index);
      return 0;
    }
    this.byPointer.set(pointer, { direction, index });
    return index + 1;
  }

  /** Mean time a core spent on an install so far (its writes and the SA_STATUS read), or null before the first. */
  meanInstallPicoseconds(): number | null {
    return this.installs.count > 0 ? this.installs.picoseconds / this.installs.count : null;
  }

  /** The CPU time of an install's MMIO writes alone. */
  installWritePicoseconds(): number {
    return this.options.mmioWrite * (R.SA_STAGE_WORDS + 1);
  }
  private readonly installs = { count: 0, picoseconds: 0 };

  /** On a core: the record read through the pointer into SA_STAGE, SA_COMMAND, and SA_STATUS read back (or -1, no longer wanted). */
  private *installCommand(direction: TableDirection, index: number, pointer: number, wanted: () => boolean): Generator<Command, number, unknown> {
    if (!wanted()) return -1;
    const started = this.cpu.kernel.now;
    const record = this.bus.memory.read(pointer, SA_RECORD_BYTES);
    yield delay(this.installWritePicoseconds());
    for (let word = 0; word < R.SA_STAGE_WORDS; word++) {
      const value = (record[word * 4]! | (record[word * 4 + 1]! << 8) | (record[word * 4 + 2]! << 16) | (record[word * 4 + 3]! << 24)) >>> 0;
      this.bus.mmioWrite(R.SA_STAGE(word), value);
    }
    this.bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INSTALL | (direction === "rx" ? R.SA_COMMAND_RX : 0) | index) >>> 0);
    const status = (yield this.bus.mmioRead(R.SA_STATUS)) as number;
    this.installs.count++;
    this.installs.picoseconds += this.cpu.kernel.now - started;
    return status;
  }

  /**
   * Invalidate the SA's entry in the NIC (and any entry the NIC fetched through the pointer).
   * The entry is not reused until `release` is called: the caller first makes sure no posted
   * descriptor still names it.
   */
  *remove(pointer: number, trafficClass: number): Generator<Command, { direction: TableDirection; index: number } | null, unknown> {
    const slot = this.byPointer.get(pointer) ?? null;
    if (slot) this.byPointer.delete(pointer);
    yield* this.cpu.hold("SA_REMOVE", trafficClass, this.removeCommand(pointer, slot));
    return slot;
  }

  private *removeCommand(pointer: number, slot: { direction: TableDirection; index: number } | null): Generator<Command, void, unknown> {
    yield delay(this.options.mmioWrite * (slot ? 4 : 3));
    if (slot) this.bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INVALIDATE | (slot.direction === "rx" ? R.SA_COMMAND_RX : 0) | slot.index) >>> 0);
    this.bus.mmioWrite(R.SA_STAGE(0), pointer % 0x1_0000_0000);
    this.bus.mmioWrite(R.SA_STAGE(1), Math.floor(pointer / 0x1_0000_0000));
    this.bus.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_INVALIDATE_POINTER >>> 0);
    yield this.bus.mmioRead(R.SA_STATUS);
  }

  /** Give an entry back for reuse, once nothing in flight can name it. */
  release(slot: { direction: TableDirection; index: number }): void {
    this.free[slot.direction].push(slot.index);
  }
}
