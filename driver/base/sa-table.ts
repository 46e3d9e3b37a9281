import type { DeviceBus } from "../../hw/spec/bus.js";
import * as R from "../../hw/spec/registers.js";
import { SA_RECORD_BYTES } from "../../hw/spec/sa-record.js";
import type { Command } from "../../sim/process.js";

export type TableDirection = "tx" | "rx";

/**
 * The base driver's view of the NIC's SA table: which SA pointer sits in which entry. It keeps
 * only the pointer and the handle; the SA itself stays in the intermediate driver's record and is
 * read through the pointer when it has to be installed (seed 002).
 */
export class NicSaTable {
  private readonly byPointer = new Map<number, { direction: TableDirection; index: number }>();
  private readonly free: Record<TableDirection, number[]> = { tx: [], rx: [] };

  /** `fence` waits until every descriptor posted so far is done (the base driver's transmit fence). */
  constructor(private readonly bus: DeviceBus, private readonly fence: () => Generator<Command, void, unknown>) {}

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
  *install(direction: TableDirection, pointer: number): Generator<Command, number, unknown> {
    if (this.byPointer.has(pointer)) return this.handleOf(pointer);
    const index = this.free[direction].shift();
    if (index === undefined) return 0;
    return yield* this.write(direction, index, pointer);
  }

  /**
   * Replace a cached SA by another in its entry, without dropping the victim's packets: the victim
   * leaves the table view at once (its next packets go elsewhere), TX waits for the packets that
   * took its handle (`holdersDone`) and the descriptors that may name it, then the entry is
   * overwritten (work in the NIC keeps the old SA).
   */
  *replace(direction: TableDirection, victim: number, pointer: number, holdersDone?: () => Generator<Command, void, unknown>): Generator<Command, number, unknown> {
    const slot = this.byPointer.get(victim);
    if (!slot || slot.direction !== direction || this.byPointer.has(pointer)) return 0;
    this.byPointer.delete(victim);
    // Packets that took the handle before it left the view may still be on their way to the ring.
    if (holdersDone) yield* holdersDone();
    if (direction === "tx") yield* this.fence();
    return yield* this.write(direction, slot.index, pointer);
  }

  /** Stage the record behind `pointer` and install it in entry `index`; returns the handle, or 0 (entry freed) when refused. */
  private *write(direction: TableDirection, index: number, pointer: number): Generator<Command, number, unknown> {
    const record = this.bus.memory.read(pointer, SA_RECORD_BYTES);
    for (let word = 0; word < R.SA_STAGE_WORDS; word++) {
      const value = (record[word * 4]! | (record[word * 4 + 1]! << 8) | (record[word * 4 + 2]! << 16) | (record[word * 4 + 3]! << 24)) >>> 0;
      this.bus.mmioWrite(R.SA_STAGE(word), value);
    }
    this.bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INSTALL | (direction === "rx" ? R.SA_COMMAND_RX : 0) | index) >>> 0);
    const status = (yield this.bus.mmioRead(R.SA_STATUS)) as number;
    if (status !== 0) {
      this.free[direction].push(index);
      return 0;
    }
    this.byPointer.set(pointer, { direction, index });
    return index + 1;
  }

  /**
   * Invalidate the SA's entry in the NIC (and any entry the NIC fetched through the pointer).
   * The entry is not reused until `release` is called: the caller first makes sure no posted
   * descriptor still names it.
   */
  *remove(pointer: number): Generator<Command, { direction: TableDirection; index: number } | null, unknown> {
    const slot = this.byPointer.get(pointer) ?? null;
    if (slot) {
      this.bus.mmioWrite(R.SA_COMMAND, (R.SA_COMMAND_INVALIDATE | (slot.direction === "rx" ? R.SA_COMMAND_RX : 0) | slot.index) >>> 0);
      this.byPointer.delete(pointer);
    }
    this.bus.mmioWrite(R.SA_STAGE(0), pointer % 0x1_0000_0000);
    this.bus.mmioWrite(R.SA_STAGE(1), Math.floor(pointer / 0x1_0000_0000));
    this.bus.mmioWrite(R.SA_COMMAND, R.SA_COMMAND_INVALIDATE_POINTER >>> 0);
    yield this.bus.mmioRead(R.SA_STATUS);
    return slot;
  }

  /** Give an entry back for reuse, once nothing in flight can name it. */
  release(slot: { direction: TableDirection; index: number }): void {
    this.free[slot.direction].push(slot.index);
  }
}
