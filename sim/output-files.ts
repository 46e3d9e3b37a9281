import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Where an output file is written, and when it is done: straight to its name, or under a temporary one until the run has finished. */
export interface OutputNames {
  /** The path to write `path`'s contents to. */
  open(path: string): string;
  /** `path` holds all it will hold. */
  written(path: string): void;
}

/** A directory the outputs cannot go to, or a file they cannot be written as: the path and why. */
export class OutputError extends Error {}

/**
 * Make a directory and its missing parents one level at a time. Node's own recursive mkdir never
 * returns for a path under /proc, where every mkdir fails with ENOENT; here each failure is reported
 * with the path it was for.
 */
export function makeDirectory(path: string, requested = path): void {
  const absolute = resolve(path);
  if (existsSync(absolute)) {
    if (!statSync(absolute).isDirectory()) throw new OutputError(`output directory ${requested}: ${absolute} exists and is not a directory`);
    return;
  }
  const parent = dirname(absolute);
  if (parent !== absolute) makeDirectory(parent, requested);
  try {
    mkdirSync(absolute);
  } catch (error) {
    throw new OutputError(`output directory ${requested}: cannot create ${absolute} (${(error as Error).message.split(",")[0]})`);
  }
}

/** Outputs written straight to their names (for tools whose files are cheap to make again, such as the demo). */
export const DIRECT: OutputNames = {
  open: (path) => {
    makeDirectory(dirname(path));
    return path;
  },
  written: () => {},
};

export type OutputState = "complete" | "partial";

/** A file a failed run left behind: its temporary name, and whether it holds all it was to hold. */
export interface LeftFile {
  readonly path: string;
  readonly state: OutputState;
  readonly bytes: number;
}

/** The name a file has until its run has finished. */
const temporaryName = (path: string) => `${path}.partial`;

/**
 * The files of one run, written under temporary names (`<name>.partial`) and renamed to their own
 * names only when the whole run has finished: a run that fails leaves no file that looks finished,
 * nor replaces the files of an earlier run, and can say which files it left and in what state.
 */
export class OutputFiles implements OutputNames {
  private readonly files = new Map<string, OutputState>();

  constructor(readonly directory: string) {
    makeDirectory(directory);
  }

  open(path: string): string {
    if (this.files.has(path)) throw new OutputError(`${path}: written twice in one run`);
    makeDirectory(dirname(path));
    this.files.set(path, "partial");
    return temporaryName(path);
  }

  written(path: string): void {
    this.files.set(path, "complete");
  }

  /** Write a whole file. */
  write(path: string, contents: string | Uint8Array): void {
    writeFileSync(this.open(path), contents);
    this.written(path);
  }

  /** Write a whole file with a function that takes the path to write to (another module's writer). */
  writeWith(path: string, writer: (path: string) => void): void {
    writer(this.open(path));
    this.written(path);
  }

  /** Give every file its own name; returns the names, in the order the files were opened. */
  commit(): string[] {
    const unfinished = [...this.files].filter(([, state]) => state !== "complete").map(([path]) => path);
    if (unfinished.length > 0) throw new OutputError(`not finished: ${unfinished.join(", ")}`);
    for (const path of this.files.keys()) renameSync(temporaryName(path), path);
    return [...this.files.keys()];
  }

  /** The files as they are now on disk, under their temporary names (those not created at all are left out). */
  left(): LeftFile[] {
    return [...this.files].flatMap(([path, state]) => {
      const temporary = temporaryName(path);
      return existsSync(temporary) && statSync(temporary).isFile() ? [{ path: temporary, state, bytes: statSync(temporary).size }] : [];
    });
  }
}

/**
 * Run `body`, which writes a run's files through `outputs`. If it throws, `flush` makes the files
 * being streamed hold what was written before the failure, and the failure is thrown again as a
 * RunFailedError naming each file left and its state.
 */
export function leavingFilesOnFailure<T>(outputs: OutputFiles | null, flush: () => void, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (outputs === null) throw error;
    try {
      flush();
    } catch {
      // The failure may be in the writer itself: what is on disk is then all there is.
    }
    throw new RunFailedError(error, outputs.left());
  }
}

/** A run that failed: what failed, and the files it left. */
export class RunFailedError extends Error {
  constructor(
    readonly failure: unknown,
    readonly left: readonly LeftFile[],
  ) {
    super(`${failure instanceof Error ? failure.message : String(failure)}\n${describeLeftFiles(left)}`);
  }
}

export function describeLeftFiles(left: readonly LeftFile[]): string {
  if (left.length === 0) return "The run failed before writing any file.";
  const lines = left.map(({ path, state, bytes }) => `  ${path}: ${state === "complete" ? "complete" : "partial, cut off by the failure"} (${bytes} bytes)`);
  return `The run failed; no file was given its own name (those of an earlier run are as they were). Left under temporary names:\n${lines.join("\n")}`;
}
