import { existsSync, linkSync, lstatSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { processStatFields } from "./process-stat.js";

/**
 * A file that says a process is using a name (a socket's path, the files of a run): a second
 * nicsim taking the same name is refused with the first's process, rather than taking over the
 * socket or interleaving its files with the first's. A lock whose process has gone (killed
 * before it could remove it) is taken over.
 */
export class LockFile {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly path: string) {
    process.once("exit", this.onExit);
  }

  /** Take the lock at `path`, or say which live process holds it (`what` names the thing locked). */
  static take(path: string, what: string): LockFile | string {
    removeStrays(path);
    // A stale lock removed may be taken by another starter first: then the lock is judged again, a few times.
    for (let attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
      try {
        makeWhole(path, ownText());
        return new LockFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") return `${what}: cannot make its lock file ${path} (${(error as Error).message.split(",")[0]})`;
        const text = lockText(path);
        const holder = text === null ? null : holderIn(text);
        // A file of someone else's under that name is not ours to remove.
        if (holder === "foreign") return `${what}: ${path} is there and is not a nicsim lock file (a process id); move it, as nicsim keeps its lock under that name`;
        if (holder !== null && holds(holder)) return heldBy(holder.pid, path, what);
        // Its process has gone: the lock is stale. Removed only if it is still the one judged so (another run may have taken it over since).
        if (text !== null) {
          const problem = removeIfStill(path, text);
          if (problem !== null) return `${what}: its lock file ${path} is stale (its process has gone) but cannot be removed (${problem}); remove it`;
        }
      }
    }
    // Another starter holds the guard for longer than a takeover takes (stopped by a signal or a debugger): said.
    if (existsSync(`${path}.takeover`)) return `${what}: its lock file ${path} is stale, and another starter holding ${path}.takeover is taking it over (stopped? its process is named there)`;
    return `${what}: its lock file ${path} keeps coming back (another process is taking it)`;
  }

  /** Remove the lock (once; also when the process exits without releasing it). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off("exit", this.onExit);
    releaseOwnLock(this.path);
  }
}

function releaseOwnLock(path: string): boolean {
  const holder = holderOf(path);
  if (holder === null || holder === "foreign" || holder.pid !== process.pid || holder.token !== processToken()) return false;
  rmQuietly(path);
  return true;
}

/** Remove the locks in `directory` this process holds (runs in its threads stopped at once, which cannot release them); returns their paths. */
export function releaseOwnLocks(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((entry) => entry.endsWith(".lock"))
    .map((entry) => join(directory, entry))
    .filter(releaseOwnLock);
}

/** Whether a live process holds the lock at `path`, in words; null when none does (no lock, or a stale one). Changes nothing. */
export function lockProblem(path: string, what: string): string | null {
  const holder = holderOf(path);
  return holder !== null && holder !== "foreign" && holds(holder) ? heldBy(holder.pid, path, what) : null;
}

function heldBy(holder: number, path: string, what: string): string {
  if (holder === process.pid) return `${what}: in use by process ${holder} (this one), by another of its runs or servers; its lock file is ${path}`;
  return `${what}: in use by process ${holder}, another nicsim run or server; its lock file is ${path} (remove it if that process is not nicsim)`;
}

/** A lock file's text; null with nothing there, NUL (no lock's text) for something there that is no lock file: a directory, a link to nothing, one it cannot read. */
function lockText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return "\u0000";
    // A symbolic link to nothing reads as nothing but takes the name: it is no lock of ours, and no link can be made there.
    return existsSync(path) || !isLink(path) ? null : "\u0000";
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The process a lock file names: its id, and the token of the process that took it (null in a lock written before tokens); null with no file, "foreign" for a file that is not a lock of ours. */
function holderOf(path: string): Holder | null | "foreign" {
  const text = lockText(path);
  return text === null ? null : holderIn(text);
}

function holderIn(text: string): Holder | "foreign" | null {
  // Empty: an earlier version's lock, made and killed before it was written (a lock is written whole now): no process holds it.
  if (text === "") return null;
  const found = /^(\d+)(?: ([0-9a-f]{32}))?\n?$/.exec(text);
  return found ? { pid: Number(found[1]), token: found[2] ?? null } : "foreign";
}

/** What this process writes in a lock or a guard: its id and token. */
const ownText = () => `${process.pid} ${processToken()}\n`;

/**
 * Make the file at `path` holding `text`, or fail with EEXIST if one is there: a lock or a guard.
 * Written whole under a name of its own (`<path>.<pid>.<hex>`), then linked to `path`, so it is
 * never seen empty; where the file system has no links, the name is created and written (a moment
 * when it is empty).
 */
function makeWhole(path: string, text: string): void {
  const written = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    writeFileSync(written, text, { flag: "wx" });
    try {
      linkSync(written, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
      writeFileSync(path, text, { flag: "wx" });
    }
  } finally {
    rmQuietly(written);
  }
}

/**
 * Remove the stale lock at `path` if it still holds `text`, under a guard (`<lock>.takeover`, made
 * as a lock is, holding its taker's id and token): every taker removes a lock only while holding
 * the guard, and a lock is only made where none is, so the text read again under the guard is the
 * one removed: a live taker's lock, made once the stale one went, is never removed. A guard is
 * stale when its taker is (killed in those microseconds), however long a live one holds it (a
 * taker stopped by a signal or a debugger). Null, or why it could not.
 */
function removeIfStill(path: string, text: string): string | null {
  const guard = `${path}.takeover`;
  const mine = ownText();
  for (let wait = 0; ; wait++) {
    try {
      makeWhole(guard, mine);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") return (error as Error).message.split(",")[0]!;
      const guardText = lockText(guard);
      const taker = guardText === null ? null : holderIn(guardText);
      if (taker === "foreign") return `its takeover guard ${guard} is not nicsim's: move it`;
      if (taker !== null && holds(taker)) {
        if (wait >= GUARD_WAITS) return null;
        sleep(GUARD_WAIT_MS);
      } else if (guardText !== null) moveAsideIfStill(guard, guardText);
    }
  }
  try {
    if (lockText(path) !== text) return null;
    unlinkSync(path);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : (error as Error).message.split(",")[0]!;
  } finally {
    // Only this taker's guard: another's is never removed while its taker lives.
    if (lockText(guard) === mine) rmQuietly(guard);
  }
}

/** Remove a stale guard if it is still the one judged stale: moved aside, and linked back if it was not. */
function moveAsideIfStill(path: string, text: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (lockText(aside) !== text) {
    try {
      linkSync(aside, path);
    } catch {
      // Another guard is there already.
    }
  }
  rmQuietly(aside);
}

/** What a taker killed between writing its lock and linking it left (`<lock>.<pid>.<hex>`): removed once its process has gone. */
function removeStrays(path: string): void {
  const name = basename(path);
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const entry of entries) {
    const written = entry.startsWith(`${name}.`) ? /^(?:takeover\.)?(\d+)\.[0-9a-f]{12}$/.exec(entry.slice(name.length + 1)) : null;
    if (written !== null && Number(written[1]) !== process.pid && !alive(Number(written[1]))) rmQuietly(join(dirname(path), entry));
  }
}

