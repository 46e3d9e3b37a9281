/**
 * The value-change section of a VCD (IEEE 1364 §18.2.3.6–18.2.3.8): `#<time>`, scalar changes
 * `[01xXzZ]<id>`, vectors `[bB][01xXzZ]+ <id>`, reals `[rR]<number> <id>`, the $dump… sections and
 * $comment. Read by hand, one character at a time: times are whole numbers of any size in the file,
 * and are kept exact up to 2^53 - 1 (a JavaScript number); a later one is refused at its line.
 */

import type { ParsedVariable } from "./read-declarations.js";

export interface ParsedChange<V = bigint> {
  time: number;
  path: string;
  value: V;
}

/** A value that is no whole number: with an x or z bit (`x`, `b10z`), or a real (`2.5`), as the file writes it. */
export interface WrittenValue {
  readonly written: string;
  readonly real: boolean;
}

/** A change's form: `1!`, `b101 !` or `r2.5 !`. */
export type ChangeForm = "scalar" | "vector" | "real";

/**
 * How a change's value is read from the text between `start` and `end` (after the `b` or `r`);
 * null refuses it at its line.
 */
export interface ValueReader<V> {
  read(text: string, start: number, end: number, form: ChangeForm): V | null;
  /** Whether the x values $dumpoff lists are changes (the values are unknown from then) or skipped. */
  readonly keepsDumpOff: boolean;
}

/** 0 and 1 bits only, as a number: x, z and reals are refused, and $dumpoff's x values skipped. */
export const bitsOnly: ValueReader<bigint> = { read: (text, start, end, form) => (form === "real" ? null : bits(text, start, end)), keepsDumpOff: false };

/** Every value: 0 and 1 bits as a number, others as written (a vector with its `b`); $dumpoff's x values are changes. */
export const asWritten: ValueReader<bigint | WrittenValue> = {
  read: (text, start, end, form) =>
    (form === "real" ? null : bits(text, start, end)) ?? { written: (form === "vector" ? "b" : "") + text.slice(start, end), real: form === "real" },
  keepsDumpOff: true,
};

/** Each value exactly as the file writes it (`1`, `b101`, `r2.5`, a vector's `b` and a real's `r` in lower case); $dumpoff's x values are changes. For comparing two dumps of one design. */
export const asText: ValueReader<string> = {
  read: (text, start, end, form) => (form === "vector" ? "b" : form === "real" ? "r" : "") + text.slice(start, end),
  keepsDumpOff: true,
};

/** Where a reader hands each change it keeps, as it reads it; `initial`: one of the values $dumpvars lists. */
export type ChangeSink<V> = (time: number, path: string, value: V, initial: boolean) => void;

/** A VCD that is well formed but holds what the reader cannot give back exactly: the line, and what. */
export class UnreadableVcdError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

export interface ValueChanges<V> {
  readonly changes: ParsedChange<V>[];
  /** The first timestamp and the last (0 without one). */
  readonly startTime: number;
  readonly endTime: number;
}

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const HASH = 35;
const DOLLAR = 36;
const ZERO = 48;
const ONE = 49;
/** Vectors this long or shorter are summed as a number, exactly, before becoming a bigint. */
const EXACT_BITS = 52;

/**
 * The changes `keep` chooses, in file order; a code declared by several $vars (an alias) gives a
 * change to each. Values are read by `reader`: with `bitsOnly`, an x or z, or a real, in a kept
 * change is refused at its line, and the values listed by $dumpoff are skipped (they say the
 * values are unknown from then, all x, not that they changed). Each change goes to `sink` as it is
 * read; without one, the reader keeps them for `finish`.
 *
 * Read a piece of text at a time (a whole text is one piece; a dump read from its file, many):
 * each piece ends at a line's end, mostly before a timestamp; a $comment, or the identifier after
 * a vector's or real's value, may run on into the next piece.
 */
export class ValueChangeReader<V> {
  private readonly changes: ParsedChange<V>[] = [];
  private readonly pathsOf = new Map<string, string[]>();
  private text = "";
  private length = 0;
  private index = 0;
  private time = 0;
  private startTime: number | null = null;
  private dumpOff = false;
  /** Inside $dumpvars … $end: the values listed are the initial ones. */
  private dumpVars = false;
  private readonly sink: ChangeSink<V>;
  /** The last piece ended inside a $comment. */
  private inComment = false;
  /** The last piece ended between a vector's or real's value and its identifier: the value's text, form and line. */
  private pending: { readonly value: string; readonly first: number; readonly line: number } | null = null;

  constructor(
    private line: number,
    variables: readonly ParsedVariable[],
    private readonly keep: (path: string, time: number) => boolean,
    private readonly reader: ValueReader<V>,
    sink?: ChangeSink<V>,
  ) {
    this.sink = sink ?? ((time, path, value) => this.changes.push({ time, path, value }));
    for (const variable of variables) {
      const paths = this.pathsOf.get(variable.code);
      // A $var written twice (one code, one path) is one signal: its changes are given once.
      if (paths) {
        if (!paths.includes(variable.path)) paths.push(variable.path);
      } else this.pathsOf.set(variable.code, [variable.path]);
    }
  }

