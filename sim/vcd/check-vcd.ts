/**
 * A structural check of a VCD file (IEEE 1364 §18.2) before it is parsed: the parser takes what it
 * can and stops quietly, so a truncated or garbage file would otherwise read as a shorter dump.
 * Reports the first place where the file is not a VCD, with its line and what was expected there.
 */

import { END_MARKER } from "./end-marker.js";

/** Where a VCD is malformed: the line, and what was expected there. */
export class MalformedVcdError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** What the check learns of a whole VCD: its time unit, who wrote it, and whether it ends with nicsim's end marker. */
export interface VcdShape {
  readonly timescale: Timescale;
  /** The $version text, or null without one. */
  readonly version: string | null;
  /** The last thing in the file is nicsim's end-of-dump comment. */
  readonly endMarker: boolean;
}

/** A `$timescale`: 1, 10 or 100 of s, ms, us, ns, ps or fs, so one time unit is magnitude × 10^exponent seconds. */
export interface Timescale {
  readonly text: string;
  readonly magnitude: 1 | 10 | 100;
  readonly unit: string;
  readonly exponent: number;
}

const UNITS: Readonly<Record<string, number>> = { s: 0, ms: -3, us: -6, ns: -9, ps: -12, fs: -15 };
const VARIABLE_TYPES = new Set(["event", "integer", "parameter", "real", "realtime", "reg", "supply0", "supply1", "time", "tri", "triand", "trior", "trireg", "tri0", "tri1", "wand", "wire", "wor", "string"]);
const SCOPE_TYPES = new Set(["module", "task", "function", "begin", "fork"]);
const TEXT_SECTIONS = new Set(["$comment", "$date", "$version"]);
const DUMP_SECTIONS = new Set(["$dumpvars", "$dumpall", "$dumpon", "$dumpoff"]);

interface Token {
  readonly text: string;
  readonly line: number;
}

/** What the tokens have shown of the text so far: its lines, and whether it holds anything and ends a line. */
interface TextSeen {
  line: number;
  empty: boolean;
  endsWithNewline: boolean;
}

/** Whitespace-separated tokens with their line numbers, from pieces of the text that each end between two tokens (at a line's end). */
function* tokens(pieces: Iterable<string>, seen: TextSeen): Generator<Token> {
  for (const text of pieces) {
    if (text.length === 0) continue;
    seen.empty = false;
    seen.endsWithNewline = text.charCodeAt(text.length - 1) === 10;
    let start = -1;
    for (let index = 0; index <= text.length; index++) {
      const code = index < text.length ? text.charCodeAt(index) : 32;
      const space = code === 32 || code === 9 || code === 10 || code === 13;
      if (!space) {
        if (start < 0) start = index;
        continue;
      }
      if (start >= 0) {
        yield { text: text.slice(start, index), line: seen.line };
        start = -1;
      }
      if (code === 10) seen.line++;
    }
  }
}

/** Check a VCD's structure; returns its timescale (1 ps when it declares none), its $version and whether it ends with the end marker. Throws MalformedVcdError. */
export function checkVcd(text: string): VcdShape {
  return checkVcdPieces([text]);
}

/** checkVcd, of a text given in pieces that each end at the end of a line (a file read a piece at a time), but the last. */
export function checkVcdPieces(pieces: Iterable<string>): VcdShape {
  const seen: TextSeen = { line: 1, empty: true, endsWithNewline: false };
  const stream = tokens(pieces, seen);
  try {
    return checkStructure(stream, seen);
  } catch (error) {
    if (!(error instanceof MalformedVcdError)) throw error;
    // Where the file ends, and how: read to its end.
    for (let rest = stream.next(); !rest.done; rest = stream.next());
    // A file cut off in the middle of its last line: that, rather than the half token, is the news.
    if (error.line === seen.line && !seen.empty && !seen.endsWithNewline && !error.problem.endsWith("truncated")) {
      throw new MalformedVcdError(seen.line, `the file ends in the middle of this line: it is truncated (${error.problem})`);
    }
    throw error;
  }
}

