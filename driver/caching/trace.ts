import { readFileSync, writeFileSync } from "node:fs";

/** One packet's use of an SA: which SA, when (ps), how many bytes, which way, and (from a run) the path it took. */
export interface SaAccess {
  readonly sa: number;
  readonly time: number;
  readonly bytes: number;
  readonly direction: "tx" | "rx";
  /** The NIC inline, or software ESP on a host core. */
  readonly path?: "hardware" | "software";
}

/** Records the SA accesses of a run, to replay them against any policy. */
export class TraceRecorder {
  readonly accesses: SaAccess[] = [];
  /** Off in long runs, where a record per packet would grow without bound. */
  enabled = true;

  record(access: SaAccess): void {
    if (this.enabled) this.accesses.push(access);
  }
}

/** A trace file: one JSON object per line, {"sa":…,"time":…,"bytes":…,"direction":"tx"|"rx"} and optionally "path":"hardware"|"software". */
export function writeTrace(path: string, trace: readonly SaAccess[]): void {
  writeFileSync(path, trace.map((access) => JSON.stringify(access)).join("\n") + "\n");
}

/** Read a trace file: each record checked, and the records in time order (as a run records them), each problem named by its line. */
export function readTrace(path: string): SaAccess[] {
  let previous: { time: number; line: number } | null = null;
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, number }) => {
      const access = parseRecord(line, `${path}:${number}`);
      if (previous !== null && access.time < previous.time) throw new Error(`${path}:${number}: time ${access.time} ps is before ${previous.time} ps on line ${previous.line}: a trace's records are in time order`);
      previous = { time: access.time, line: number };
      return access;
    });
}

function parseRecord(line: string, at: string): SaAccess {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`${at}: not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${at}: expected an object {"sa":…,"time":…,"bytes":…,"direction":…}, found ${value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`}`);
  const access = value as Partial<SaAccess>;
  for (const field of ["sa", "time", "bytes"] as const) {
    if (!Number.isSafeInteger(access[field]) || access[field]! < 0) throw new Error(`${at}: field '${field}' must be a non-negative integer`);
  }
  if (access.direction !== "tx" && access.direction !== "rx") throw new Error(`${at}: field 'direction' must be "tx" or "rx"`);
  if (access.path !== undefined && access.path !== "hardware" && access.path !== "software") throw new Error(`${at}: field 'path' must be "hardware" or "software" when given`);
  return access as SaAccess;
}
