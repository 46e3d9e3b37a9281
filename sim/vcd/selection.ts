import { SimulationError } from "../errors.js";
import { shownValue } from "../shown-value.js";

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
  const problems = windowProblems(selection);
  if (problems.length > 0) throw new SimulationError(`trace window: ${problems.join("; ")}`);
  return { from: selection.from ?? 0, to: selection.to ?? Infinity };
}

/**
 * What is wrong with a selection's window, every mistake at once, each value as it was given: a
 * text "10" was shown as 10 and called no integer, and a `to` past 2^53 called "before from"
 * (from a reviewer's check).
 */
export function windowProblems(selection: Pick<TraceSelection, "from" | "to">): string[] {
  const problems: string[] = [];
  const from: unknown = selection.from ?? 0;
  const to: unknown = selection.to ?? Infinity;
  const whole = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
  if (!whole(from)) problems.push(`from ${shownValue(from)} must be a whole number of ps from 0 to 2^53 - 1`);
  if (to !== Infinity && !whole(to)) problems.push(`to ${shownValue(to)} must be a whole number of ps from 0 to 2^53 - 1`);
  else if (whole(from) && whole(to) && to < from) problems.push(`to ${to} ps is before from (${from} ps)`);
  return problems;
}