function checkStructure(stream: Generator<Token>, seen: TextSeen): VcdShape {
  let last: Token = { text: "", line: 1 };
  const next = (expected: string): Token => {
    const result = stream.next();
    if (result.done) throw new MalformedVcdError(seen.line, `the file ends where ${expected} was expected: it is truncated`);
    return (last = result.value);
  };
  /** The tokens up to `$end`, for a section opened at `opened`. */
  const untilEnd = (opened: Token): Token[] => {
    const body: Token[] = [];
    for (;;) {
      const result = stream.next();
      if (result.done) throw new MalformedVcdError(seen.line, `${opened.text} opened on line ${opened.line} is never closed by $end: the file is truncated`);
      if (result.value.text === "$end") return body;
      body.push(result.value);
    }
  };
  let timescale: Timescale = { text: "1ps", magnitude: 1, unit: "ps", exponent: -12 };
  let version: string | null = null;
  let endMarker = false;
  const widths = new Map<string, number>();
  const scopes: Token[] = [];
  // The header: declarations up to $enddefinitions.
  for (;;) {
    const token = next("a declaration ($scope, $var, $upscope, $timescale, … or $enddefinitions)");
    if (token.text === "$version") version = untilEnd(token).map((part) => part.text).join(" ");
    else if (TEXT_SECTIONS.has(token.text)) untilEnd(token);
    else if (token.text === "$timescale") timescale = parseTimescale(token, untilEnd(token));
    else if (token.text === "$scope") {
      const body = untilEnd(token);
      if (body.length !== 2 || !SCOPE_TYPES.has(body[0]!.text)) throw new MalformedVcdError(token.line, `expected '$scope <module|task|function|begin|fork> <name> $end', found '${[token, ...body].map((part) => part.text).join(" ")} $end'`);
      scopes.push(body[1]!);
    } else if (token.text === "$upscope") {
      if (untilEnd(token).length !== 0) throw new MalformedVcdError(token.line, "expected '$upscope $end'");
      if (scopes.pop() === undefined) throw new MalformedVcdError(token.line, "$upscope with no scope open");
    } else if (token.text === "$var") {
      const body = untilEnd(token);
      const [type, size, code] = body;
      if (body.length < 4 || body.length > 5 || !VARIABLE_TYPES.has(type!.text) || !/^[1-9]\d*$/.test(size!.text)) {
        throw new MalformedVcdError(token.line, `expected '$var <type> <size> <identifier> <name> [range] $end', found '${[token, ...body].map((part) => part.text).join(" ")} $end'`);
      }
      // IEEE 1364 fixes an integer at 32 bits (and real, time at 64): a wider counter is a reg vector.
      if (type!.text === "integer" && size!.text !== "32") throw new MalformedVcdError(token.line, `an integer is 32 bits wide (IEEE 1364), found '$var integer ${size!.text} ${code!.text} ${body[3]!.text}'`);
      widths.set(code!.text, Number(size!.text));
    } else if (token.text === "$enddefinitions") {
      if (untilEnd(token).length !== 0) throw new MalformedVcdError(token.line, "expected '$enddefinitions $end'");
      const open = scopes.at(-1);
      if (open) throw new MalformedVcdError(token.line, `scope '${open.text}' opened on line ${open.line} is not closed by $upscope before $enddefinitions`);
      break;
    } else throw new MalformedVcdError(token.line, `expected a declaration ($scope, $var, $upscope, $timescale, … or $enddefinitions), found ${shownWord(token.text)}`);
  }
  // The body: timestamps, value changes and dump sections.
  let time = -1;
  let section: Token | null = null;
  for (let result = stream.next(); !result.done; result = stream.next()) {
    const token = (last = result.value);
    const first = token.text[0]!;
    endMarker = false;
    if (token.text === "$end") {
      if (section === null) throw new MalformedVcdError(token.line, "$end with no section open");
      section = null;
    } else if (token.text === "$comment") endMarker = untilEnd(token).map((part) => part.text).join(" ").startsWith(END_MARKER);
    else if (DUMP_SECTIONS.has(token.text)) {
      if (section !== null) throw new MalformedVcdError(token.line, `${token.text} inside ${section.text} opened on line ${section.line}`);
      section = token;
    } else if (first === "#") {
      if (!/^#\d+$/.test(token.text)) throw new MalformedVcdError(token.line, `expected a timestamp '#<whole number>', found '${abbreviate(token.text)}'`);
      const now = Number(token.text.slice(1));
      if (now < time) throw new MalformedVcdError(token.line, `time goes backwards: #${now} after #${time}`);
      time = now;
    } else if ("01xXzZ".includes(first)) declared(widths, token.text.slice(1), token, 1);
    else if (first === "b" || first === "B") {
      if (!/^[bB][01xXzZ]+$/.test(token.text)) throw new MalformedVcdError(token.line, `expected a binary value 'b<0|1|x|z…>', found '${abbreviate(token.text)}'`);
      declared(widths, next(`the identifier after '${abbreviate(token.text)}' on line ${token.line}`).text, token, token.text.length - 1);
    } else if (first === "r" || first === "R") {
      if (!REAL.test(token.text)) throw new MalformedVcdError(token.line, `expected a real value 'r<number>', found '${abbreviate(token.text)}'`);
      declared(widths, next(`the identifier after '${abbreviate(token.text)}' on line ${token.line}`).text, token, 0);
    } else throw new MalformedVcdError(token.line, `expected a timestamp (#n), a value change or a $dump section, found ${shownWord(token.text)}`);
  }
  if (section !== null) throw new MalformedVcdError(seen.line, `${section.text} opened on line ${section.line} is never closed by $end: the file is truncated`);
  if (!seen.empty && !seen.endsWithNewline) throw new MalformedVcdError(last.line, `the last line is cut off (no end of line after '${abbreviate(last.text)}'): the file is truncated`);
  return { timescale, version, endMarker };
}

/** A real value as C's printf writes one (%g, %f, %e): a decimal number, or nan or inf with a sign; no hexadecimal. */
const REAL = /^[rR][-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|nan|inf|infinity)$/i;

function parseTimescale(token: Token, body: readonly Token[]): Timescale {
  const text = body.map((part) => part.text).join(" ");
  const match = /^(1|10|100)\s*(s|ms|us|ns|ps|fs)$/.exec(text);
  if (!match) throw new MalformedVcdError(token.line, `expected '$timescale <1|10|100> <s|ms|us|ns|ps|fs> $end', found '$timescale ${abbreviate(text)} $end'`);
  return { text, magnitude: Number(match[1]) as 1 | 10 | 100, unit: match[2]!, exponent: UNITS[match[2]!]! };
}

function declared(widths: ReadonlyMap<string, number>, code: string, token: Token, bits: number): void {
  const width = widths.get(code);
  if (width === undefined) throw new MalformedVcdError(token.line, `value change for identifier '${abbreviate(code)}', which no $var declares`);
  if (bits > width) throw new MalformedVcdError(token.line, `a ${bits}-bit value for identifier '${code}', declared ${width} bits wide`);
}

/** Garbage can be long and unprintable: show a little of it, escaped. */
/** A word where a keyword was expected: quoted when it is one ($…); another is not shown, as a file that is no VCD (a key file opened by mistake) may hold anything. */
function shownWord(text: string): string {
  return text.startsWith("$") ? `'${abbreviate(text)}'` : "a word that is no VCD syntax (not shown: a file that is no VCD may hold a key)";
}

function abbreviate(text: string): string {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return shown.slice(1, -1);
}
