import { MAX_SA_TABLE_ENTRIES } from "../../hw/spec/register-fields.js";
import { cannotRead, readNamedFile } from "../../sim/unreadable.js";
import { writeWholeFile } from "../../sim/output-files.js";

/** One packet's use of an SA: which SA, when (ps), its inner packet's bytes (either way), which way, and (from a run) the path it took. */
export interface SaAccess {
  readonly sa: number;
  readonly time: number;
  readonly bytes: number;
  readonly direction: "tx" | "rx";
  /** The NIC inline, or software ESP on a host core. */
  readonly path?: "hardware" | "software";
}

/**
 * An SA deleted (a rekey's old pair, a Delete, an expiry): its table entry is free from here. `after`:
 * the accesses recorded before it, which places it among them (it is not written: its line's place
 * in the file says it).
 */
export interface SaRemoval {
  readonly sa: number;
  readonly time: number;
  readonly direction: "tx" | "rx";
  readonly after: number;
}

/** A trace's accesses and deletions in the order the run recorded them: each deletion before the access its `after` counts up to. */
export function* inRecordedOrder(accesses: readonly SaAccess[], removals: readonly SaRemoval[]): Generator<SaAccess | SaRemoval> {
  let next = 0;
  for (let index = 0; index < accesses.length; index++) {
    for (; next < removals.length && removals[next]!.after <= index; next++) yield removals[next]!;
    yield accesses[index]!;
  }
  for (; next < removals.length; next++) yield removals[next]!;
}

/** Text gathered before it goes to a streaming sink. */
const FLUSH_CHARACTERS = 64 * 1024;

/**
 * Records the SA accesses of a run, to replay them against any policy: kept in `accesses`, or,
 * streaming to a file, written as they come so memory does not grow with the run.
 */
export class TraceRecorder {
  readonly accesses: SaAccess[] = [];
  readonly removals: SaRemoval[] = [];
  /** Accesses recorded so far, kept or streamed: where a removal falls among them. */
  private recorded = 0;
  /** Off in long runs, where a record per packet would grow without bound. */
  enabled = true;
  private sink: ((text: string) => void) | null = null;
  private pending = "";

  /** From now on, write each access's line to `sink` (in chunks) instead of keeping it; the header first. */
  stream(sink: (text: string) => void, tableEntries: TableEntries): void {
    this.sink = sink;
    this.pending = `${traceHeader(tableEntries)}\n`;
  }

  record(access: SaAccess): void {
    if (!this.enabled) return;
    this.recorded++;
    if (this.sink === null) {
      this.accesses.push(access);
      return;
    }
    this.pending += `${accessLine(access)}\n`;
    if (this.pending.length >= FLUSH_CHARACTERS) this.flush();
  }

  /** An SA was deleted: a replay frees its entry here, as the run did (a dead SA holding an entry for ever cut a replay's hits to a third). */
  recordRemoval(removal: Omit<SaRemoval, "after">): void {
    if (!this.enabled) return;
    const placed = { ...removal, after: this.recorded };
    if (this.sink === null) {
      this.removals.push(placed);
      return;
    }
    this.pending += `${removalLine(placed)}\n`;
    if (this.pending.length >= FLUSH_CHARACTERS) this.flush();
  }

  /** Write what is gathered to the streaming sink. */
  flush(): void {
    if (this.sink !== null && this.pending !== "") this.sink(this.pending);
    this.pending = "";
  }
}

/** An access's line, the one format of the trace's lines: JSON, spelt out because a run writes one per packet. */
function accessLine(access: SaAccess): string {
  const path = access.path === undefined ? "" : `,"path":"${access.path}"`;
  return `{"sa":${access.sa},"time":${access.time},"bytes":${access.bytes},"direction":"${access.direction}"${path}}`;
}

function removalLine(removal: SaRemoval): string {
  return `{"sa":${removal.sa},"time":${removal.time},"direction":"${removal.direction}","removed":true}`;
}

function traceHeader(tableEntries: TableEntries): string {
  return JSON.stringify({ tableEntries: { tx: tableEntries.tx, rx: tableEntries.rx } });
}

/** The SA tables of the run a trace comes from: their entries each way. */
export interface TableEntries {
  readonly tx: number;
  readonly rx: number;
}

/** A trace as read: the run's table sizes (null in traces written before they were recorded, or by hand), the accesses and the SAs deleted among them. */
export interface SaTrace {
  readonly tableEntries: TableEntries | null;
  readonly accesses: SaAccess[];
  readonly removals: SaRemoval[];
}

/**
 * A trace file: one JSON object per line, {"sa":…,"time":…,"bytes":…,"direction":"tx"|"rx"} and
 * optionally "path":"hardware"|"software", or {"sa":…,"time":…,"direction":…,"removed":true} for an
 * SA deleted there; a run's trace starts with {"tableEntries":{"tx":…,"rx":…}}.
 */
