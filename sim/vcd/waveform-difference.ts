import { FileReader, firstDifferingOffset, LineReader, withFiles } from "../file-comparison.js";
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
  /** The initial values ($dumpvars): a window that starts after the run's end dumps them at the end, which differs between runs that end apart. */
  readonly initial: boolean;
}

/** Bytes of a dump read back at a time to find where the block holding a difference begins. */
const LOOK_BACK_BYTES = 1 << 16;

/**
 * The first difference between two dump files as values, or null when they set the same values
 * at the same times. Timestamps with no change are skipped (those after the last change depend on
 * where the run stopped), and the initial values are compared without their time. The files are
 * read a piece at a time, never whole (a long run's dump is larger than a JavaScript text may be):
 * the bytes up to the first differing one are the same in both, so every signal held the same value
 * in both until the block that byte lies in, and the blocks are read and compared from there.
 */
export function firstWaveformDifference(first: string, second: string): WaveformDifference | "declarations" | null {
  return withFiles(first, second, (one, other) => {
    const differing = firstDifferingOffset(one, other);
    if (differing === null) return null;
    const head = declarationsOf(one);
    const otherHead = declarationsOf(other);
    if (head === null || otherHead === null || head.text !== otherHead.text) return "declarations";
    const blockStart = blockStartBefore(one, differing, head.bodyStart);
    return firstDifferingBlocks(new LineReader(one, blockStart), new LineReader(other, blockStart), head.variables);
  });
}

/** A dump's declarations and their text, read until `$enddefinitions $end`; null when the file has none. */
function declarationsOf(file: FileReader): { text: string; bodyStart: number; variables: ReadonlyArray<{ path: string; code: string }> } | null {
  for (let length = LOOK_BACK_BYTES; ; length *= 2) {
    const text = file.read(0, length).toString("latin1");
    const declarations = readDeclarations(text);
    if (declarations.complete) return { text: text.slice(0, declarations.bodyStart), bodyStart: declarations.bodyStart, variables: declarations.variables };
    if (length >= file.size) return null;
  }
}

/** Where the block holding the line that `offset` lies in begins: the last timestamp line before that line, or the body's start. */
function blockStartBefore(file: FileReader, offset: number, bodyStart: number): number {
  for (let length = LOOK_BACK_BYTES; ; length *= 2) {
    const from = Math.max(bodyStart, offset - length);
    const text = file.read(from, offset - from).toString("latin1");
    const lineStart = text.lastIndexOf("\n") + 1;
    // The line the difference is on may itself be a timestamp, which the other dump may not have there: the block before it.
    const timestamp = lineStart >= 2 ? text.lastIndexOf("\n#", lineStart - 2) : -1;
    if (timestamp >= 0) return from + timestamp + 1;
    if (from === bodyStart) return bodyStart;
  }
}

/** The first blocks that differ, read on from each reader's place (a block's start in both). */
function firstDifferingBlocks(a: LineReader, b: LineReader, variables: ReadonlyArray<{ path: string; code: string }>): WaveformDifference | null {
  for (;;) {
    const one = nextBlock(a);
    const other = nextBlock(b);
    if (one === null && other === null) return null;
    const sameTime = one !== null && other !== null && (one.time === other.time || (one.initial && other.initial));
    if (!sameTime || !sameChanges(one.changes, other.changes)) return describe(one, other, variables);
  }
}

function describe(first: Block | null, second: Block | null, variables: ReadonlyArray<{ path: string; code: string }>): WaveformDifference {
  const time = Math.min(first?.time ?? Infinity, second?.time ?? Infinity);
  const at = (block: Block | null) => (block !== null && (block.time === time || (block.initial && first?.initial === second?.initial)) ? block.changes : new Map<string, string>());
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
 * The next block that changes something: a timestamp line and the changes after it (the body's
 * first lines, before any timestamp, are at time 0). Sections ($dumpvars … $end) are read as their
 * changes; comments are skipped, and so are timestamps with no change.
 */
function nextBlock(lines: LineReader): Block | null {
  let time = 0;
  let changes = new Map<string, string>();
  let initial = false;
  let inComment = false;
  for (let line = lines.peek(); line !== null; line = lines.peek()) {
    const text = line.trim();
    if (inComment) {
      if (text.endsWith("$end")) inComment = false;
    } else if (text.startsWith("#")) {
      if (changes.size > 0) return { time, changes, initial };
      time = Number(text.slice(1));
      changes = new Map();
      initial = false;
    } else if (text.startsWith("$comment")) {
      inComment = !text.endsWith("$end");
    } else if (text.startsWith("$dumpvars")) {
      initial = true;
    } else if (text !== "" && !text.startsWith("$")) {
      // `1!`, `b101 !`, `r2.5 !`: a vector's or real's value and identifier are two words.
      const space = text.indexOf(" ");
      if (space < 0) changes.set(text.slice(1), text.slice(0, 1));
      else changes.set(text.slice(space + 1).trim(), text.slice(0, space));
    }
    lines.next();
  }
  return changes.size > 0 ? { time, changes, initial } : null;
}
