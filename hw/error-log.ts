import { inject, injectable } from "../sim/di.js";
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
}

export interface Diagnostic extends DeviceErrorReport {
  readonly time: number;
  readonly message: string;
}

/** ERRLOG_CODE as traced, named in GTKWave: the codes are dense from 0, so a code's name is its place in the list. */
export const ErrorCodeEnum = defineEnum("error_code", Object.keys(ErrorCode) as ErrorCodeName[]);

/** Entries the ERRLOG registers hold; older ones are dropped (the diagnostics keep them all). */
export const ERROR_LOG_DEPTH = 64;

/**
 * The device's error log: every misuse or fault is kept as a diagnostic that names the queue,
 * descriptor index and field, made readable through the ERRLOG registers, counted in
 * ERROR_COUNT and signalled by the ERROR interrupt cause.
 */
@injectable()
export class ErrorLog extends Component {
  // Several blocks may report in one phase: the last report's values stand.
  readonly count = this.signal("count", 32, { kind: "integer", lastWriteWins: true });
  readonly lastCode = this.enumSignal("last_code", ErrorCodeEnum, { lastWriteWins: true });
  readonly diagnostics: Diagnostic[] = [];
  private readonly entries: Diagnostic[] = [];
  private total = 0;
  /** Called for each new entry: the interrupt controller raises the ERROR cause. */
  onError: () => void = () => {};

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  report(report: DeviceErrorReport): Diagnostic {
    const diagnostic: Diagnostic = { ...report, time: this.kernel.now, message: describeError({ ...report, label: report.fieldName }) };
    this.diagnostics.push(diagnostic);
    this.entries.push(diagnostic);
    if (this.entries.length > ERROR_LOG_DEPTH) this.entries.shift();
    this.total = Math.min(this.total + 1, 0xffffffff);
    this.count.set(this.total);
    this.lastCode.set(ErrorCode[report.code]);
    this.onError();
    return diagnostic;
  }

  get errorCount(): number {
    return this.total;
  }

  get waiting(): number {
    return this.entries.length;
  }

  /** The oldest entry as the ERRLOG registers show it. */
  head(): { code: number; location: number; index: number; value: number | bigint } | null {
    const entry = this.entries[0];
    if (!entry) return null;
    const queue = entry.queue ?? NO_QUEUE;
    const location = ERRLOG_LOCATION_FIELDS.pack({ QUEUE: queue, DIRECTION: entry.direction === "rx" ? 1 : 0, FIELD: FieldCode[entry.field] });
    return { code: ErrorCode[entry.code], location, index: entry.index ?? NO_INDEX, value: entry.value };
  }

  pop(): void {
    this.entries.shift();
  }
}