export function writeTrace(path: string, trace: readonly SaAccess[], tableEntries: TableEntries, removals: readonly SaRemoval[] = []): void {
  const lines = [traceHeader(tableEntries)];
  for (const record of inRecordedOrder(trace, removals)) lines.push("after" in record ? removalLine(record) : accessLine(record));
  writeWholeFile(path, lines.join("\n") + "\n");
}

/** Read a trace file: its header if the first record is one, each record checked, and the records in time order (as a run records them), each problem named by its line. */
export function readTrace(path: string): SaTrace {
  let previous: { time: number; line: number } | null = null;
  let tableEntries: TableEntries | null = null;
  const accesses: SaAccess[] = [];
  const removals: SaRemoval[] = [];
  let text: string;
  try {
    text = readNamedFile(path, "utf8");
  } catch (error) {
    throw new Error(cannotRead(path, error));
  }
  const lines = text
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== "");
  // Every line's mistake at once (up to a screenful): the first alone hid the others.
  const problems: string[] = [];
  lines.forEach(({ line, number }, index) => {
    try {
      const value = parseJson(line, `${path}:${number}`);
      if (typeof value === "object" && value !== null && "tableEntries" in value) {
        if (index > 0) throw new Error(`${path}:${number}: the table sizes ({"tableEntries":…}) go on a trace's first line`);
        tableEntries = parseHeader(value.tableEntries, `${path}:${number}`);
        return;
      }
      const record = parseRecord(value, `${path}:${number}`);
      if (previous !== null && record.time < previous.time) throw new Error(`${path}:${number}: time ${record.time} ps is before ${previous.time} ps on line ${previous.line}: a trace's records are in time order`);
      previous = { time: record.time, line: number };
      if ("removed" in record) removals.push({ sa: record.sa, time: record.time, direction: record.direction, after: accesses.length });
      else accesses.push(record);
    } catch (error) {
      problems.push((error as Error).message);
    }
  });
  if (problems.length > 0) throw new TraceError(problems.length > SHOWN_PROBLEMS ? [...problems.slice(0, SHOWN_PROBLEMS), `${path}: and ${problems.length - SHOWN_PROBLEMS} more lines with mistakes`] : problems);
  return { tableEntries, accesses, removals };
}

/** Lines with mistakes named one by one; the rest are counted. */
const SHOWN_PROBLEMS = 20;

/** A trace that cannot be read as one: each problem with its file and line. */
export class TraceError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

function parseJson(line: string, at: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${at}: not JSON`);
  }
}

function parseHeader(value: unknown, at: string): TableEntries {
  const entries = (typeof value === "object" && value !== null ? value : {}) as Partial<Record<keyof TableEntries, unknown>>;
  for (const direction of ["tx", "rx"] as const) {
    const count = entries[direction];
    // As --table-entries and the parameters have it: a header of 70000 was taken without a word (from an architect's check).
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > MAX_SA_TABLE_ENTRIES) throw new Error(`${at}: field 'tableEntries.${direction}' must be a whole number of entries, from 1 to ${MAX_SA_TABLE_ENTRIES}`);
  }
  return { tx: entries.tx as number, rx: entries.rx as number };
}

function parseRecord(value: unknown, at: string): SaAccess | (Omit<SaRemoval, "after"> & { readonly removed: true }) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${at}: expected an object {"sa":…,"time":…,"bytes":…,"direction":…}, found ${value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`}`);
  const access = value as Partial<SaAccess> & { removed?: unknown };
  if ("removed" in access) {
    if (access.removed !== true) throw new Error(`${at}: field 'removed' must be true when given (an SA deleted there)`);
    for (const field of ["sa", "time"] as const) if (!Number.isSafeInteger(access[field]) || access[field]! < 0) throw new Error(`${at}: field '${field}' must be a non-negative integer`);
    if (access.direction !== "tx" && access.direction !== "rx") throw new Error(`${at}: field 'direction' must be "tx" or "rx"`);
    return { sa: access.sa!, time: access.time!, direction: access.direction, removed: true };
  }
  for (const field of ["sa", "time", "bytes"] as const) {
    if (!Number.isSafeInteger(access[field]) || access[field]! < 0) throw new Error(`${at}: field '${field}' must be a non-negative integer`);
  }
  if (access.direction !== "tx" && access.direction !== "rx") throw new Error(`${at}: field 'direction' must be "tx" or "rx"`);
  if (access.path !== undefined && access.path !== "hardware" && access.path !== "software") throw new Error(`${at}: field 'path' must be "hardware" or "software" when given`);
  return access as SaAccess;
}
