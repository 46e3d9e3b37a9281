import { readFileSync } from "node:fs";
import { formatTime } from "../../sim/time.js";
import { MalformedVcdError, type Timescale } from "../../sim/vcd/check-vcd.js";
import { type ParsedVcd, readVcd } from "../../sim/vcd/read-vcd.js";
import { writtenByNicsim } from "../../sim/vcd/end-marker.js";

export interface InspectOptions {
  /** The signal whose changes to print; without one, the signals are listed. */
  readonly signal?: string;
  /** The window, µs of simulated time (converted to the file's own $timescale). */
  readonly from: number;
  readonly to: number;
  /** List only signals whose path contains this. */
  readonly match?: string;
}

/** What `nicsim inspect` prints, and what it warns of: a file that may be cut off (no end marker, or a temporary name). */
export interface Inspection {
  readonly lines: readonly string[];
  readonly warnings: readonly string[];
}

/** What `nicsim inspect` prints: a VCD's signals, or one signal's changes in a window. Throws with the file and line of a malformed VCD. */
export async function inspectVcd(file: string, options: InspectOptions): Promise<Inspection> {
  if (options.from > options.to) throw new Error(`--from ${options.from} is after --to ${options.to}: the window is empty`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read: ${(error as Error).message}`);
  }
  let parsed: ParsedVcd;
  // The window in the file's time units is known only from its header: the signal is kept whole and cut after.
  try {
    parsed = await readVcd(bytes, (path) => path === options.signal);
  } catch (error) {
    if (error instanceof MalformedVcdError) throw new Error(`${file}:${error.line}: not a whole VCD: ${error.problem}`);
    throw error;
  }
  const warnings = cutOffWarnings(file, parsed);
  if (!options.signal) return { lines: parsed.variables.filter((variable) => !options.match || variable.path.includes(options.match)).map((variable) => `${variable.path}  [${variable.width}]`), warnings };
  const variable = parsed.variables.find((candidate) => candidate.path === options.signal);
  if (!variable) throw new Error(`${file}: no signal '${options.signal}'${suggest(options.signal, parsed.variables.map((candidate) => candidate.path))}`);
  const perMicrosecond = ticksPerMicrosecond(parsed.timeUnit);
  const from = options.from * perMicrosecond;
  const to = options.to * perMicrosecond;
  return { lines: parsed.changes.filter((change) => change.time >= from && change.time <= to).map((change) => `${timeText(change.time, parsed.timeUnit).padStart(14)}  ${change.value}`), warnings };
}

/**
 * A VCD has no end of its own: a file cut at a line boundary parses as a shorter dump. nicsim ends
 * each finished run's dump with a marker; one of its files without it (or under a run's temporary
 * name) may hold only part of the run. Older files, written before the marker, warn the same way.
 */
function cutOffWarnings(file: string, parsed: ParsedVcd): string[] {
  const warnings: string[] = [];
  if (file.endsWith(".partial")) warnings.push(`${file}: a temporary name: the run writing this file did not finish (or is still running), so it may hold only part of the run`);
  if (writtenByNicsim(parsed.version) && !parsed.endMarker) warnings.push(`${file}: written by nicsim but without its end-of-dump marker: the file is cut off (a run killed or failed), and ends at ${timeText(parsed.endTime, parsed.timeUnit)} (or was written before nicsim marked the end)`);
  return warnings;
}

/** Time units of the file in one microsecond. */
function ticksPerMicrosecond(unit: Timescale): number {
  return 10 ** (-6 - unit.exponent) / unit.magnitude;
}

/** A time of the file, in the largest unit that keeps it exact (femtoseconds as they are). */
function timeText(ticks: number, unit: Timescale): string {
  return unit.exponent >= -12 ? formatTime(ticks * unit.magnitude * 10 ** (unit.exponent + 12)) : `${ticks * unit.magnitude} fs`;
}

function suggest(name: string, candidates: readonly string[]): string {
  const tail = name.split(".").pop()!;
  const close = candidates.filter((candidate) => candidate.endsWith(`.${tail}`)).slice(0, 5);
  return close.length ? ` (signals named '${tail}': ${close.join(", ")})` : "";
}
