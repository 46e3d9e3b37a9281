import type { ByteSink } from "./sink.js";

/** Bytes held before the buffer is handed to the sink: chunks stay this size, whatever the run's length. */
export const BUFFER_CAPACITY = 64 * 1024;

/** Most bytes a `#time` line takes: '#', 16 digits (2^53 - 1), newline. */
export const TIME_LINE_BYTES = 18;

const HASH = 0x23;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const TWO_TO_32 = 2 ** 32;
const TWO_TO_53 = 2 ** 53;
const TWO_TO_53_BIG = 1n << 53n;
const TWO_TO_64_BIG = 1n << 64n;
const encoder = new TextEncoder();

/**
 * A preallocated byte buffer that VCD lines are formatted into as ASCII, handed to the sink when the
 * next line might not fit. The writer reserves room for a whole line (`reserve`), then appends its
 * parts without bounds checks, so no string is built per value change.
 */
export class OutputBuffer {
  private bytes = new Uint8Array(BUFFER_CAPACITY);
  private position = 0;
  /** Bytes handed to the sink so far. */
  bytesWritten = 0;

  constructor(private readonly sink: ByteSink) {}

  /** Make room for `count` more bytes: flush when they might not fit; grow (once, for a very wide vector) when they never would. */
  reserve(count: number): void {
    if (this.position + count <= this.bytes.length) return;
    this.flush();
    if (count > this.bytes.length) this.bytes = new Uint8Array(count);
  }

  /** Text outside the value changes (header, comments): UTF-8, written through the buffer. */
  text(text: string): void {
    const encoded = encoder.encode(text);
    if (encoded.length > this.bytes.length - this.position) this.flush();
    if (encoded.length > this.bytes.length) {
      // Longer than the buffer (a large header): straight to the sink, after what was buffered.
      this.bytesWritten += encoded.length;
      this.sink.write(encoded);
      return;
    }
    this.bytes.set(encoded, this.position);
    this.position += encoded.length;
  }

  /** `#time` and a newline. The caller reserved TIME_LINE_BYTES. */
  time(time: number): void {
    this.bytes[this.position++] = HASH;
    this.decimal(time);
    this.bytes[this.position++] = NEWLINE;
  }

  /** One byte (a scalar's '0'/'1', a vector's 'b'). The caller reserved it. */
  byte(value: number): void {
    this.bytes[this.position++] = value;
  }

  /** Bytes precomputed per variable (identifier code and newline). The caller reserved them. */
  append(bytes: Uint8Array): void {
    const buffer = this.bytes;
    let position = this.position;
    // Identifier codes are a few bytes: a loop beats set() at this size.
    for (let index = 0; index < bytes.length; index++) buffer[position++] = bytes[index]!;
    this.position = position;
  }

  /** A non-negative integer in binary, no leading zeros ("0" for zero), as `toString(2)` writes it. The caller reserved the width's bytes. */
  binary(value: number | bigint): void {
    if (typeof value === "bigint") {
      if (value < TWO_TO_53_BIG) this.binaryNumber(Number(value));
      else if (value < TWO_TO_64_BIG) this.binaryWords(Number(value >> 32n), Number(BigInt.asUintN(32, value)));
      else this.ascii(value.toString(2));
    } else if (value < TWO_TO_53) {
      this.binaryNumber(value);
    } else {
      this.ascii(value.toString(2));
    }
  }

  /** Hand the filled bytes to the sink. The sink must consume them before returning: the buffer is reused. */
  flush(): void {
    if (this.position === 0) return;
    this.bytesWritten += this.position;
    this.sink.write(this.bytes.subarray(0, this.position));
    this.position = 0;
  }

  private binaryNumber(value: number): void {
    const buffer = this.bytes;
    let position = this.position;
    if (value < TWO_TO_32) {
      let bit = value === 0 ? 0 : 31 - Math.clz32(value);
      for (; bit >= 0; bit--) buffer[position++] = ZERO + ((value >>> bit) & 1);
      this.position = position;
    } else {
      this.binaryWords(Math.floor(value / TWO_TO_32), value >>> 0);
    }
  }

  /** A value of 33 to 64 bits given as its two 32-bit halves (`high` not zero). */
  private binaryWords(high: number, low: number): void {
    const buffer = this.bytes;
    let position = this.position;
    for (let bit = 31 - Math.clz32(high); bit >= 0; bit--) buffer[position++] = ZERO + ((high >>> bit) & 1);
    for (let bit = 31; bit >= 0; bit--) buffer[position++] = ZERO + ((low >>> bit) & 1);
    this.position = position;
  }

  private decimal(value: number): void {
    const buffer = this.bytes;
    let digits = 1;
    while (digits < POWERS_OF_TEN.length && value >= POWERS_OF_TEN[digits]!) digits++;
    let position = this.position + digits;
    this.position = position;
    let rest = value;
    do {
      const quotient = Math.floor(rest / 10);
      buffer[--position] = ZERO + (rest - quotient * 10);
      rest = quotient;
    } while (rest > 0);
  }

  /** ASCII text of a value past 2^64 (or a number past 2^53): the rare path. */
  private ascii(text: string): void {
    const buffer = this.bytes;
    let position = this.position;
    for (let index = 0; index < text.length; index++) buffer[position++] = text.charCodeAt(index);
    this.position = position;
  }
}

/** 10^0 .. 10^16: a safe integer has at most 16 digits. */
const POWERS_OF_TEN = Array.from({ length: 17 }, (_, index) => 10 ** index);
