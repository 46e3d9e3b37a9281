import { inject, injectable } from "../sim/di.js";
import type { HostMemory } from "../sim/host/memory.js";
import { HostMemoryToken } from "../sim/host/token.js";
import { Component, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import { defineEnum } from "../sim/enum-type.js";
import { ERRLOG_LOCATION_FIELDS } from "./spec/registers.js";
import { describeError, ErrorCode, type ErrorCodeName, FieldCode, type FieldCodeName, NO_INDEX, NO_QUEUE } from "./spec/errors.js";

export type Direction = "tx" | "rx";

export interface DeviceErrorReport {
  readonly code: ErrorCodeName;
  readonly queue?: number;
  readonly direction?: Direction;
  readonly index?: number;
  readonly field: FieldCodeName;
  /** The offending value: the address, length, tail or register offset (a 64-bit field beyond 2^53 as a bigint, exact). */
  readonly value: number | bigint;
  /** What the driver reading the datasheet would call the field ("TDT", "LENGTH"). */
  readonly fieldName: string;
  /** The value is not logged (0 stands in): it may be key words a driver misdirected. */
  readonly withheld?: boolean;
  /** The value is a host address though its field's are not (a staged SA record pointer, logged against SA_COMMAND): shown in hex. */
  readonly address?: boolean;
}

export interface Diagnostic extends DeviceErrorReport {
  readonly time: number;
  readonly message: string;
}

/** ERRLOG_CODE as traced, named in GTKWave: the codes are dense from 0, so a code's name is its place in the list. */
export const ErrorCodeEnum = defineEnum("error_code", Object.keys(ErrorCode) as ErrorCodeName[]);

/** Fields whose values are host addresses (the device could not reach one, or it is refused: an SA_POINTER off its boundary). */
const ADDRESS_FIELDS: ReadonlySet<FieldCodeName> = new Set(["DESCRIPTOR", "BUFFER_ADDRESS", "SA_POINTER"]);

/** Entries the ERRLOG registers hold; older ones are dropped. */
export const ERROR_LOG_DEPTH = 64;

/**
 * Diagnostics kept whole: the first and the last this many; the others are counted by code. A
 * driver ringing a disabled queue's doorbell in a loop made 200,000 (60 MB of summary), and a
 * million held 1.4 GB (from a driver developer's check).
 */
export const DIAGNOSTICS_KEPT = 1000;

/**
 * The device's error log: every misuse or fault becomes a diagnostic that names the queue,
 * descriptor index and field (the first and last DIAGNOSTICS_KEPT kept, all counted by code),
 * made readable through the ERRLOG registers, counted in ERROR_COUNT and signalled by the ERROR
 * interrupt cause.
 */
@injectable()
export class ErrorLog extends Component {
  // Several blocks may report in one phase: the last report's values stand.
  readonly count = this.signal("count", 32, { kind: "integer", lastWriteWins: true });
  readonly lastCode = this.enumSignal("last_code", ErrorCodeEnum, { lastWriteWins: true });
  /** Every diagnostic, by its code; and all of them. */
  readonly countsByCode = new Map<ErrorCodeName, number>();
  private reported = 0;
  /** The first DIAGNOSTICS_KEPT, and the latest (at most twice as many, cut back to the last DIAGNOSTICS_KEPT when full). */
  private readonly first: Diagnostic[] = [];
  private latest: Diagnostic[] = [];
  private kept: readonly Diagnostic[] | null = [];
  private readonly entries: Diagnostic[] = [];
  /** Called for each new entry: the interrupt controller raises the ERROR cause. */
  onError: () => void = () => {};
  /** Who hears of each diagnostic as it is made (a client of `nicsim serve` is sent each one). */
  readonly observers: ((diagnostic: Diagnostic) => void)[] = [];

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(HostMemoryToken) private readonly memory: HostMemory) {
    super(context);
  }

  report(given: DeviceErrorReport): Diagnostic {
    const report = this.withoutWildAddress(given);
    const diagnostic: Diagnostic = { ...report, time: this.kernel.now, message: describeError({ ...report, label: report.fieldName }) };
    this.keep(diagnostic);
    for (const observer of this.observers) observer(diagnostic);
    this.entries.push(diagnostic);
    if (this.entries.length > ERROR_LOG_DEPTH) this.entries.shift();
    this.count.set(this.errorCount);
    this.lastCode.set(ErrorCode[report.code]);
    this.onError();
    return diagnostic;
  }

  /**
   * An address in an error, far from every allocation, is logged as 0 with where it lies: the
   * driver wrote it, and a value that wild may be key words an SA record misdirected into a pointer.
   */
  private withoutWildAddress(report: DeviceErrorReport): DeviceErrorReport {
    // IPSEC_FIELDS_DIFFER names COMMAND.IPSEC's bit under the DESCRIPTOR field: a bit, not an address.
    // A staged SA record pointer is logged against SA_COMMAND, the register written, and is an address all the same (the rule was left out for it: a wild pointer logged as 0 without WITHHELD, a red zone's hidden; from a driver developer's check).
    const holdsAddress = (ADDRESS_FIELDS.has(report.field) || report.address === true) && !(report.code === "IPSEC_FIELDS_DIFFER" && report.field === "DESCRIPTOR");
    if (!holdsAddress || report.value === 0 || report.value === 0n) return report;
    const address = Number(report.value);
    const place = this.memory.placeOf(address);
    if (place === "near") return report;
    const where = place === "below" ? "below every allocation (host memory is allocated from 4 GiB up: an offset, or a 32-bit value, say)" : address >= 2 ** 63 ? "in the upper half of the 64-bit space, where kernel virtual addresses lie (not DMA addresses)" : "above every allocation";
    return { ...report, value: 0, withheld: true, fieldName: `${report.fieldName}, more than a page ${where}; its value is not logged, as a value that far off may be misdirected data (key words)` };
  }

  private keep(diagnostic: Diagnostic): void {
    this.reported++;
    this.countsByCode.set(diagnostic.code, (this.countsByCode.get(diagnostic.code) ?? 0) + 1);
    this.kept = null;
    if (this.first.length < DIAGNOSTICS_KEPT) return void this.first.push(diagnostic);
    this.latest.push(diagnostic);
    if (this.latest.length === 2 * DIAGNOSTICS_KEPT) this.latest = this.latest.slice(DIAGNOSTICS_KEPT);
  }

  /** The diagnostics kept, in order: all of them up to 2 × DIAGNOSTICS_KEPT, else the first and the last DIAGNOSTICS_KEPT. */
  get diagnostics(): readonly Diagnostic[] {
    return (this.kept ??= [...this.first, ...this.latest.slice(-DIAGNOSTICS_KEPT)]);
  }

  /** Diagnostics made, kept or not. */
  get diagnosticCount(): number {
    return this.reported;
  }

  /** ERROR_COUNT: the diagnostics made, saturating at 32 bits. */
  get errorCount(): number {
    return Math.min(this.reported, 0xffffffff);
  }

  get waiting(): number {
    return this.entries.length;
  }

  /** The oldest entry as the ERRLOG registers show it. */
  head(): { code: number; location: number; index: number; value: number | bigint } | null {
    const entry = this.entries[0];
    if (!entry) return null;
    const queue = entry.queue ?? NO_QUEUE;
    const location = ERRLOG_LOCATION_FIELDS.pack({ QUEUE: queue, DIRECTION: entry.direction === "rx" ? 1 : 0, FIELD: FieldCode[entry.field], WITHHELD: entry.withheld ? 1 : 0 });
    return { code: ErrorCode[entry.code], location, index: entry.index ?? NO_INDEX, value: entry.value };
  }

  pop(): void {
    this.entries.shift();
  }
}
