import { SimulationError } from "../errors.js";

/**
 * Which scopes and which time window a dump records. Patterns are dotted globs: `*` matches
 * within one name, `**` across any number of levels. A pattern naming a scope selects everything
 * under it (`top.nic` selects `top.nic.tx.q3.tail`).
 */
export interface TraceSelection {
  scopes?: readonly string[];
  exclude?: readonly string[];
  /** First time dumped (ps). Values at that time appear in $dumpvars. */
  from?: number;
  /** Last time dumped (ps); the file ends with a `#to` timestamp. */
  to?: number;
}

export class ScopeMatcher {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(selection: TraceSelection) {
    this.include = (selection.scopes ?? ["**"]).map(compile);
    this.exclude = (selection.exclude ?? []).map(compile);
  }

  matches(path: string): boolean {
    return this.include.some((pattern) => pattern.test(path)) && !this.exclude.some((pattern) => pattern.test(path));
  }
}

/** What a scope pattern must be, in words. */
export const SCOPE_PATTERN_FORM = "a dotted name pattern (names, '*', '**', '?', separated by '.')";

/** Whether a text is a scope pattern: for a scenario's check before its run, and the matcher's own. */
export function isScopePattern(glob: string): boolean {
  return /^[A-Za-z0-9_$*?]+(\.[A-Za-z0-9_$*?]+)*$/.test(glob);
}

function compile(glob: string): RegExp {
  if (!isScopePattern(glob)) throw new SimulationError(`trace scope pattern '${glob}' is not ${SCOPE_PATTERN_FORM}`);
  const body = glob
    .split(".")
    .map((segment) => (segment === "**" ? "(?:[^.]+(?:\\.[^.]+)*)" : segment.replace(/\$/g, "\\$").replace(/\*/g, "[^.]*").replace(/\?/g, "[^.]")))
    .join("\\.");
  // A match on a scope prefix selects everything below it.
  return new RegExp(`^${body}(?:\\..+)?$`);
}

export function checkWindow(selection: TraceSelection): { from: number; to: number } {
  const from = selection.from ?? 0;
  const to = selection.to ?? Infinity;
  if (!Number.isSafeInteger(from) || from < 0) throw new SimulationError(`trace window: from ${from} ps must be a non-negative integer`);
  if (to !== Infinity && (!Number.isSafeInteger(to) || to < from)) throw new SimulationError(`trace window: to ${to} ps must be an integer not before from (${from} ps)`);
  return { from, to };
}
