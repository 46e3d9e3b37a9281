import { HEADER_BYTES } from "../../hw/spec/device-protocol.js";
import { readHeader } from "./protocol-codec.js";

/** What the framer found next in the stream. */
export type Frame =
  | { readonly kind: "message"; readonly bytes: Uint8Array }
  | { readonly kind: "malformed"; readonly type: number; readonly text: string }
  | { readonly kind: "incomplete" };

/**
 * Cuts a byte stream into messages by their headers' lengths, whatever the chunks it arrives in:
 * the same bytes give the same messages, so a run depends on what the client sent, not on how the
 * operating system delivered it.
 */
export class MessageFramer {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** Bytes received that are not yet a whole message. */
  get pending(): number {
    return this.buffered;
  }

  /** Whether next() would give a message or a malformed header, not incomplete. */
  hasWhole(): boolean {
    if (this.buffered < HEADER_BYTES) return false;
    const header = readHeader(this.peek(HEADER_BYTES));
    return header.problem !== null || this.buffered >= header.length;
  }

  /** The next whole message, a header that cannot be one, or incomplete (wait for more). */
  next(): Frame {
    if (this.buffered < HEADER_BYTES) return { kind: "incomplete" };
    const header = readHeader(this.peek(HEADER_BYTES));
    if (header.problem !== null) return { kind: "malformed", type: header.type, text: header.problem };
    if (this.buffered < header.length) return { kind: "incomplete" };
    return { kind: "message", bytes: this.take(header.length) };
  }

  /** Words for what is left of a message cut off (at a disconnect), or null when nothing is. */
  describePending(): string | null {
    if (this.buffered === 0) return null;
    if (this.buffered < HEADER_BYTES) return `${this.buffered} of the ${HEADER_BYTES} header bytes of a message`;
    const header = readHeader(this.peek(HEADER_BYTES));
    return `${this.buffered} of the ${header.length} bytes of a message of type 0x${header.type.toString(16)}`;
  }

  private peek(length: number): Uint8Array {
    if (this.chunks[0]!.length >= length) return this.chunks[0]!.subarray(0, length);
    const joined = this.take(this.buffered);
    this.chunks = [joined];
    this.buffered = joined.length;
    return joined.subarray(0, length);
  }

  private take(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.chunks[0]!;
      const count = Math.min(chunk.length, length - filled);
      bytes.set(chunk.subarray(0, count), filled);
      filled += count;
      if (count === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(count);
    }
    this.buffered -= length;
    return bytes;
  }
}
