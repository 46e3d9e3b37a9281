import { SimulationError } from "../errors.js";
import { checkPath } from "../names.js";
import { formatTime } from "../time.js";
import { endMarkerComment } from "./end-marker.js";
import { identifierCode } from "./identifier.js";
import { OutputBuffer, TIME_LINE_BYTES } from "./output-buffer.js";
import type { ByteSink } from "./sink.js";

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
  /** ASCII after the value: the code and newline for scalars, a space, the code and newline for vectors. */
  readonly suffix: Uint8Array;
  /** Most bytes one value change of it takes ('b', the width's digits, the suffix). */
  readonly changeBytes: number;
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

/** Codes are printable ASCII: their UTF-8 bytes are the ASCII bytes. */
const ASCII = new TextEncoder();
const ASCII_ZERO = 0x30;
const ASCII_ONE = 0x31;
const ASCII_B = 0x62;

/**
 * Streaming IEEE 1364 VCD writer. Variables are declared first; begin() writes the header and
 * $dumpvars; then values change at non-decreasing times. Value changes are formatted as ASCII
 * straight into a fixed byte buffer handed to the sink in chunks, so memory does not grow with the
 * length of the run and no string is built per change.
 */
export class VcdWriter {
  private readonly root: ScopeNode = { name: "", variables: [], scopes: new Map() };
  private readonly variables: VcdVariable[] = [];
  private readonly paths = new Set<string>();
  private readonly output: OutputBuffer;
  private time = -1;
  private timeWritten = false;
  /** ended: the last timestamp is written (the window closed), the file is still open for the end marker. */
  private state: "declaring" | "dumping" | "ended" | "closed" = "declaring";
  changesWritten = 0;

  constructor(private readonly sink: ByteSink, private readonly header: VcdHeader) {
    this.output = new OutputBuffer(sink);
  }

  /** Bytes handed to the sink so far. */
  get bytesWritten(): number {
    return this.output.bytesWritten;
  }

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
    const suffix = ASCII.encode(scalar ? `${code}\n` : ` ${code}\n`);
    const changeBytes = (scalar ? 1 : 1 + width) + suffix.length;
    const variable: VcdVariable = { path, type, width, code, last: null, limit, scalar, suffix, changeBytes };
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
    this.output.text(lines.join("\n") + "\n");
    this.checkTime(time);
    this.time = time;
    this.output.reserve(TIME_LINE_BYTES);
    this.output.time(time);
    this.output.text("$dumpvars\n");
    for (const variable of this.variables) {
      if (variable.type === "event") continue;
      const value = initialValue(variable);
      this.checkFits(variable, value);
      variable.last = value;
      this.output.reserve(variable.changeBytes);
      this.writeValue(variable, value);
    }
    this.output.text("$end\n");
    this.timeWritten = true;
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
    this.startChange(variable);
    this.writeValue(variable, value);
  }

  /** An occurrence of an event variable at the current time. */
  trigger(variable: VcdVariable): void {
    if (variable.type !== "event") throw new VcdError(`'${variable.path}' is not an event`);
    this.startChange(variable);
    this.output.byte(ASCII_ONE);
    this.output.append(variable.suffix);
  }

  flush(): void {
    this.output.flush();
  }

  /** Write the final timestamp (when later than the last one) and flush: no value changes after this. */
  endDump(finalTime: number): void {
    if (this.state === "ended" || this.state === "closed") return;
    if (this.state === "declaring") this.begin(finalTime, () => 0);
    if (finalTime > this.time) {
      this.checkTime(finalTime);
      this.output.reserve(TIME_LINE_BYTES);
      this.output.time(finalTime);
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
    if (runEnd !== undefined) this.output.text(endMarkerComment(runEnd));
    this.state = "closed";
    this.flush();
    this.sink.close();
  }

  /** Reserve room for the change and a `#time` line; write that line when this is the time's first change. */
  private startChange(variable: VcdVariable): void {
    if (this.state !== "dumping") throw new VcdError(this.state === "declaring" ? "value change before begin()" : "write after the dump's end");
    this.output.reserve(TIME_LINE_BYTES + variable.changeBytes);
    if (!this.timeWritten) {
      this.output.time(this.time);
      this.timeWritten = true;
    }
    this.changesWritten++;
  }

  private checkTime(time: number): void {
    if (!Number.isSafeInteger(time) || time < 0) throw new VcdError(`time ${time} is not a non-negative integer of picoseconds`);
    if (time < this.time) throw new VcdError(`time went backwards: ${formatTime(time)} after ${formatTime(this.time)}`);
  }

  private checkFits(variable: VcdVariable, value: number | bigint): void {
    const fits = value >= 0 && value < variable.limit && (typeof value === "bigint" || Number.isInteger(value));
    if (!fits) throw new VcdError(`value 0x${value.toString(16)} is wider than '${variable.path}' (${variable.width} bits) at ${formatTime(this.time)}`);
  }

  /** `0code`/`1code` for scalars, `bdigits code` for vectors; room was reserved. */
  private writeValue(variable: VcdVariable, value: number | bigint): void {
    if (variable.scalar) {
      this.output.byte(ASCII_ZERO + Number(value));
    } else {
      this.output.byte(ASCII_B);
      this.output.binary(value);
    }
    this.output.append(variable.suffix);
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
