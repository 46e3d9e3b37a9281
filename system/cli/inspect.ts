import { cannotRead, namedFileKind, readNamedFile } from "../../sim/unreadable.js";
import { didYouMeanAny } from "../../sim/suggest.js";
import { MalformedVcdError, type Timescale } from "../../sim/vcd/check-vcd.js";
import { UnreadableVcdError } from "../../sim/vcd/read-value-changes.js";
import { type ParsedVcd, readVcdAsWritten, readVcdFileAsWritten, type WrittenValue } from "../../sim/vcd/read-vcd.js";
import { writtenByNicsim } from "../../sim/vcd/end-marker.js";
import { isTemporaryName } from "../../sim/output-files.js";
import { signalNamesBeside, type SignalNames } from "../../sim/vcd/read-translate-filters.js";

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

/** The window's mistake, said by the option checks beside another mistake and by the inspection itself beside the file's. */
export function emptyWindowProblem(from: number, to: number): string | null {
  return from > to ? `--from ${from} is after --to ${to}: the window is empty` : null;
}

/** What `nicsim inspect` prints: a VCD's signals, or one signal's changes in a window. Throws with the file and line of a malformed VCD. */
export async function inspectVcd(file: string, options: InspectOptions): Promise<Inspection> {
  // Said with a signal the dump does not have, if that is wrong too: one was said, and the other only on the next try (from an outside check).
  const windowProblem = emptyWindowProblem(options.from, options.to);
  // A file is read a piece at a time, never whole (a long run's dump is longer than the longest JavaScript text); a pipe, read once, whole.
  // The window's mistake is said with the file's, whichever that is, as one list.
  const refuse = (problem: string | null): never => {
    const problems = [windowProblem, problem].filter((each) => each !== null);
    throw new Error(problems.length === 1 ? problems[0]! : `the inspection cannot be made:\n  ${problems.join("\n  ")}`);
  };
  let pipe: Uint8Array | null = null;
  try {
    pipe = namedFileKind(file) === "pipe" ? readNamedFile(file) : null;
  } catch (error) {
    refuse(cannotRead(file, error));
  }
  let parsed: ParsedVcd<bigint | WrittenValue>;
  // The window in the file's time units is known only from its header: the signal is kept whole and cut after.
  const keep = (path: string) => path === options.signal;
  try {
    parsed = await (pipe === null ? readVcdFileAsWritten(file, keep) : readVcdAsWritten(pipe, keep));
  } catch (error) {
    if (error instanceof MalformedVcdError) return refuse(`${file}:${error.line}: not a whole VCD: ${error.problem}`);
    if (error instanceof UnreadableVcdError) return refuse(`${file}:${error.line}: ${error.problem}`);
    throw error;
  }
  const signalProblem = options.signal && !parsed.variables.some((candidate) => candidate.path === options.signal) ? `${file}: no signal '${options.signal}'${suggest(options.signal, parsed.variables.map((candidate) => candidate.path))}` : null;
  if (windowProblem !== null || signalProblem !== null) refuse(signalProblem);
  const warnings = cutOffWarnings(file, parsed);
  const named = signalNamesBeside(file);
  if (!options.signal) {
    // A $var written twice (one code, one path) is listed once; one path with two codes, twice, as the two signals it is.
    const listed = parsed.variables.filter((variable, index) => (!options.match || variable.path.includes(options.match)) && parsed.variables.findIndex((other) => other.path === variable.path && other.code === variable.code) === index);
    if (listed.length === 0) warnings.push(options.match === undefined ? `${file}: the dump declares no signal` : `${file}: no signal's path contains '${options.match}'`);
    return { lines: listed.map((variable) => `${variable.path}  [${variable.width}]${named.has(variable.path) ? `  names from ${named.get(variable.path)!.file}` : ""}`), warnings };
  }
  const variables = parsed.variables.filter((candidate) => candidate.path === options.signal);
  const variable = variables[0]!;
  // Two variables of one path with their own codes are two signals: their changes would be shown as one.
  if (new Set(variables.map((each) => each.code)).size > 1) throw new Error(`${file}: ${variables.length} variables are declared as '${options.signal}', with different identifier codes: their changes cannot be told apart by the path`);
  const perMicrosecond = ticksPerMicrosecond(parsed.timeUnit);
  // The window in whole ticks of the file.
  const from = Math.ceil(options.from * perMicrosecond);
  const to = Math.floor(options.to * perMicrosecond);
  const value = valueText(named.get(variable.path));
  const time = (ticks: number) => `${microsecondsText(ticks, parsed.timeUnit).padStart(16)} µs`;
  // The value the signal holds as the window opens (at --from, which need not be a whole tick of the file): its last change before it.
  const before = parsed.changes.filter((change) => change.time < from).at(-1);
  const inside = parsed.changes.filter((change) => change.time >= from && change.time <= to);
  const opening = options.from * perMicrosecond;
  const opensOnChange = inside[0] !== undefined && inside[0].time === opening;
  // Between two ticks of the file (--from 25 in a 10 µs file), the opening is said as given.
  const openingText = Number.isInteger(opening) ? time(opening) : `${decimal(options.from).padStart(16)} µs`;
  // An event holds no value between its firings.
  // A dump of a window (outputs.waveformFromMicroseconds/ToMicroseconds) records nothing outside it: a window asked beyond it is said.
  // The dump's first timestamp, not the signal's first change (an event fires late in a whole dump).
  const first = parsed.startTime;
  // A value first recorded as a windowed dump begins was held from before it, since when the dump cannot say (it said since the window's start; an outside check).
  const since = first > 0 && before !== undefined && before.time <= first ? `since ${microsecondsText(first, parsed.timeUnit)} µs or earlier: the dump begins there` : `since ${microsecondsText(before?.time ?? 0, parsed.timeUnit)} µs`;
  const atStart = before !== undefined && !opensOnChange && variable.type !== "event" ? [`${openingText}  ${value(before.value)}  (held ${since})`] : [];
  if (first > 0 && from < first) warnings.push(`${file}: the dump begins at ${microsecondsText(first, parsed.timeUnit)} µs: nothing before it is recorded`);
  const end = microsecondsText(parsed.endTime, parsed.timeUnit);
  if (from > parsed.endTime) warnings.push(`${file}: the dump ends at ${end} µs, before --from: ${variable.type === "event" ? "nothing after it is recorded" : `the value shown is the last recorded, not what the signal held at ${decimal(options.from)} µs`}`);
  else if (to !== Infinity && to > parsed.endTime) warnings.push(`${file}: the dump ends at ${end} µs, before --to: nothing after it is recorded`);
  const timescale = parsed.timescale === undefined ? "the file has no $timescale: its times are taken as 1 ps" : `the file's $timescale is ${parsed.timeUnit.text}`;
  return { lines: [`# ${variable.path}: times in µs (${timescale})`, ...atStart, ...inside.map((change) => `${time(change.time)}  ${value(change.value)}`)], warnings };
}

