import { accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, unlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { OutputError } from "./errors.js";
import { LockFile } from "./lock-file.js";
import type { FailedRunExtent } from "./failed-run.js";
import { creationFailure, writeFailure, writeWholeFile } from "./write-failures.js";

/** Where an output file is written, and when it is done: straight to its name, or under a temporary one until the run has finished. */
export interface OutputNames {
  /** The path to write `path`'s contents to. */
  open(path: string): string;
  /** `path` holds all it will hold. */
  written(path: string): void;
}

export { OutputError };
export { writeFailure, writeWholeFile };

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
    // Made meanwhile by another thread of the same command (every-edge's configurations share --keep's directory): there to use.
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && statSync(absolute).isDirectory()) return;
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

/** A file a run that did not finish left behind: its temporary name, and whether it holds all it was to hold. */
export interface LeftFile {
  readonly path: string;
  readonly state: OutputState;
  readonly bytes: number;
  /** A link to a device the file was written through (/dev/full, to test a full disk): nothing of it is kept. */
  readonly device?: string;
}

/** The name a file has until its run has finished. */
const TEMPORARY_SUFFIX = ".partial";
export const temporaryName = (path: string) => `${path}${TEMPORARY_SUFFIX}`;

/** Whether a file has a run's temporary name: the run writing it did not finish, or is still running. */
export function isTemporaryName(path: string): boolean {
  return path.endsWith(TEMPORARY_SUFFIX);
}

/** The file system calls that give files their names: replaced in tests by one that fails part way. */
export interface Renamer {
  rename(from: string, to: string): void;
}

/** Where the files go, and who said so (`--out`, or the scenario's line), for messages. */
export interface OutputPlace {
  readonly directory: string;
  /** The option or the place in a file that gave the directory; named in every message about it. */
  readonly givenBy?: string;
}

/**
 * The files of one run, written under temporary names (`<name>.partial`) and renamed to their own
 * names only when the whole run has finished: a run that fails leaves no file that looks finished,
 * nor replaces the files of an earlier run, and can say which files it left and in what state.
 */
export class OutputFiles implements OutputNames {
  private readonly files = new Map<string, OutputState>();
  /** Files seen on the disk under their temporary names: one never made (its creation failed) is not written, not lost. */
  private readonly seen = new Set<string>();
  private readonly renamed: string[] = [];
  readonly directory: string;
  /** What placed the files (`--out`, the scenario's line), said with a name that cannot be taken. */
  private readonly givenBy: string | undefined;
  private lock: LockFile | null = null;
  /** The names `begin` took, and whether the simulation is over. */
  private planned: readonly string[] = [];
  private simulationOver = false;
  private outcome: string | null = null;
  private summaryText: string | undefined;

  constructor(place: OutputPlace | string, private readonly renamer: Renamer = { rename: renameSync }) {
    const { directory, givenBy } = typeof place === "string" ? { directory: place, givenBy: undefined } : place;
    this.directory = directory;
    this.givenBy = givenBy;
    const named = givenBy === undefined ? directory : `${directory} (${givenBy})`;
    makeDirectory(directory, named);
    checkWritable(directory, named);
  }

  /**
   * Refuse, before anything is written, names that cannot be taken (a directory, a device or a pipe
   * holds one) and directories files are to go in that cannot be made (a file holds the name).
   */
  private checkNames(paths: readonly string[], directories: readonly string[] = []): void {
    // A directory of the files' (the filters') is checked as theirs and as itself: said once.
    const problems = [...new Set([...outputNameProblems(paths, { givenBy: this.givenBy }), ...directories.map((directory) => outputPlaceProblem(directory, this.givenBy === undefined ? directory : `${directory} (${this.givenBy})`)).filter((problem) => problem !== null)])];
    if (problems.length > 0) throw new OutputError(problems.join("\n  "));
  }

  /**
   * Hold `<base>.lock` while the run writes `<base>.*`: a second run with the same name and
   * directory is refused, rather than sharing the temporary names and mixing its files with ours.
   */
  lockFor(base: string): void {
    const taken = LockFile.take(`${base}.lock`, `the files ${base}.*`);
    if (typeof taken === "string") throw new OutputError(taken);
    this.lock = taken;
  }

  /**
   * Take a run's names before it starts: each is checked, `<base>.lock` is held, and `open` opens
   * the files the run streams. Should any of it fail, what was opened goes, and the lock with it.
   */
  begin<T>(base: string, paths: readonly string[], directories: readonly string[], open: () => T): T {
    this.checkNames(paths, directories);
    this.planned = paths;
    this.lockFor(base);
    try {
      const opened = open();
      for (const path of this.files.keys()) if (existsSync(temporaryName(path))) this.seen.add(path);
      return opened;
    } catch (error) {
      const begun = [...this.files.keys()].map(temporaryName).filter((path) => existsSync(path));
      this.abandon();
      // A stream that could not be made (a disk out of space or inodes) is named as a write is, and what was begun is said to be gone.
      const failure = error instanceof OutputError ? error : creationFailure(error);
      throw new OutputError(`${failure.message}\nThe run did not start; no file was written${begun.length === 0 ? "" : ` (those begun were removed: ${begun.join(", ")})`}.`);
    }
  }

