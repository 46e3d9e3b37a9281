import { checkVcdPieces, type Timescale } from "./check-vcd.js";
import { type ParsedVariable, readDeclarations, type VcdDeclarations } from "./read-declarations.js";
import { asWritten, bitsOnly, type ParsedChange, ValueChangeReader, type ValueReader, type WrittenValue } from "./read-value-changes.js";
import { vcdPieces } from "./vcd-pieces.js";

export type { ParsedVariable } from "./read-declarations.js";
export { type ParsedChange, UnreadableVcdError, type WrittenValue } from "./read-value-changes.js";

export interface ParsedVcd<V = bigint> {
  variables: ParsedVariable[];
  /** Every value change in file order, including the $dumpvars values. */
  changes: ParsedChange<V>[];
  /** The first timestamp in the file (a dump of a window starts at the window), and the last. */
  startTime: number;
  endTime: number;
  timescale: string | undefined;
  /** The file's time unit, from its $timescale (1 ps when it declares none). */
  timeUnit: Timescale;
  /** The $version text (null without one), and whether the file ends with nicsim's end marker. */
  version: string | null;
  endMarker: boolean;
}

/**
 * Parse a VCD. `keep` chooses the changes to return (all by default), so a large dump can be
 * searched for one signal. A file that is not a whole VCD (truncated, or garbage) is refused first,
 * with the line where it goes wrong (MalformedVcdError); a whole one holding what cannot be given
 * back exactly (a time past 2^53 - 1, an x, z or real value kept) is refused at its line
 * (UnreadableVcdError). Times are exact: the file's own whole numbers, of any size up to 2^53 - 1.
 */
export async function readVcd(text: string | Uint8Array, keep: (path: string, time: number) => boolean = () => true): Promise<ParsedVcd> {
  return read(text, keep, bitsOnly);
}

/**
 * Parse a VCD as readVcd does, but give back every value: one with an x or z bit, or a real, as
 * the file writes it; the x values $dumpoff lists are changes. For showing another writer's file.
 */
export async function readVcdAsWritten(text: string | Uint8Array, keep: (path: string, time: number) => boolean = () => true): Promise<ParsedVcd<bigint | WrittenValue>> {
  return read(text, keep, asWritten);
}

/**
 * readVcdAsWritten of a file, read a piece at a time (twice: checked, then read): it holds only
 * the changes `keep` chooses, never the whole text, so a dump of any length is read.
 */
export async function readVcdFileAsWritten(file: string, keep: (path: string, time: number) => boolean = () => true, pieceBytes?: number): Promise<ParsedVcd<bigint | WrittenValue>> {
  return readPieces(() => vcdPieces(file, pieceBytes), keep, asWritten);
}

function read<V>(text: string | Uint8Array, keep: (path: string, time: number) => boolean, reader: ValueReader<V>): ParsedVcd<V> {
  const whole = typeof text === "string" ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString("utf8");
  return readPieces(() => [whole], keep, reader);
}

/** Check the text, then read its declarations and the changes `keep` chooses; `pieces` gives the text again each time it is called, in pieces each ending at a line's end. */
function readPieces<V>(pieces: () => Iterable<string>, keep: (path: string, time: number) => boolean, reader: ValueReader<V>): ParsedVcd<V> {
  const shape = checkVcdPieces(pieces());
  let head = "";
  let declarations: VcdDeclarations | null = null;
  let changes: ValueChangeReader<V> | null = null;
  for (const piece of pieces()) {
    if (changes !== null) {
      changes.read(piece);
      continue;
    }
    // The declarations may run over several pieces: gathered until they are whole.
    head += piece;
    declarations = readDeclarations(head);
    if (!declarations.complete) continue;
    changes = new ValueChangeReader(declarations.bodyLine, declarations.variables, keep, reader);
    changes.read(head, declarations.bodyStart);
    head = "";
  }
  // checkVcdPieces found $enddefinitions: the declarations are whole.
  const { variables, timescale } = declarations!;
  const { changes: kept, startTime, endTime } = changes!.finish();
  return { variables, changes: kept, startTime, endTime, timescale, timeUnit: shape.timescale, version: shape.version, endMarker: shape.endMarker };
}

/** The value of every variable over time, as a map from path to its change list. */
export function changesByPath(parsed: ParsedVcd): Map<string, Array<{ time: number; value: bigint }>> {
  const map = new Map<string, Array<{ time: number; value: bigint }>>();
  for (const { path, time, value } of parsed.changes) {
    let list = map.get(path);
    if (!list) map.set(path, (list = []));
    list.push({ time, value });
  }
  return map;
}
