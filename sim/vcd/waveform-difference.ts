import { FileReader, firstDifferingOffset, textPieces, withFiles } from "../file-comparison.js";
import { type ParsedVariable, readDeclarations } from "./read-declarations.js";
import { asText, UnreadableVcdError, ValueChangeReader } from "./read-value-changes.js";

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

/** One timestamp's changes: signal path to the value as written (`1`, `b101`, `r2.5`). */
interface Block {
  readonly time: number;
  readonly changes: Map<string, string>;
  /** The initial values ($dumpvars): a window that starts after the run's end dumps them at the end, which differs between runs that end apart. */
  initial: boolean;
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
    return firstDifferingBlocks(blocksFrom(one, blockStart, head.variables), blocksFrom(other, blockStart, head.variables));
  });
}

/** A dump's declarations and their text, read until `$enddefinitions $end`; null when the file has none. */
function declarationsOf(file: FileReader): { text: string; bodyStart: number; variables: readonly ParsedVariable[] } | null {
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

/** The first blocks that differ, read on from each dump's place (a block's start in both). */
function firstDifferingBlocks(a: Iterator<Block>, b: Iterator<Block>): WaveformDifference | null {
  for (;;) {
    const one = a.next().value ?? null;
    const other = b.next().value ?? null;
    if (one === null && other === null) return null;
    const sameTime = one !== null && other !== null && (one.time === other.time || (one.initial && other.initial));
    if (!sameTime || !sameChanges(one.changes, other.changes)) return describe(one, other);
  }
}

function describe(first: Block | null, second: Block | null): WaveformDifference {
  const time = Math.min(first?.time ?? Infinity, second?.time ?? Infinity);
  const at = (block: Block | null) => (block !== null && (block.time === time || (block.initial && first?.initial === second?.initial)) ? block.changes : new Map<string, string>());
  const one = at(first);
  const other = at(second);
  const signals = [...new Set([...one.keys(), ...other.keys()])]
    .filter((path) => one.get(path) !== other.get(path))
    .map((path) => ({ path, first: one.get(path) ?? null, second: other.get(path) ?? null }))
    .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { time, signals };
}

function sameChanges(one: ReadonlyMap<string, string>, other: ReadonlyMap<string, string>): boolean {
  if (one.size !== other.size) return false;
  for (const [path, value] of one) if (other.get(path) !== value) return false;
  return true;
}

/**
 * The blocks of a dump from `offset` (a timestamp line, or the body's start) on, read by the one
 * reader of value changes: each timestamp's changes, those of $dumpvars marked. Timestamps with no
 * change make no block.
 */
function* blocksFrom(file: FileReader, offset: number, variables: readonly ParsedVariable[]): Generator<Block> {
  const done: Block[] = [];
  let block: Block | null = null;
  // Line numbers count from `offset`; an error says where they begin.
  const reader = new ValueChangeReader(1, variables, () => true, asText, (time, path, value, initial) => {
    if (block === null || block.time !== time) {
      if (block !== null) done.push(block);
      block = { time, changes: new Map(), initial: false };
    }
    block.changes.set(path, value);
    if (initial) block.initial = true;
  });
  try {
    for (const piece of textPieces(file, offset)) {
      reader.read(piece);
      yield* done;
      done.length = 0;
    }
  } catch (error) {
    // Named by its file: the comparison reads two.
    if (error instanceof UnreadableVcdError) throw new Error(`${file.path}: line ${error.line + linesBefore(file, offset)}: ${error.problem}`);
    throw error;
  }
  if (block !== null) yield block;
}

/** The lines of a file before `offset`: read only to name a line in an error. */
function linesBefore(file: FileReader, offset: number): number {
  let lines = 0;
  for (let at = 0; at < offset; at += LOOK_BACK_BYTES) {
    const bytes = file.read(at, Math.min(LOOK_BACK_BYTES, offset - at));
    for (let index = bytes.indexOf(10); index >= 0; index = bytes.indexOf(10, index + 1)) lines++;
  }
  return lines;
}