  /** The run's simulation is over, with this outcome in words: a failure from now on is in writing its files, and says the outcome too. */
  simulationFinished(outcome: string): void {
    this.simulationOver = true;
    this.outcome = outcome;
  }

  /** The finished run's summary in words, kept for a failure writing its files to give (its figures were lost with its summary file: an outside check). */
  summarised(text: string): void {
    this.summaryText = text;
  }

  /** How far the run got, for a failure's report: the files it was to write and never began are named. */
  get extent(): FailedRunExtent {
    // A file begun whose temporary name is gone (its directory deleted during the run) is lost: said so, not left out.
    const gone = this.gone();
    const lost = gone.filter((path) => this.seen.has(path));
    return { simulationFinished: this.simulationOver, outcome: this.outcome, unwritten: [...this.planned.filter((path) => !this.files.has(path)), ...gone.filter((path) => !this.seen.has(path))], lost, summaryText: this.summaryText };
  }

  /** Let the files' names go (the run has ended, however it ended). */
  unlock(): void {
    this.lock?.release();
    this.lock = null;
  }

  open(path: string): string {
    if (this.files.has(path)) throw new OutputError(`${path}: written twice in one run`);
    makeDirectory(dirname(path));
    // Only what stops the file being written under its temporary name: one whose own name was taken during the run (a directory made there) is written, and commit says so, with every other such name (its contents were lost: an outside check).
    const problem = temporaryNameProblem(path, this.givenBy);
    if (problem !== null) throw new OutputError(problem);
    this.files.set(path, "partial");
    const temporary = temporaryName(path);
    if (leftoverToRemove(temporary)) {
      try {
        unlinkSync(temporary);
      } catch (error) {
        throw new OutputError(`${temporary}: cannot remove what an earlier run left there (${(error as Error).message.split(",")[0]})`);
      }
    }
    return temporary;
  }

  /** Whether the run has begun writing the file. */
  holds(path: string): boolean {
    return this.files.has(path);
  }

  written(path: string): void {
    this.files.set(path, "complete");
    this.seen.add(path);
  }

  /** Write a whole file. */
  write(path: string, contents: string | Uint8Array): void {
    writeWholeFile(this.open(path), contents);
    this.written(path);
  }

  /** Write a whole file with a function that takes the path to write to (another module's writer). */
  writeWith(path: string, writer: (path: string) => void): void {
    writer(this.open(path));
    this.written(path);
  }

  /**
   * Give every file its own name; returns the names, in the order the files were opened. Every
   * name is checked first, so a name that cannot be taken (a directory, a directory not writable)
   * fails before any file is renamed; a rename that still fails part way is named, and `renamedFiles`
   * says which files had their own names by then.
   */
  commit(): string[] {
    const unfinished = [...this.files].filter(([, state]) => state !== "complete").map(([path]) => path);
    if (unfinished.length > 0) throw new OutputError(`not finished: ${unfinished.join(", ")}`);
    const problems = this.renameProblems();
    if (problems.length > 0) throw new OutputError(`cannot give the files their own names, so none was renamed:\n  ${problems.join("\n  ")}`);
    for (const path of this.files.keys()) {
      try {
        this.renamer.rename(temporaryName(path), path);
      } catch (error) {
        throw new OutputError(`renaming ${temporaryName(path)} to ${path}: ${(error as Error).message}`);
      }
      this.renamed.push(path);
    }
    this.unlock();
    return [...this.files.keys()];
  }

  /**
   * What would stop the files being given their own names now: a name taken (a directory made there),
   * or a temporary file removed during the run, which renaming the others would leave this run's
   * files beside an earlier run's (an outside check).
   */
  renameProblems(): string[] {
    const gone = this.gone().map((path) => `${temporaryName(path)}: gone from the disk during the run (removed, by hand or with its directory)`);
    return [...gone, ...[...this.files.keys()].map((path) => targetProblem(path, false, this.givenBy)).filter((problem) => problem !== null)];
  }

  /** The files begun and not renamed whose temporary names are no longer on the disk. */
  private gone(): string[] {
    return [...this.files.keys()].filter((path) => !this.renamed.includes(path) && !existsSync(temporaryName(path)));
  }

  /** Remove what was opened, for a run that could not start (one of its names cannot be taken): it leaves nothing behind. */
  abandon(): void {
    for (const path of this.files.keys()) rmSync(temporaryName(path), { force: true });
    this.files.clear();
    this.unlock();
  }

  /** The files given their own names so far (by a commit that failed part way: the others are left). */
  get renamedFiles(): readonly string[] {
    return this.renamed;
  }

  /** The files as they are now on disk, under their temporary names (those not created at all are left out). */
  left(): LeftFile[] {
    return [...this.files].flatMap(([path, state]) => {
      const temporary = temporaryName(path);
      if (!existsSync(temporary)) return [];
      const found = statSync(temporary);
      if (found.isFile()) return [{ path: temporary, state, bytes: found.size }];
      return found.isCharacterDevice() ? [{ path: temporary, state, bytes: 0, device: realpathSync(temporary) }] : [];
    });
  }
}

