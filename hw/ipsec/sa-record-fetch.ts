import { inject, injectable } from "../../sim/di.js";
import { Channel } from "../../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { type NicShared, NicSharedToken } from "../config.js";
import type { DmaCompletion } from "../dma/engine.js";
import { ErrorCode, type ErrorCodeName } from "../spec/errors.js";
import { SA_RECORD_BYTES } from "../spec/sa-record.js";
import { saInstalledStatus } from "../spec/registers.js";
import { checkRecord, recordPointerProblem } from "./record-fetches.js";
import { SaCacheToken } from "./crypto-job.js";
import { refusalLabel, saCommandNotShown, saCommandWithheld, type SaCache, type SaDirection } from "./sa-cache.js";

interface Fetch {
  readonly direction: SaDirection;
  readonly index: number;
  readonly pointer: number;
  readonly replace: boolean;
}

/**
 * SA_COMMAND's INSTALL_POINTER: the device reads the SA record through the pointer the driver
 * staged and installs it in the entry named, the driver passing only the pointer down (seed 002:
 * the second layer reaches the cryptography information through the pointer to populate its
 * table). SA_STATUS reads BUSY until the record has arrived and is installed, or refused.
 */
@injectable()
export class SaRecordFetch extends ClockedComponent {
  // Woken by its channels, register writes and the times it asks for: not asked isIdle while it sleeps.
  override readonly sleepsUntilWoken = true;
  readonly busySignal = this.signal("fetch_busy", 1);
  /** The result for SA_STATUS: BUSY while a fetch is on its way, then 0 or an error code. */
  onDone: (status: number) => void = () => {};
  private readonly completions: Channel<DmaCompletion<Fetch>>;
  private pending: Fetch | null = null;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(NicSharedToken) private readonly shared: NicShared,
    @inject(SaCacheToken) private readonly cache: SaCache,
  ) {
    super(context);
    this.completions = new Channel(this.kernel, this);
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /** Start a fetch; false when one is already on its way (the command is refused). */
  fetch(direction: SaDirection, index: number, pointer: number, replace: boolean): boolean {
    if (this.pending) return false;
    const unaligned = recordPointerProblem(pointer);
    if (unaligned) {
      this.refusePointer(direction, "SA_RECORD_INVALID", ` ${unaligned}`, pointer);
      return true;
    }
    if (!this.shared.dma.translation.reachable(pointer, SA_RECORD_BYTES)) {
      // Starting in mapped memory, it runs past it: said as a descriptor's SA_POINTER is.
      this.refusePointer(direction, "DMA_UNMAPPED", "", pointer);
      return true;
    }
    this.pending = { direction, index, pointer, replace };
    this.busySignal.set(1);
    this.shared.dma.read(pointer, SA_RECORD_BYTES, this.completions, this.pending);
    return true;
  }

  override isIdle(): boolean {
    return this.completions.length === 0;
  }

  /** A completion the DMA engine pushed during this edge is taken at the next. */
  idleThisEdge(): boolean {
    return !this.completions.ready;
  }

  evaluate(): void {
    for (let completion = this.completions.take(); completion; completion = this.completions.take()) {
      const { direction, index, pointer, replace } = completion.tag;
      this.pending = null;
      this.busySignal.set(0);
      if (completion.error) {
        this.refusePointer(direction, completion.error, "", pointer);
        continue;
      }
      const fields = checkRecord(completion.data!, direction);
      if ("problem" in fields) {
        this.refuse(direction, "SA_RECORD_INVALID", `SA record at the staged pointer (${fields.problem})`, pointer, true);
        continue;
      }
      this.cache.countFetch();
      const installed = this.cache.commandInstall(direction, index, fields, replace, direction === "tx" ? pointer : undefined);
      if (installed.kind === "refused") this.refuse(direction, installed.code, `${refusalLabel(direction, installed)}; ${saCommandNotShown(installed.code)}`, installed.code === "SA_DUPLICATE" ? installed.otherIndex : 0, false, saCommandWithheld(installed.code));
      else this.onDone(saInstalledStatus(installed.entry.generation));
    }
  }

  /**
   * A staged pointer refused, logged as an address is: shown near the allocations (a red zone, a
   * region freed), and, more than a page from all of them, where it may be a record's key bytes
   * staged at the wrong offset (words 0 and 1 hold the key then), as 0 with WITHHELD set.
   */
  private refusePointer(direction: SaDirection, code: ErrorCodeName, problem: string, pointer: number): void {
    // Where the record's bytes are not all mapped, why: a region the host freed is named, as a TX descriptor's SA_POINTER names it (from a driver developer's check).
    const dma = this.shared.dma;
    const why = dma.translation.reachable(pointer, SA_RECORD_BYTES) ? null : (dma.translation.whyUnmapped(pointer, SA_RECORD_BYTES) ?? "not in mapped memory");
    this.refuse(direction, code, `SA_STAGE (record pointer${problem}${why === null ? "" : `; ${why}`})`, pointer, true);
  }

  private refuse(direction: SaDirection, code: ErrorCodeName, fieldName: string, value: number, address = false, withheld = false): void {
    this.shared.errors.report({ code, direction, field: "SA_COMMAND", fieldName, value, address, ...(withheld ? { withheld } : {}) });
    this.onDone(ErrorCode[code]);
  }
}
