/**
 * A file's bytes as UTF-8 text, or where and why they are none: a NUL byte, or the first byte that
 * is not UTF-8, placed as an editor shows it (line:column).
 */
export function decodeText(bytes: Uint8Array): string | { readonly place: string; readonly problem: string } {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { place: placeOfByte(bytes, nul), problem: `a NUL byte at byte ${nul}` };
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstNonUtf8Byte(bytes);
    return { place: placeOfByte(bytes, at), problem: `byte ${at}, 0x${bytes[at]!.toString(16).padStart(2, "0")}, is not UTF-8` };
  }
}

/** "line:column" of a byte, as an editor shows it: the column counts the characters before it on its line. */
function placeOfByte(bytes: Uint8Array, at: number): string {
  const lineStart = at === 0 ? 0 : bytes.lastIndexOf(0x0a, at - 1) + 1;
  const line = bytes.subarray(0, lineStart).reduce((lines, byte) => lines + (byte === 0x0a ? 1 : 0), 1);
  const column = [...new TextDecoder("utf-8").decode(bytes.subarray(lineStart, at))].length + 1;
  return `${line}:${column}`;
}

/**
 * The offset of the first byte that makes a file not UTF-8: the shortest prefix a decoder refuses,
 * found by halving (a prefix that ends inside a character is not refused). A character left
 * unfinished is refused at the byte after it, and so is placed at its first byte.
 */
function firstNonUtf8Byte(bytes: Uint8Array): number {
  let valid = 0;
  let refused = bytes.length;
  while (refused - valid > 1) {
    const middle = (valid + refused) >>> 1;
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, middle), { stream: true });
      valid = middle;
    } catch {
      refused = middle;
    }
  }
  const refusedAt = refused - 1;
  for (let back = 1; back <= 3 && refusedAt - back >= 0; back++) {
    const byte = bytes[refusedAt - back]!;
    if (byte < 0x80) break;
    if (byte < 0xc0) continue;
    // A lead byte: its character is unfinished when it asks for more bytes than follow it.
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    if (length > back) return refusedAt - back;
    break;
  }
  return refusedAt;
}