/**
 * Whether what is at a temporary name is to be removed before the file is made afresh: an earlier
 * run's cut-off file, or a symbolic link, which would have this run's bytes (keys among them)
 * written wherever it points. A link to a device is written through: nothing reaches a file that
 * way, and a link to /dev/full is how a disk full for one file is tested.
 */
function leftoverToRemove(temporary: string): boolean {
  let entry;
  try {
    entry = lstatSync(temporary);
  } catch {
    return false;
  }
  if (!entry.isSymbolicLink()) return !entry.isDirectory();
  try {
    return !statSync(temporary).isCharacterDevice();
  } catch {
    // A link to nothing yet would make its file wherever it points.
    return true;
  }
}

/** Why a file cannot be given the name `path` (a directory has it, or its directory cannot be written), or null. */
function targetProblem(path: string, intoDevices = false, givenBy?: string): string | null {
  const existing = existsSync(path) ? statSync(path) : null;
  // The option that named the file, when it was one (`--out lat/l` gives lat/l.md).
  const named = givenBy === undefined ? path : `${path} (${givenBy})`;
  if (existing?.isDirectory()) return `${named} is a directory, so the file cannot have that name`;
  // A writer that writes into its file (not through a temporary name) may be given a device: /dev/stdout.
  if (intoDevices && existing !== null && !existing.isFile()) return null;
  // A file is written under a temporary name and renamed over its own: that would replace a device (/dev/null, as root) or a pipe, not write into it.
  if (existing !== null && !existing.isFile()) return `${named} is ${existing.isFIFO() ? "a named pipe" : existing.isSocket() ? "a socket" : "a device"}, not a file: nicsim writes each file whole and gives it its name at the end, which would replace it`;
  return intoDevices ? directoryProblem(path, named) : temporaryNameProblem(path, givenBy);
}

/** Why a file cannot be written under its temporary name (a directory has that name, or the directory cannot be written), or null. */
function temporaryNameProblem(path: string, givenBy?: string): string | null {
  const named = givenBy === undefined ? path : `${path} (${givenBy})`;
  // The temporary name the file is written under first: a directory there can be neither written nor removed.
  const temporary = temporaryName(path);
  if (existsSync(temporary) && statSync(temporary).isDirectory()) return `${temporary}, the temporary name ${named} is written under, is a directory: move it`;
  return directoryProblem(path, named);
}

function directoryProblem(path: string, named: string): string | null {
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (error) {
    return `${named}: its directory cannot be written (${(error as Error).message.split(",")[0]})`;
  }
  return null;
}

/**
 * Why no file could be made in `directory`, found without making it: for a run refused for other
 * mistakes, so that this one is said with them. (Some places, /proc's, are found only by trying.)
 */
export function outputPlaceProblem(directory: string, named = directory): string | null {
  const absolute = resolve(directory);
  let existing = absolute;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    // A symbolic link to nothing cannot be made a directory (mkdir says EEXIST), though nothing exists there.
    if (isDanglingLink(existing)) return `output directory ${named}: cannot create ${absolute} (${existing} is a symbolic link to nothing)`;
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) return existing === absolute ? `output directory ${named}: ${absolute} exists and is not a directory` : `output directory ${named}: cannot create ${absolute} (${existing} is a file)`;
  try {
    checkWritable(existing, named);
    return null;
  } catch (error) {
    return existing === absolute ? (error as Error).message : `output directory ${named}: cannot create ${absolute} (cannot create files in ${existing})`;
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Why each of these files could not be written under its name, found before any work and without making anything (empty: they can be). */
export function outputNameProblems(paths: readonly string[], options: { readonly intoDevices?: boolean; readonly givenBy?: string } = {}): string[] {
  // Each directory is probed once, however many of the files go there; its problem is said once.
  const places = new Map<string, string | null>();
  return paths.flatMap((path) => {
    const directory = dirname(path);
    const known = places.has(directory);
    if (!known) places.set(directory, outputPlaceProblem(directory, options.givenBy === undefined ? directory : `${directory} (${options.givenBy})`));
    const place = places.get(directory)!;
    if (place !== null) return known ? [] : [place];
    const problem = existsSync(directory) ? targetProblem(path, options.intoDevices, options.givenBy) : null;
    return problem === null ? [] : [problem];
  });
}

/**
 * Whether files can be made in `directory`: a file is made there and removed. A directory the
 * permissions allow can still refuse files (under /proc or /sys), which only trying shows.
 */
function checkWritable(directory: string, named: string): void {
  const probe = join(directory, `.nicsim-${process.pid}.probe`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
  } catch (error) {
    throw new OutputError(`output directory ${named}: cannot create files in it (${(error as Error).message.split(",")[0]})`);
  }
}

export { describeLeftFiles, eachAttempted, type FailedRunExtent, leavingFilesOnFailure, RunFailedError } from "./failed-run.js";
