/**
 * Field combinators from which every ISAKMP wire format is declared once (isakmp-payloads.ts). A
 * struct of fields gives both its decoder and its encoder; decoding never throws, it returns a
 * `Malformed` naming the reason, the field and the byte offset.
 */

export type MalformedReason =
  | "TRUNCATED"
  | "LENGTH_MISMATCH"
  | "BAD_VERSION"
  | "UNKNOWN_EXCHANGE"
  | "PAYLOAD_LENGTH"
  | "UNKNOWN_PAYLOAD"
  | "BAD_ATTRIBUTE"
  | "BAD_COUNT"
  | "BAD_PADDING";

export interface Malformed {
  readonly kind: "malformed";
  readonly reason: MalformedReason;
  readonly field: string;
  readonly offset: number;
}

export function malformed(reason: MalformedReason, field: string, offset: number): Malformed {
  return { kind: "malformed", reason, field, offset };
}

export function isMalformed(value: unknown): value is Malformed {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "malformed";
}

/** Reads `bytes` between `offset` and `end`; `base` is added to offsets in reports (the place in the whole message). */
export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public offset: number,
    readonly end: number,
    readonly base: number,
    readonly path: string,
  ) {}

  remaining(): number {
    return this.end - this.offset;
  }

  at(field: string): string {
    return this.path === "" ? field : `${this.path}.${field}`;
  }

  fail(reason: MalformedReason, field: string, offset = this.offset): Malformed {
    return malformed(reason, this.at(field), this.base + offset);
  }

  /** A reader of the next `length` bytes, for a nested structure; advances past them. */
  take(length: number, path: string): Reader {
    const nested = new Reader(this.bytes, this.offset, this.offset + length, this.base, path);
    this.offset += length;
    return nested;
  }
}

