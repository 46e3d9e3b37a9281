import { SimulationError } from "../errors.js";
import { checkPath } from "../names.js";
import { formatTime } from "../time.js";
import { endMarkerComment } from "./end-marker.js";
import { identifierCode } from "./identifier.js";
import type { TextSink } from "./sink.js";

export type VcdVariableType = "wire" | "reg" | "integer" | "event";

export class VcdError extends SimulationError {
  override name = "VcdError";
}

export interface VcdVariable {
  readonly path: string;
  readonly type: VcdVariableType;
  readonly width: number;
  readonly code: string;
  /** Last value written; null before $dumpvars. */
  last: number | bigint | null;
  /** Smallest value that does not fit (2^width), precomputed for the hot path. */
  readonly limit: number | bigint;
  /** Written as `0code`/`1code` rather than `bvalue code`. */
  readonly scalar: boolean;
  /** Text after the value: the code alone for scalars, a space and the code for vectors. */
  readonly suffix: string;
}

export interface VcdHeader {
  /** Text of $date. Wall-clock dates would make equal runs differ, so callers choose. */
  date: string;
  version: string;
  /** Seconds per time unit is fixed at 1 ps: the kernel's time base. */
  comment?: string;
}

interface ScopeNode {
  readonly name: string;
  readonly variables: VcdVariable[];
  readonly scopes: Map<string, ScopeNode>;
}

/** Flush the buffered text to the sink once it holds this many characters. */
const FLUSH_THRESHOLD = 64 * 1024;

/**
 * Streaming IEEE 1364 VCD writer. Variables are declared first; begin() writes the header and
 * $dumpvars; then values change at non-decreasing times. Output is buffered and flushed in chunks,
 * so memory does not grow with the length of the run.
 */
export class VcdWriter {
  private readonly root: ScopeNode = { name: "", variables: [], scopes: new Map() };
  private readonly variables: VcdVariable[] = [];
  private readonly paths = new Set<string>();
  private buffer = "";
  private time = -1;
  private timeWritten = false;
  /** ended: the last timestamp is written (the window closed), the file is still open for the end marker. */
  private state: "declaring" | "dumping" | "ended" | "closed" = "declaring";
  changesWritten = 0;
  bytesWritten = 0;

  constructor(private readonly sink: TextSink, private readonly header: VcdHeader) {}

  get currentTime(): number {
    return this.time;
  }

  get isOpen(): boolean {
    return this.state !== "closed";
  }

  declare(path: string, type: VcdVariableType, width: number): VcdVariable {
    if (this.state !== "declaring") {
      throw new VcdError(`cannot declare '${path}' after the header was written (time has advanced to ${formatTime(this.time)})`);
    }
    checkPath(path, "VCD variable");
    if (this.paths.has(path)) throw new VcdError(`duplicate VCD variable '${path}'`);
    if (!Number.isSafeInteger(width) || width < 1 || (type === "event" && width !== 1)) throw new VcdError(`VCD variable '${path}': invalid width ${width} for ${type}`);
    const segments = path.split(".");
    let scope = this.root;
    let prefix = "";
    for (const segment of segments.slice(0, -1)) {
      prefix = prefix === "" ? segment : `${prefix}.${segment}`;
      if (this.paths.has(prefix)) throw new VcdError(`'${prefix}' is both a variable and a scope`);
      let child = scope.scopes.get(segment);
      if (!child) scope.scopes.set(segment, (child = { name: segment, variables: [], scopes: new Map() }));
      scope = child;
    }
    const name = segments[segments.length - 1]!;
    if (scope.scopes.has(name)) throw new VcdError(`'${path}' is both a variable and a scope`);
    const code = identifierCode(this.variables.length);
    const scalar = width === 1 && type !== "integer";
    const limit = width >= 53 ? 1n << BigInt(width) : 2 ** width;
    const variable: VcdVariable = { path, type, width, code, last: null, limit, scalar, suffix: scalar ? `${code}\n` : ` ${code}\n` };
    this.variables.push(variable);
    this.paths.add(path);
    scope.variables.push(variable);
    return variable;
  }

