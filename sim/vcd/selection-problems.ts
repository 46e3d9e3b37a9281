import type { Kernel } from "../kernel.js";
import { valueKind } from "../shown-value.js";
import { closestNames } from "../suggest.js";
import { ScopeMatcher, type TraceSelection } from "./selection.js";

/** A selection's mistake: the list (`scopes` or `exclude`), the pattern's index in it (null: the list as a whole), and what is wrong, worded with the caller's names. */
export interface SelectionProblem {
  readonly field: "scopes" | "exclude";
  readonly index: number | null;
  readonly message: string;
}

/** A list, or one of its patterns, as the library's caller names it: `scopes`, `exclude[1]`. */
function listName(field: "scopes" | "exclude", index?: number): string {
  return index === undefined ? field : `${field}[${index}]`;
}

/** The paths a dump may hold: the design's signals, events and traced clock domains. */
export function designPaths(kernel: Kernel): string[] {
  return [...kernel.signals.map((signal) => signal.path), ...kernel.events.map((event) => event.path), ...kernel.domains.filter((domain) => domain.traced).map((domain) => domain.path)];
}

/**
 * What would make a dump hold none of the signals meant: a pattern that matches nothing in the
 * design (a mistyped name: the README's own example named `top.nic.crypto`, and wrote a dump
 * without a signal), an empty scope list, and excludes that take every signal the scopes select.
 * `name` words a list, or one of its patterns, as the caller's user wrote it; `judged` leaves out
 * patterns a caller has already refused for their form.
 */
export function selectionProblems(
  paths: readonly string[],
  selection: Pick<TraceSelection, "scopes" | "exclude">,
  name: (field: "scopes" | "exclude", index?: number) => string = listName,
  judged: (field: "scopes" | "exclude", index: number) => boolean = () => true,
): SelectionProblem[] {
  const shape = selectionShapeProblems(selection, name);
  if (shape.length > 0) return shape;
  const scopes = selection.scopes;
  const excludes = selection.exclude ?? [];
  if (scopes !== undefined && scopes.length === 0) return [{ field: "scopes", index: null, message: `${name("scopes")}: an empty list selects no signal (leave it out to dump every signal)` }];
  const matchesAny = (pattern: string) => {
    const matcher = new ScopeMatcher({ scopes: [pattern] });
    return paths.some((path) => matcher.matches(path));
  };
  const unmatched = (field: "scopes" | "exclude", what: string) => (pattern: string, index: number): SelectionProblem[] => {
    if (!judged(field, index) || matchesAny(pattern)) return [];
    return [{ field, index, message: `${name(field, index)}: '${pattern}' ${what}${hintFor(pattern, paths, matchesAny)}` }];
  };
  const problems = [...(scopes ?? []).flatMap(unmatched("scopes", "selects no signal of the design")), ...excludes.flatMap(unmatched("exclude", "excludes no signal of the design"))];
  if (excludes.length > 0) {
    const selecting = new ScopeMatcher({ scopes });
    const kept = new ScopeMatcher({ scopes: ["**"], exclude: excludes });
    const selected = paths.filter((path) => selecting.matches(path));
    if (selected.length > 0 && !selected.some((path) => kept.matches(path))) {
      problems.push({ field: "exclude", index: null, message: `${name("exclude")}: excludes every signal ${scopes === undefined ? "of the design" : `${name("scopes")} select`}: the waveform would hold none` });
    }
  }
  return problems;
}

/** Lists that are no lists of texts (`scopes: "top.nic"`): refused before anything is matched, as a TypeError from deep inside was. */
export function selectionShapeProblems(selection: Pick<TraceSelection, "scopes" | "exclude">, name: (field: "scopes" | "exclude") => string = listName): SelectionProblem[] {
  return (["scopes", "exclude"] as const).flatMap((field) => {
    const list: unknown = selection[field];
    if (list === undefined || (Array.isArray(list) && list.every((pattern) => typeof pattern === "string"))) return [];
    return [{ field, index: null, message: `${name(field)}: expected a list of patterns (texts), not ${Array.isArray(list) ? "a list holding something else" : valueKind(list)}` }];
  });
}

/** A guess at the pattern meant: with `top.` in front (design paths start there, `--set` paths do not), or the scopes whose name it begins (`top.nic.crypto`: crypto_tx and crypto_rx). */
function hintFor(pattern: string, paths: readonly string[], matchesAny: (pattern: string) => boolean): string {
  if (matchesAny(`top.${pattern}`)) return ` (did you mean top.${pattern}? design paths start at top)`;
  if (/[*?]/.test(pattern)) return "";
  const depth = pattern.split(".").length;
  const begun = new Set<string>();
  for (const path of paths) {
    const scope = path.split(".").slice(0, depth).join(".");
    if (scope.startsWith(pattern) && scope !== pattern) begun.add(scope);
  }
  if (begun.size === 0 || begun.size > 4) {
    // The nearest signal or scope by spelling: a signal put in a queue's scope it is not in (top.nic.rx.q5.state for top.nic.rx.state; from an outside check).
    const scopes = new Set(paths.flatMap((path) => path.split(".").map((_, end, parts) => parts.slice(0, end + 1).join("."))));
    const nearest = begun.size === 0 ? closestNames(pattern, scopes).sort() : [];
    return nearest.length === 0 || nearest.length > 4 ? "" : ` (did you mean ${orList(nearest)}?)`;
  }
  const names = [...begun].sort();
  return ` (did you mean ${orList(names)}?)`;
}

/** "a", "a or b", "a, b or c". */
function orList(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