/** A growing byte buffer for encoding. */
export class Writer {
  private buffer = new Uint8Array(256);
  length = 0;

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const larger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
    larger.set(this.buffer.subarray(0, this.length));
    this.buffer = larger;
  }

  uint(width: 1 | 2 | 4, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * width)) throw new RangeError(`value ${value} does not fit ${width} byte(s)`);
    this.reserve(width);
    for (let index = width - 1; index >= 0; index--) this.buffer[this.length++] = Math.floor(value / 2 ** (8 * index)) & 0xff;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Overwrite a 16-bit value written earlier (payload lengths known after the body). */
  patch16(offset: number, value: number): void {
    this.buffer[offset] = value >> 8;
    this.buffer[offset + 1] = value & 0xff;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

type Scope = Map<string, number>;

export interface Field<Name extends string, Value> {
  readonly name: Name;
  /** Lengths, counts, constants: computed on encoding, checked on decoding, not part of the value. */
  readonly derived?: true;
  read(reader: Reader, scope: Scope): Value | Malformed;
  write(writer: Writer, value: Value, record: Readonly<Record<string, unknown>>): void;
}

/** A field computed on encoding and checked on decoding: absent from the struct's value. */
export interface DerivedField<Name extends string> extends Field<Name, never> {
  readonly derived: true;
}

// Any field: the struct's value type is built from each field's own type.
type AnyField = Field<string, any>;

export type StructValue<Fields extends readonly AnyField[]> = {
  readonly [F in Fields[number] as F extends { readonly derived: true } ? never : F["name"]]: F extends Field<string, infer Value> ? Value : never;
};

export interface Struct<Value> {
  readonly name: string;
  read(reader: Reader): Value | Malformed;
  write(writer: Writer, value: Value): void;
}

export function struct<const Fields extends readonly AnyField[]>(name: string, fields: Fields): Struct<StructValue<Fields>> {
  return {
    name,
    read(reader) {
      const scope: Scope = new Map();
      const record: Record<string, unknown> = {};
      for (const field of fields) {
        // Where each field starts, so that a later check (a count) can name its place.
        scope.set(`@${field.name}`, reader.offset);
        const value = field.read(reader, scope);
        if (isMalformed(value)) return value;
        if (typeof value === "number") scope.set(field.name, value);
        if (!field.derived) record[field.name] = value;
      }
      return record as StructValue<Fields>;
    },
    write(writer, value) {
      const record = value as Readonly<Record<string, unknown>>;
      for (const field of fields) field.write(writer, record[field.name], record);
    },
  };
}

function readUint(reader: Reader, width: 1 | 2 | 4, name: string): number | Malformed {
  if (reader.remaining() < width) return reader.fail("TRUNCATED", name);
  let value = 0;
  for (let index = 0; index < width; index++) value = value * 256 + reader.bytes[reader.offset + index]!;
  reader.offset += width;
  return value;
}

export function uint<const Name extends string>(name: Name, width: 1 | 2 | 4): Field<Name, number> {
  return { name, read: (reader) => readUint(reader, width, name), write: (writer, value) => writer.uint(width, value) };
}

/** A number that must hold one of `allowed` values, else the decoder reports `reason`. */
export function checkedUint<const Name extends string>(name: Name, width: 1 | 2 | 4, allowed: readonly number[], reason: MalformedReason): Field<Name, number> {
  return {
    name,
    read(reader) {
      const start = reader.offset;
      const value = readUint(reader, width, name);
      if (isMalformed(value)) return value;
      return allowed.includes(value) ? value : reader.fail(reason, name, start);
    },
    write: (writer, value) => writer.uint(width, value),
  };
}

/** A fixed value (a version): written as given, checked when read. */
export function constant<const Name extends string>(name: Name, width: 1 | 2 | 4, value: number, reason: MalformedReason): DerivedField<Name> {
  return {
    name,
    derived: true,
    read(reader) {
      const start = reader.offset;
      const read = readUint(reader, width, name);
      if (isMalformed(read)) return read;
      return (read === value ? read : reader.fail(reason, name, start)) as never;
    },
    write: (writer) => writer.uint(width, value),
  };
}

/** Reserved bits: written as zero, ignored when read (RFC 2408 asks receivers not to check them). */
export function reserved<const Name extends string>(name: Name, width: 1 | 2 | 4): DerivedField<Name> {
  return { name, derived: true, read: (reader) => readUint(reader, width, name) as never, write: (writer) => writer.uint(width, 0) };
}

export function fixedBytes<const Name extends string>(name: Name, length: number): Field<Name, Uint8Array> {
  return {
    name,
    read(reader) {
      if (reader.remaining() < length) return reader.fail("TRUNCATED", name);
      reader.offset += length;
      return reader.bytes.slice(reader.offset - length, reader.offset);
    },
    write(writer, value) {
      if (value.length !== length) throw new RangeError(`${name} must be ${length} bytes, not ${value.length}`);
      writer.bytes(value);
    },
  };
}

/** The byte length of field `target` (a Uint8Array), as a derived number. */
export function lengthOf<const Name extends string>(name: Name, width: 1 | 2 | 4, target: string): DerivedField<Name> {
  return { name, derived: true, read: (reader) => readUint(reader, width, name) as never, write: (writer, _value, record) => writer.uint(width, (record[target] as Uint8Array).length) };
}

/** The element count of field `target` (an array), as a derived number. */
export function countOf<const Name extends string>(name: Name, width: 1 | 2 | 4, target: string): DerivedField<Name> {
  return { name, derived: true, read: (reader) => readUint(reader, width, name) as never, write: (writer, _value, record) => writer.uint(width, (record[target] as readonly unknown[]).length) };
}

/** Bytes whose length an earlier field (`lengthField`) gives. */
export function sizedBytes<const Name extends string>(name: Name, lengthField: string): Field<Name, Uint8Array> {
  return {
    name,
    read(reader, scope) {
      const length = scope.get(lengthField) ?? 0;
      if (reader.remaining() < length) return reader.fail("TRUNCATED", name);
      reader.offset += length;
      return reader.bytes.slice(reader.offset - length, reader.offset);
    },
    write: (writer, value) => writer.bytes(value),
  };
}

/** `countField` values of `sizeField` bytes each (the SPIs of a Delete payload). */
export function repeatedBytes<const Name extends string>(name: Name, sizeField: string, countField: string): Field<Name, readonly Uint8Array[]> {
  return {
    name,
    read(reader, scope) {
      const size = scope.get(sizeField) ?? 0;
      const count = scope.get(countField) ?? 0;
      if (size * count !== reader.remaining()) return reader.fail(size * count > reader.remaining() ? "TRUNCATED" : "BAD_COUNT", name);
      const values: Uint8Array[] = [];
      for (let index = 0; index < count; index++, reader.offset += size) values.push(reader.bytes.slice(reader.offset, reader.offset + size));
      return values;
    },
    write(writer, values, record) {
      const size = record[sizeField];
      for (const value of values) {
        if (value.length !== size) throw new RangeError(`${name}: every value must be ${String(size)} bytes`);
        writer.bytes(value);
      }
    },
  };
}

/** Everything left in the enclosing payload. */
export function rest<const Name extends string>(name: Name): Field<Name, Uint8Array> {
  return {
    name,
    read(reader) {
      const value = reader.bytes.slice(reader.offset, reader.end);
      reader.offset = reader.end;
      return value;
    },
    write: (writer, value) => writer.bytes(value),
  };
}