  /** Write the header, then `#time` and $dumpvars with each variable's initial value. */
  begin(time: number, initialValue: (variable: VcdVariable) => number | bigint): void {
    if (this.state !== "declaring") throw new VcdError("begin() called twice");
    this.state = "dumping";
    const lines = [`$date\n\t${this.header.date}\n$end`, `$version\n\t${this.header.version}\n$end`];
    if (this.header.comment) lines.push(`$comment\n\t${this.header.comment}\n$end`);
    lines.push("$timescale 1ps $end");
    this.writeScopes(this.root, lines);
    lines.push("$enddefinitions $end");
    this.buffer += lines.join("\n") + "\n";
    this.checkTime(time);
    this.time = time;
    this.buffer += `#${time}\n$dumpvars\n`;
    for (const variable of this.variables) {
      if (variable.type === "event") continue;
      const value = initialValue(variable);
      this.checkFits(variable, value);
      variable.last = value;
      this.buffer += this.format(variable, value);
    }
    this.buffer += "$end\n";
    this.timeWritten = true;
    this.flushIfFull();
  }

  /** Move to a later (or the same) time; `#time` is written only when something changes then. */
  setTime(time: number): void {
    if (time === this.time) return;
    this.checkTime(time);
    this.time = time;
    this.timeWritten = false;
  }

  /** Record a value at the current time; nothing is written if it equals the last one. */
  change(variable: VcdVariable, value: number | bigint): void {
    if (value === variable.last) return;
    this.checkFits(variable, value);
    variable.last = value;
    this.emit(this.format(variable, value));
  }

  /** An occurrence of an event variable at the current time. */
  trigger(variable: VcdVariable): void {
    if (variable.type !== "event") throw new VcdError(`'${variable.path}' is not an event`);
    this.emit(`1${variable.code}\n`);
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    this.bytesWritten += Buffer.byteLength(this.buffer);
    this.sink.write(this.buffer);
    this.buffer = "";
  }

  /** Write the final timestamp (when later than the last one) and flush: no value changes after this. */
  endDump(finalTime: number): void {
    if (this.state === "ended" || this.state === "closed") return;
    if (this.state === "declaring") this.begin(finalTime, () => 0);
    if (finalTime > this.time) {
      this.checkTime(finalTime);
      this.buffer += `#${finalTime}\n`;
      this.time = finalTime;
    }
    this.state = "ended";
    this.flush();
  }

  /**
   * End the dump at `finalTime` and close the sink. `runEnd`, given only when the run finished,
   * writes the end marker: a dump closed without it (a failed or interrupted run) reads as cut off.
   */
  close(finalTime: number, runEnd?: number): void {
    if (this.state === "closed") return;
    this.endDump(finalTime);
    if (runEnd !== undefined) this.buffer += endMarkerComment(runEnd);
    this.state = "closed";
    this.flush();
    this.sink.close();
  }

  private emit(text: string): void {
    if (this.state !== "dumping") throw new VcdError(this.state === "declaring" ? "value change before begin()" : "write after the dump's end");
    if (!this.timeWritten) {
      this.buffer += `#${this.time}\n`;
      this.timeWritten = true;
    }
    this.buffer += text;
    this.changesWritten++;
    if (this.buffer.length >= FLUSH_THRESHOLD) this.flush();
  }

  private flushIfFull(): void {
    if (this.buffer.length >= FLUSH_THRESHOLD) this.flush();
  }

  private checkTime(time: number): void {
    if (!Number.isSafeInteger(time) || time < 0) throw new VcdError(`time ${time} is not a non-negative integer of picoseconds`);
    if (time < this.time) throw new VcdError(`time went backwards: ${formatTime(time)} after ${formatTime(this.time)}`);
  }

  private checkFits(variable: VcdVariable, value: number | bigint): void {
    const fits = value >= 0 && value < variable.limit && (typeof value === "bigint" || Number.isInteger(value));
    if (!fits) throw new VcdError(`value 0x${value.toString(16)} is wider than '${variable.path}' (${variable.width} bits) at ${formatTime(this.time)}`);
  }

  private format(variable: VcdVariable, value: number | bigint): string {
    if (variable.scalar) return value + variable.suffix;
    return "b" + value.toString(2) + variable.suffix;
  }

  private writeScopes(scope: ScopeNode, lines: string[]): void {
    for (const variable of scope.variables) {
      lines.push(`$var ${variable.type} ${variable.width} ${variable.code} ${variable.path.slice(variable.path.lastIndexOf(".") + 1)} $end`);
    }
    for (const child of scope.scopes.values()) {
      lines.push(`$scope module ${child.name} $end`);
      this.writeScopes(child, lines);
      lines.push("$upscope $end");
    }
  }
}