/**
 * A value as the signal's translate filter names it (the number too, when the filter has no name
 * for it), or in decimal; one with an x or z bit, or a real, as the file writes it.
 */
function valueText(names: SignalNames | undefined): (value: bigint | WrittenValue) => string {
  return (value) => {
    if (typeof value !== "bigint") return value.written;
    if (!names) return value.toString();
    return names.names.get(value) ?? `${value} (no name for it in ${names.file})`;
  };
}

/**
 * A VCD has no end of its own: a file cut at a line boundary parses as a shorter dump. nicsim ends
 * each finished run's dump with a marker; one of its files without it (or under a run's temporary
 * name) may hold only part of the run. Older files, written before the marker, warn the same way.
 */
function cutOffWarnings(file: string, parsed: ParsedVcd<unknown>): string[] {
  const warnings: string[] = [];
  if (isTemporaryName(file)) warnings.push(`${file}: a temporary name: the run writing this file did not finish (or is still running), so it may hold only part of the run`);
  if (writtenByNicsim(parsed.version) && !parsed.endMarker) warnings.push(`${file}: written by nicsim but without its end-of-dump marker: the file is cut off (a run killed or failed), and ends at ${microsecondsText(parsed.endTime, parsed.timeUnit)} µs (or was written before nicsim marked the end)`);
  return warnings;
}

/** Time units of the file in one microsecond. */
function ticksPerMicrosecond(unit: Timescale): number {
  return 10 ** (-6 - unit.exponent) / unit.magnitude;
}

/**
 * A time of the file in µs, with as many decimals as its $timescale resolves (6 for ps, 3 for
 * ns): one unit for every line, and exact.
 */
function microsecondsText(ticks: number, unit: Timescale): string {
  const decimals = Math.max(0, -6 - unit.exponent);
  const scaled = BigInt(ticks) * BigInt(unit.magnitude) * 10n ** BigInt(Math.max(0, unit.exponent + 6));
  const text = scaled.toString().padStart(decimals + 1, "0");
  return decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

/** A time given in µs as decimals, never in exponent form (1e-7 is 0.0000001). */
function decimal(microseconds: number): string {
  return microseconds.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 });
}

/** The signals meant: those of the same name elsewhere, those under a scope given, or the nearest names. */
function suggest(name: string, candidates: readonly string[]): string {
  const tail = name.split(".").pop()!;
  const sameName = candidates.filter((candidate) => candidate.endsWith(`.${tail}`));
  if (sameName.length > 0) return ` (signals named '${tail}': ${listed(sameName)})`;
  const under = [...new Set(candidates.filter((candidate) => candidate.startsWith(`${name}.`)))];
  if (under.length > 0) return ` ('${name}' is a scope; its signals: ${listed(under)})`;
  return didYouMeanAny(name, candidates);
}

function listed(paths: readonly string[]): string {
  return `${paths.slice(0, 5).join(", ")}${paths.length > 5 ? `, and ${paths.length - 5} more` : ""}`;
}
