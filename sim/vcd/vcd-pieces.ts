import { closeSync, openSync, readSync } from "node:fs";

/** Bytes read from a file at a time. */
const READ_BYTES = 16 * 1024 * 1024;

/**
 * A VCD file's text in pieces of about `size` bytes, decoded as UTF-8 (a malformed sequence as
 * U+FFFD, as a whole read gives it): each ends at the end of a line that a timestamp line follows,
 * so that a value change and its identifier stay together, the last where the file ends. A dump is
 * read so without holding it whole (a long run's is larger than the longest JavaScript text).
 * Where no timestamp line comes for four pieces' worth, a piece ends at a line's end, or, in a
 * line that long (no VCD has one), anywhere.
 */
export function* vcdPieces(file: string, size = READ_BYTES): Generator<string> {
  const descriptor = openSync(file, "r");
  try {
    // A byte-order mark is kept, as a whole read keeps it (and the check refuses it): the file and a pipe of it get one answer.
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    const buffer = Buffer.allocUnsafe(size);
    let carried = "";
    for (;;) {
      const count = readSync(descriptor, buffer, 0, size, null);
      const text = carried + decoder.decode(buffer.subarray(0, count), { stream: count > 0 });
      if (count === 0) {
        if (text.length > 0) yield text;
        return;
      }
      const long = text.length > 4 * size;
      let cut = text.lastIndexOf("\n#");
      if (cut < 0 && long) cut = text.lastIndexOf("\n");
      if (cut < 0 && long) cut = text.length - 1;
      if (cut < 0) {
        carried = text;
        continue;
      }
      yield text.slice(0, cut + 1);
      carried = text.slice(cut + 1);
    }
  } finally {
    closeSync(descriptor);
  }
}
