import { readdirSync, readFileSync } from "node:fs";

/**
 * The processes descended from `pid` (children, theirs, and so on), read from /proc; none where
 * there is no /proc. Taken before the process is signalled: once a shell dies, its children are
 * the init process's and no longer found from it.
 */
export function descendants(pid: number, proc = "/proc"): number[] {
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(proc, entry);
    if (parent === null) continue;
    const siblings = children.get(parent);
    if (siblings) siblings.push(Number(entry));
    else children.set(parent, [Number(entry)]);
  }
  const found: number[] = [];
  for (const queue = [pid]; queue.length > 0; ) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Whether a process runs: it exists and is not a zombie (one whose parent, init in a container, has not reaped it has ended all the same). */
export function runs(pid: number, proc = "/proc"): boolean {
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
}

/** The parent in /proc/<pid>/stat: the field after the command's name, which may hold spaces and parentheses (so read from its last ")"). */
function parentOf(proc: string, pid: string): number | null {
  let stat: string;
  try {
    stat = readFileSync(`${proc}/${pid}/stat`, "utf8");
  } catch {
    // The process ended since the directory was read.
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const parent = Number(fields[1]);
  return Number.isInteger(parent) ? parent : null;
}