  /** Read the changes of `text` from `from` on. */
  read(text: string, from = 0): void {
    this.text = text;
    this.length = text.length;
    this.index = from;
    if (this.inComment) this.skipComment();
    if (this.pending !== null) {
      const { value, first, line } = this.pending;
      this.pending = null;
      this.skipSpace();
      const codeEnd = this.wordEnd(this.index);
      const code = text.slice(this.index, codeEnd);
      this.index = codeEnd;
      this.change(first, value, 0, value.length, code, line);
    }
    for (;;) {
      this.skipSpace();
      if (this.index >= this.length) break;
      const first = text.charCodeAt(this.index);
      const end = this.wordEnd(this.index);
      if (first === HASH) {
        this.time = timestamp(text, this.index, end, this.line);
        this.startTime ??= this.time;
        this.index = end;
        continue;
      }
      if (first === DOLLAR) {
        const keyword = text.slice(this.index, end);
        this.index = end;
        if (keyword === "$comment") {
          this.inComment = true;
          this.skipComment();
        } else if (keyword === "$dumpoff") this.dumpOff = true;
        else if (keyword === "$dumpvars") this.dumpVars = true;
        else if (keyword === "$end") this.dumpOff = this.dumpVars = false;
        continue;
      }
      const changeLine = this.line;
      let valueStart: number;
      let valueEnd: number;
      let code: string;
      if (first === 98 /* b */ || first === 66 /* B */ || first === 114 /* r */ || first === 82 /* R */) {
        valueStart = this.index + 1;
        valueEnd = end;
        this.index = end;
        this.skipSpace();
        if (this.index >= this.length) {
          // Its identifier is in the next piece.
          this.pending = { value: text.slice(valueStart, valueEnd), first, line: changeLine };
          break;
        }
        const codeEnd = this.wordEnd(this.index);
        code = text.slice(this.index, codeEnd);
        this.index = codeEnd;
      } else {
        valueStart = this.index;
        valueEnd = this.index + 1;
        code = text.slice(this.index + 1, end);
        this.index = end;
      }
      this.change(first, text, valueStart, valueEnd, code, changeLine);
    }
  }

  /** A change of identifier `code` to the value written from `valueStart` to `valueEnd` of `text` (after its `b` or `r`), on line `line`. */
  private change(first: number, text: string, valueStart: number, valueEnd: number, code: string, line: number): void {
    const time = this.time;
    // A change before the first timestamp is at time 0: the dump begins there.
    this.startTime ??= time;
    if (this.dumpOff && !this.reader.keepsDumpOff) return;
    const form: ChangeForm = first === 114 || first === 82 ? "real" : first === 98 || first === 66 ? "vector" : "scalar";
    const paths = this.pathsOf.get(code);
    if (paths === undefined) throw new UnreadableVcdError(line, `change for undeclared identifier '${code}' at ${time}`);
    for (const path of paths) {
      if (!this.keep(path, time)) continue;
      const value = this.reader.read(text, valueStart, valueEnd, form);
      if (value === null) throw new UnreadableVcdError(line, `${form === "real" ? "a real" : "an x or z"} value for ${path} at ${time}: only 0 and 1 bits are read`);
      this.sink(time, path, value, this.dumpVars);
    }
  }

  /** The changes kept (none when they went to a sink), and the first and last timestamps. */
  finish(): ValueChanges<V> {
    return { changes: this.changes, startTime: this.startTime ?? 0, endTime: this.time };
  }

  /** Skip spaces and line ends from `index` to where the next word begins. */
  private skipSpace(): void {
    const text = this.text;
    for (; this.index < this.length; this.index++) {
      const code = text.charCodeAt(this.index);
      if (code === NEWLINE) this.line++;
      else if (code !== SPACE && code !== TAB && code !== RETURN) return;
    }
  }

  /** The end of the word at `from`. */
  private wordEnd(from: number): number {
    const text = this.text;
    let end = from;
    while (end < this.length) {
      const code = text.charCodeAt(end);
      if (code === SPACE || code === NEWLINE || code === TAB || code === RETURN) break;
      end++;
    }
    return end;
  }

  /** Past the `$end` that closes a $comment (a word of its own: `a$end` is text), or to the end of the piece, still in it. */
  private skipComment(): void {
    for (;;) {
      this.skipSpace();
      if (this.index >= this.length) return;
      const end = this.wordEnd(this.index);
      const closes = end - this.index === 4 && this.text.startsWith("$end", this.index);
      this.index = end;
      if (closes) {
        this.inComment = false;
        return;
      }
    }
  }
}

/** `#<digits>` from `start` to `end`, exact, or refused when it passes 2^53 - 1. */
function timestamp(text: string, start: number, end: number, line: number): number {
  let value = 0;
  // Each partial sum below 2^53 is exact, and one at or past it stays there: the check after is enough.
  for (let index = start + 1; index < end; index++) value = value * 10 + (text.charCodeAt(index) - ZERO);
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new UnreadableVcdError(line, `timestamp '${text.slice(start, Math.min(end, start + 40))}' is past 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), the last time held exactly`);
  }
  return value;
}

/** The binary digits from `start` to `end` as a number, or null when one is x or z. */
function bits(text: string, start: number, end: number): bigint | null {
  if (end - start <= EXACT_BITS) {
    let value = 0;
    for (let index = start; index < end; index++) {
      const digit = text.charCodeAt(index);
      if (digit === ONE) value = value * 2 + 1;
      else if (digit === ZERO) value *= 2;
      else return null;
    }
    return BigInt(value);
  }
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index);
    if (digit !== ZERO && digit !== ONE) return null;
  }
  return BigInt(`0b${text.slice(start, end)}`);
}
