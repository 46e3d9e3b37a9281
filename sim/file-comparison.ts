import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { firstDifferingByte } from "./bytes.js";

/** Bytes read at a time: a long run's outputs are larger than a JavaScript text or a Buffer may be, so none is read whole. */
const CHUNK_BYTES = 1 << 20;

/** A file read at any offset, a piece at a time. Close it when done. */
export class FileReader {
  private readonly descriptor: number;
  readonly size: number;

  constructor(readonly path: string) {
    this.descriptor = openSync(path, "r");
    this.size = fstatSync(this.descriptor).size;
  }

  /** Up to `length` bytes from `offset` (fewer at the file's end). */
  read(offset: number, length: number): Buffer {
    const bytes = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    let done = 0;
    while (done < bytes.length) {
      const count = readSync(this.descriptor, bytes, done, bytes.length - done, offset + done);
      if (count === 0) break;
      done += count;
    }
    return bytes.subarray(0, done);
  }

  close(): void {
    closeSync(this.descriptor);
  }
}

/** Open both files, hand them to `use`, and close them whatever it does. */
export function withFiles<T>(first: string, second: string, use: (one: FileReader, other: FileReader) => T): T {
  const one = new FileReader(first);
  try {
    const other = new FileReader(second);
    try {
      return use(one, other);
    } finally {
      other.close();
    }
  } finally {
    one.close();
  }
}

/** The offset of the first byte at which two files differ (the shorter one's length when it is the other's beginning), or null when they are the same. */
export function firstDifferingOffset(one: FileReader, other: FileReader): number | null {
  for (let offset = 0; ; offset += CHUNK_BYTES) {
    const a = one.read(offset, CHUNK_BYTES);
    const b = other.read(offset, CHUNK_BYTES);
    if (a.length === 0 && b.length === 0) return null;
    if (a.equals(b)) continue;
    const index = firstDifferingByte(a, b);
    return offset + (index < 0 ? Math.min(a.length, b.length) : index);
  }
}

/** A text file from an offset on (latin1: byte offsets are text offsets), a piece at a time: each piece ends at a line's end, the last where the file ends. */
export function* textPieces(file: FileReader, offset: number): Generator<string> {
  let carried = "";
  for (let at = offset; at < file.size; at += CHUNK_BYTES) {
    const text = carried + file.read(at, CHUNK_BYTES).toString("latin1");
    const cut = text.lastIndexOf("\n") + 1;
    carried = text.slice(cut);
    if (cut > 0) yield text.slice(0, cut);
  }
  if (carried !== "") yield carried;
}

/** A text file's lines (latin1: byte offsets are text offsets), from an offset on, read a piece at a time (textPieces). */
export class LineReader {
  private readonly pieces: Generator<string>;
  /** The lines of the piece being read, and the next one's place among them. */
  private lines: string[] = [];
  private at = 0;
  lineNumber: number;

  constructor(file: FileReader, offset = 0, lineNumber = 1) {
    this.pieces = textPieces(file, offset);
    this.lineNumber = lineNumber;
  }

  /** The next line without its end, or null at the file's end; `peek` leaves it to be read again. */
  next(): string | null {
    const line = this.peek();
    if (line !== null) {
      this.at++;
      this.lineNumber++;
    }
    return line;
  }

  peek(): string | null {
    while (this.at >= this.lines.length) {
      const piece = this.pieces.next();
      if (piece.done) return null;
      // A piece ends at a line's end (but the file's last): what follows its last newline is no line.
      this.lines = piece.value.split("\n");
      if (piece.value.endsWith("\n")) this.lines.pop();
      this.at = 0;
    }
    return this.lines[this.at]!;
  }
}
