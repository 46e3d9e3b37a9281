import { readDeclarations } from "./read-declarations.js";

/**
 * Where two dumps of the same design first part: the earliest time at which a signal takes a
 * value in one that it does not take in the other, and every signal that differs then. Meant for
 * two runs of one model (their declarations the same), such as a run that skips idle blocks and
 * one that evaluates every block on every edge.
 */
export interface WaveformDifference {
  /** In the files' time unit (nicsim's: 1 ps). */
  readonly time: number;
  /** Each signal whose value the two dumps set differently at `time`: the value each sets then, or null where that dump leaves it as it was. */
  readonly signals: ReadonlyArray<{ readonly path: string; readonly first: string | null; readonly second: string | null }>;
}

/** A dump without its end: nicsim's end-of-dump comment and the timestamps after the last value change, which depend on where the run stopped, not on what it did. */
export function untilLastChange(vcd: string): string {
  const end = vcd.lastIndexOf("$comment");
  return vcd.slice(0, end < 0 ? vcd.length : end).replace(/(#\d+\n)+$/, "");
}

/** One timestamp's changes: identifier code to the value as written (`1`, `b101`, `r2.5`). */
interface Block {
  readonly time: number;
  readonly changes: Map<string, string>;
}

/**
 * The first difference between two dumps up to their last changes, or null when they have none.
 * The text before the first differing byte is the same in both, so every signal held the same
 * value in both until the timestamp block the difference lies in: the block is read from there in
 * each, and the values compared.
 */
export function firstWaveformDifference(first: string, second: string): WaveformDifference | "declarations" | null {
  const a = untilLastChange(first);
  const b = untilLastChange(second);
  if (a === b) return null;
  const declarations = readDeclarations(a);
  if (readDeclarations(b).bodyStart !== declarations.bodyStart || a.slice(0, declarations.bodyStart) !== b.slice(0, declarations.bodyStart)) return "declarations";
  let at = declarations.bodyStart;
  while (at < a.length && at < b.length && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  // The first differing line's block starts at the last timestamp line before it, which both texts hold at the same place.
  const lineStart = a.lastIndexOf("\n", at - 1) + 1;
  const blockStart = Math.max(declarations.bodyStart, a.lastIndexOf("\n#", lineStart - 2) + 1);
  // A block's changes may be written in another order in the other dump: equal as sets, and the next blocks are compared.
  return firstDifferingBlocks(a, b, blockStart, blockStart, declarations.variables);
}

/** The first blocks that differ, from these places on (each a block's start). */
function firstDifferingBlocks(a: string, b: string, fromA: number, fromB: number, variables: ReadonlyArray<{ path: string; code: string }>): WaveformDifference | null {
  for (;;) {
    const inFirst = nextBlock(a, fromA);
    const inSecond = nextBlock(b, fromB);
    if (inFirst.block === null && inSecond.block === null) return null;
    if (inFirst.block === null || inSecond.block === null || inFirst.block.time !== inSecond.block.time || !sameChanges(inFirst.block.changes, inSecond.block.changes)) return describe(inFirst.block, inSecond.block, variables);
    fromA = inFirst.next;
    fromB = inSecond.next;
  }
}

function describe(first: Block | null, second: Block | null, variables: ReadonlyArray<{ path: string; code: string }>): WaveformDifference {
  const time = Math.min(first?.time ?? Infinity, second?.time ?? Infinity);
  const at = (block: Block | null) => (block !== null && block.time === time ? block.changes : new Map<string, string>());
  const one = at(first);
  const other = at(second);
  const paths = new Map<string, string[]>();
  for (const { path, code } of variables) paths.set(code, [...(paths.get(code) ?? []), path]);
  const signals = [...new Set([...one.keys(), ...other.keys()])]
    .filter((code) => one.get(code) !== other.get(code))
    .flatMap((code) => (paths.get(code) ?? [`(identifier ${code})`]).map((path) => ({ path, first: one.get(code) ?? null, second: other.get(code) ?? null })))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { time, signals };
}

function sameChanges(one: ReadonlyMap<string, string>, other: ReadonlyMap<string, string>): boolean {
  if (one.size !== other.size) return false;
  for (const [code, value] of one) if (other.get(code) !== value) return false;
  return true;
}

/**
 * The block starting at `start` (a timestamp line; or the body's start, whose changes are the
 * initial values at time 0), and where the next begins. Sections ($dumpvars … $end) are read as
 * their changes; comments are skipped.
 */
function nextBlock(text: string, start: number): { block: Block | null; next: number } {
  let at = start;
  let time = 0;
  let timed = false;
  const changes = new Map<string, string>();
  let inComment = false;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).trim();
    if (inComment) {
      if (line.endsWith("$end")) inComment = false;
    } else if (line.startsWith("#")) {
      if (timed || changes.size > 0) return { block: { time, changes }, next: at };
      time = Number(line.slice(1));
      timed = true;
    } else if (line.startsWith("$comment")) {
      inComment = !line.endsWith("$end");
    } else if (line !== "" && !line.startsWith("$")) {
      // `1!`, `b101 !`, `r2.5 !`: a vector's or real's value and identifier are two words.
      const space = line.indexOf(" ");
      if (space < 0) changes.set(line.slice(1), line.slice(0, 1));
      else changes.set(line.slice(space + 1).trim(), line.slice(0, space));
    }
    at = end + 1;
  }
  return { block: timed || changes.size > 0 ? { time, changes } : null, next: text.length };
}
