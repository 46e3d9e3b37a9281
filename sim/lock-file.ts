import { existsSync, linkSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash, randomBytes } from "node:crypto";

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
    for (let attempt = 0; attempt < 2; attempt++) {
      // Written whole under a name of its own, then linked to the lock's name, which fails if one is there: a lock is never seen empty.
      const written = `${path}.${process.pid}.${randomBytes(6).toString("hex")}`;
      try {
        writeFileSync(written, `${process.pid} ${processToken()}\n`, { flag: "wx" });
        linkOrCreate(written, path);
        return new LockFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") return `${what}: cannot make its lock file ${path} (${(error as Error).message.split(",")[0]})`;
        const text = lockText(path);
        const holder = text === null ? null : holderIn(text);
        // A file of someone else's under that name is not ours to remove.
        if (holder === "foreign") return `${what}: ${path} is there and is not a nicsim lock file (a process id); move it, as nicsim keeps its lock under that name`;
        if (holder !== null && holds(holder)) return heldBy(holder.pid, path, what);
        // Its process has gone: the lock is stale. Removed only if it is still the one judged so (another run may have taken it over since).
        if (text !== null) removeIfStill(path, text);
      } finally {
        rmQuietly(written);
      }
    }
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

/** A lock file's text; null with nothing there, "" for something there that is no file (a directory), which no lock's text is. */
function lockText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : "\u0000";
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
  const found = /^(\d+)(?: ([0-9a-f]{32}))?\n$/.exec(text);
  return found ? { pid: Number(found[1]), token: found[2] ?? null } : "foreign";
}

/** Link the written lock to its name; where the file system has no links, create the name and write it (a moment when it is empty). */
function linkOrCreate(written: string, path: string): void {
  try {
    linkSync(written, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    writeFileSync(path, readFileSync(written), { flag: "wx" });
  }
}

/** Remove the lock at `path` if it still holds `text`: it is moved aside first, and put back if another process had taken it over meanwhile. */
function removeIfStill(path: string, text: string): void {
  const aside = `${path}.stale.${process.pid}.${randomBytes(6).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (lockText(aside) === text) rmQuietly(aside);
  else {
    try {
      linkSync(aside, path);
    } catch {
      // Another lock is there already: the one moved aside was taken over before, and is gone with its process's turn.
    }
    rmQuietly(aside);
  }
}

interface Holder {
  readonly pid: number;
  readonly token: string | null;
}

let token: string | null = null;

/**
 * This process told apart from one that had the same id before (a restarted container's nicsim is
 * process 1 again): from its id and start time where /proc gives it, so that every thread of the
 * process has the same token (a run's thread takes locks its main thread releases); else one made
 * once and handed to the process's threads through the environment they copy.
 */
function processToken(): string {
  if (token !== null) return token;
  let start: string | undefined;
  try {
    // The start time is the 22nd field, counted after the command's name (in parentheses, which may hold spaces).
    const stat = readFileSync("/proc/self/stat", "utf8");
    start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    start = undefined;
  }
  const seed = start !== undefined ? `${process.pid} ${start}` : (process.env.NICSIM_PROCESS_TOKEN ??= `${process.pid} ${randomBytes(16).toString("hex")}`);
  token = createHash("sha256").update(seed).digest("hex").slice(0, 32);
  return token;
}

/**
 * Whether the lock's process still holds it: this process, by its token (a lock naming this
 * process's id without this token, or without any, was taken by an earlier process with the id);
 * another, while it lives and is a Node.js process (in a container, process 1 of a pod restarted
 * after a kill is its shell or init, which left the lock held for ever).
 */
function holds(holder: Holder): boolean {
  if (holder.pid === process.pid) return holder.token === processToken();
  return alive(holder.pid) && runsNode(holder.pid);
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
  return /(^|\/)(node|nodejs|nicsim)(\0|$)/.test(commandLine.split("\0")[0] ?? "") || commandLine.includes("nicsim");
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
