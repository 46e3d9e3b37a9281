import { closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

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
      try {
        const descriptor = openSync(path, "wx");
        writeSync(descriptor, `${process.pid} ${PROCESS_TOKEN}\n`);
        closeSync(descriptor);
        return new LockFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") return `${what}: cannot make its lock file ${path} (${(error as Error).message.split(",")[0]})`;
        const holder = holderOf(path);
        // A file of someone else's under that name is not ours to remove.
        if (holder === "foreign") return `${what}: ${path} is there and is not a nicsim lock file (a process id); move it, as nicsim keeps its lock under that name`;
        if (holder !== null && holds(holder)) return heldBy(holder.pid, path, what);
        // Its process has gone: the lock is stale.
        rmQuietly(path);
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
  if (holder === null || holder === "foreign" || holder.pid !== process.pid || (holder.token !== null && holder.token !== PROCESS_TOKEN)) return false;
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
  return `${what}: in use by process ${holder}${holder === process.pid ? " (this one)" : ""}, another nicsim run or server; its lock file is ${path} (remove it if that process is not nicsim)`;
}

/** The process a lock file names: its id, and the token of the process that took it (null in a lock written before tokens); null with no file, "foreign" for a file that is not a lock of ours. */
function holderOf(path: string): Holder | null | "foreign" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    // Something there that is no file (a directory) is no lock of ours either; only nothing there is no lock.
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : "foreign";
  }
  const found = /^(\d+)(?: ([0-9a-f]{32}))?\n$/.exec(text);
  return found ? { pid: Number(found[1]), token: found[2] ?? null } : "foreign";
}

interface Holder {
  readonly pid: number;
  readonly token: string | null;
}

/** Told apart from a process that had the same id before (a restarted container's nicsim is process 1 again). */
const PROCESS_TOKEN = randomBytes(16).toString("hex");

/**
 * Whether the lock's process still holds it: this process, by its token; another, while it lives and
 * is a Node.js process (in a container, process 1 of a pod restarted after a kill is its shell or
 * init, which left the lock held for ever).
 */
function holds(holder: Holder): boolean {
  if (holder.pid === process.pid) return holder.token === null || holder.token === PROCESS_TOKEN;
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