const TAKE_ATTEMPTS = 20;
const GUARD_WAITS = 50;
const GUARD_WAIT_MS = 5;

/** Wait synchronously: taking a lock is synchronous, and another taker's guard lasts microseconds. */
function sleep(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

interface Holder {
  readonly pid: number;
  readonly token: string | null;
}

let token: string | null = null;

/** A process's start time (clock ticks after boot) from /proc, or null where there is none. */
function startTime(pid: number | "self"): string | null {
  // The 22nd field: the 20th after the command's name.
  return processStatFields(pid)?.[19] ?? null;
}

const tokenOf = (pid: number, start: string) => createHash("sha256").update(`${pid} ${start}`).digest("hex").slice(0, 32);

/**
 * This process told apart from one that had the same id before (a restarted container's nicsim is
 * process 1 again): from its id and start time where /proc gives it, so that every thread of the
 * process has the same token (a run's thread takes locks its main thread releases); else one made
 * once and handed to the process's threads through the environment they copy.
 */
function processToken(): string {
  if (token !== null) return token;
  const start = startTime("self");
  token = start !== null ? tokenOf(process.pid, start) : tokenOf(process.pid, (process.env.NICSIM_PROCESS_TOKEN ??= randomBytes(16).toString("hex")));
  return token;
}

// Made as the module loads, in the main thread before it starts any worker: without /proc, the workers copy it from the environment.
processToken();

/**
 * Whether the lock's process still holds it: this process, by its token (a lock naming this
 * process's id without this token, or without any, was taken by an earlier process with the id);
 * another, by its token too where /proc gives its start time (the process now with that id may be
 * another: in a container, process 1 of a pod restarted after a kill is its shell or init); a lock
 * without a token, or without /proc, while its process lives and runs Node.js.
 */
function holds(holder: Holder): boolean {
  if (holder.pid === process.pid) return holder.token === processToken();
  if (!alive(holder.pid)) return false;
  const start = holder.token === null ? null : startTime(holder.pid);
  if (start !== null) return holder.token === tokenOf(holder.pid, start);
  return runsNode(holder.pid);
}

/** Whether a live process runs Node.js, from /proc where there is one; without it, taken to. */
function runsNode(pid: number): boolean {
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch (error) {
    // No /proc (another system), or not ours to read: the process is taken to be nicsim.
    return (error as NodeJS.ErrnoException).code !== "ENOENT" || !existsSync("/proc/self");
  }
  return /(^|\/)(node|nodejs|nicsim)$/.test(commandLine.split("\0")[0] ?? "");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // Another user's process is alive too.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function rmQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
