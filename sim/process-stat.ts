import { readFileSync } from "node:fs";

/**
 * A process's /proc/<pid>/stat fields after its command's name (state first, then the parent's
 * id, …; the start time is the 20th), or null where there is no such process or no /proc. The
 * name is in parentheses and may hold spaces and parentheses, so the fields are read from its last ")".
 */
export function processStatFields(pid: number | string, proc = "/proc"): string[] | null {
  try {
    const stat = readFileSync(`${proc}/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}
