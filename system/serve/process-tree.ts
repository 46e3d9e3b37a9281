import { readdirSync } from "node:fs";
import { processStatFields } from "../../sim/process-stat.js";

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
  const state = processStatFields(pid, proc)?.[0];
  return state !== undefined && state !== "Z";
}

/** The parent's id, or null for a process that ended since the directory was read. */
function parentOf(proc: string, pid: string): number | null {
  const parent = Number(processStatFields(pid, proc)?.[1]);
  return Number.isInteger(parent) ? parent : null;
}
