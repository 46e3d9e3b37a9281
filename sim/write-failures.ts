import { chmodSync, writeFileSync } from "node:fs";
import { OutputError } from "./errors.js";

/** A failure writing or making an output file in Node's words ("ENOSPC: no space left on device, write"): the reason alone, then its code. */
function named(what: string, path: string, error: unknown, call: RegExp): OutputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = error instanceof Error ? error.message.replace(/^[A-Z0-9_]+: /, "").replace(call, "") : String(error);
  return new OutputError(`${what} ${path}: ${reason}${code !== undefined && !reason.includes(code) ? ` (${code})` : ""}`);
}

/** A write to an output file that failed (a full disk, a quota), naming the file as it is on disk. */
export function writeFailure(path: string, error: unknown): OutputError {
  return named("could not write", path, error, /, (write|close)$/);
}

/** A file that could not be made (no space or inode left), named as writeFailure names one; an error naming no file is said as it is. */
export function creationFailure(error: unknown): OutputError {
  const { path } = error as NodeJS.ErrnoException;
  if (path === undefined || !(error instanceof Error)) return new OutputError(error instanceof Error ? error.message : String(error));
  return named("could not create", path, error, /, open '.*'$/);
}

/** Write a whole file; a failure (a full disk) names the file. A file of keys (`secret`) is readable by its owner alone. */
export function writeWholeFile(path: string, contents: string | Uint8Array, options: { secret?: boolean } = {}): void {
  try {
    writeFileSync(path, contents, options.secret ? { mode: 0o600 } : {});
    // The mode is given only to a file made afresh: one written over keeps its own.
    if (options.secret) chmodSync(path, 0o600);
  } catch (error) {
    throw writeFailure(path, error);
  }
}
