import type { BitFieldTable } from "./bit-field.js";
import { checkImage, compileDecode, compileEncode } from "./layout-compile.js";
import { valueKind } from "../../sim/shown-value.js";

/**
 * Byte layouts in host memory (descriptors, the SA record): each defined once as a table, from
 * which come every field's reader and writer, the whole layout's encoder and decoder, the
 * datasheet's tables and the C header's offsets. Numbers are little-endian.
 */

/** One field of a layout, as its table gives it. */
export interface LayoutFieldSpec {
  /** The datasheet's and the C header's name. */
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
  readonly description: string;
  /** A string of bytes (a key, an address) rather than a number: read as a copy, written padded with zeros. */
  readonly kind?: "bytes";
  /** Bit fields of the field's value (flags, the parts of a handle). */
  readonly bits?: BitFieldTable;
  /** Names of values the field may hold. */
  readonly values?: Readonly<Record<string, number>>;
}

type Specs = Readonly<Record<string, LayoutFieldSpec>>;

/** A field's value: bytes for kind "bytes", a number for the others (either, for a field not known). */
export type FieldValue<S extends LayoutFieldSpec> = LayoutFieldSpec extends S ? number | Uint8Array : S extends { readonly kind: "bytes" } ? Uint8Array : number;
export type LayoutValues<T extends Specs> = { [K in keyof T]: FieldValue<T[K]> };
/** What a field's writer takes: a number field also a bigint, as readExact gives a 64-bit address exactly. */
export type FieldInput<S extends LayoutFieldSpec> = LayoutFieldSpec extends S ? number | bigint | Uint8Array : S extends { readonly kind: "bytes" } ? Uint8Array : number | bigint;
export type LayoutInputs<T extends Specs> = { [K in keyof T]: FieldInput<T[K]> };

export interface LayoutField<S extends LayoutFieldSpec = LayoutFieldSpec> extends LayoutFieldSpec {
  /** The field's key in the layout's values. */
  readonly key: string;
  /** The field in an image whose layout starts at `base`. */
  read(image: Uint8Array, base?: number): FieldValue<S>;
  write(image: Uint8Array, value: FieldInput<S>, base?: number): void;
}

export interface Layout<T extends Specs> {
  readonly name: string;
  readonly bytes: number;
  /** Where the layout starts in the one it was cut from (a write-back in its descriptor); 0 for a whole layout. */
  readonly at: number;
  readonly fields: { readonly [K in keyof T]: LayoutField<T[K]> };
  /** The fields in table order (the datasheet's). */
  readonly list: readonly LayoutField[];
  /** Each field's offset by its name (TX.LENGTH). */
  readonly offsets: { readonly [K in keyof T as T[K]["name"]]: number };
  /** An image of the layout: the given fields, every other byte 0. */
  encode(values: Partial<LayoutInputs<T>>): Uint8Array;
  /** Every field of the image whose layout starts at `base`. */
  decode(image: Uint8Array, base?: number): LayoutValues<T>;
  /** The same, a number field that holds more than 2^53 - 1 as a bigint (readExact): what encode writes back exactly. */
  decodeExact(image: Uint8Array, base?: number): LayoutInputs<T>;
  /** The same image with only some of its fields (what one side reads). */
  pick<K extends keyof T & string>(name: string, keys: readonly K[]): Layout<Pick<T, K>>;
  /** The image from the first of `keys` to the end, which must hold exactly those fields (a write-back). */
  tail<K extends keyof T & string>(name: string, keys: readonly K[]): Layout<Pick<T, K>>;
}

const TWO_TO_32 = 0x1_0000_0000;

/** A number field's refused value: a number or bigint as itself; anything else by its kind alone (bytes there may be a key). */
function shownNumber(value: unknown): string {
  if (typeof value === "number") return String(value);
  return typeof value === "bigint" ? `${value}n` : valueKind(value);
}

/** A number field as written, exact: its number, or a bigint when it holds more than 2^53 - 1 (a 64-bit address a number would round). */
export function readExact(field: { readonly offset: number; read(image: Uint8Array, base?: number): unknown }, image: Uint8Array, base = 0): number | bigint {
  const value = field.read(image, base) as number;
  if (value <= Number.MAX_SAFE_INTEGER) return value;
  return new DataView(image.buffer, image.byteOffset).getBigUint64(base + field.offset, true);
}

function numberField(layout: string, spec: LayoutFieldSpec, key: string): LayoutField {
  const { offset, bytes } = spec;
  const limit = 2 ** (8 * bytes);
  const check = (image: Uint8Array, base: number) => checkImage(`${layout} ${spec.name}`, image, base, offset, bytes);
  const reads: Record<number, (image: Uint8Array, at: number) => number> = {
    1: (image, at) => image[at]!,
    2: (image, at) => image[at]! | (image[at + 1]! << 8),
    4: (image, at) => (image[at]! | (image[at + 1]! << 8) | (image[at + 2]! << 16) | (image[at + 3]! << 24)) >>> 0,
    8: (image, at) => reads[4]!(image, at) + reads[4]!(image, at + 4) * TWO_TO_32,
  };
  const readAt = reads[bytes];
  if (!readAt) throw new RangeError(`${layout} ${spec.name}: a number of ${bytes} bytes (numbers are 1, 2, 4 or 8 bytes; give longer fields kind "bytes")`);
  return {
    ...spec,
    key,
    read: (image, base = 0) => {
      check(image, base);
      return readAt(image, base + offset);
    },
    write: (image, value, base = 0) => {
      check(image, base);
      // A bigint is what readExact gives for a 64-bit address a number would round: written back exactly.
      if (typeof value === "bigint" && value >= 0n && value < BigInt(limit)) {
        for (let index = 0; index < bytes; index++) image[base + offset + index] = Number((value >> BigInt(8 * index)) & 0xffn);
        return;
      }
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= limit) {
        throw new RangeError(`${layout} ${spec.name}: ${shownNumber(value)} is not an integer from 0 to 2^${8 * bytes} - 1 (${bytes} ${bytes === 1 ? "byte" : "bytes"})`);
      }
      // Past 2^53 - 1 a number may already be another integer than the one written (0xffff888012345678 is 0xffff888012345800): refused, not rounded (from a driver developer's check).
      if ((value as number) > Number.MAX_SAFE_INTEGER) {
        throw new RangeError(`${layout} ${spec.name}: ${shownNumber(value)} is past 2^53 - 1, where a number no longer holds every integer: it holds 0x${BigInt(value as number).toString(16)}, which may not be the value meant; give it as a bigint (0x…n)`);
      }
      let rest = value as number;
      for (let index = 0; index < bytes; index++) {
        // Below 2^32 the bit operators are exact; above, the division is (8-byte addresses).
        image[base + offset + index] = rest & 0xff;
        rest = rest < TWO_TO_32 ? rest >>> 8 : Math.floor(rest / 256);
      }
    },
  };
}

function bytesField(layout: string, spec: LayoutFieldSpec, key: string): LayoutField {
  const { offset, bytes } = spec;
  const check = (image: Uint8Array, base: number) => checkImage(`${layout} ${spec.name}`, image, base, offset, bytes);
  return {
    ...spec,
    key,
    read: (image, base = 0) => {
      check(image, base);
      return image.slice(base + offset, base + offset + bytes);
    },
    write: (image, value, base = 0) => {
      check(image, base);
      const given = value as Uint8Array;
      // The length, never the bytes: a field may hold a key.
      if (!(given instanceof Uint8Array) || given.length > bytes) throw new RangeError(`${layout} ${spec.name}: ${given instanceof Uint8Array ? `${given.length} bytes` : "not bytes"} where the field holds at most ${bytes}`);
      image.set(given, base + offset);
      image.fill(0, base + offset + given.length, base + offset + bytes);
    },
  };
}

function build<T extends Specs>(name: string, bytes: number, at: number, specs: T): Layout<T> {
  const list = Object.entries(specs).map(([key, spec]) => (spec.kind === "bytes" ? bytesField : numberField)(name, spec, key));
  const byOffset = [...list].sort((a, b) => a.offset - b.offset);
  byOffset.forEach((field, index) => {
    const next = byOffset[index + 1];
    if (!Number.isInteger(field.offset) || field.offset < 0 || field.offset + field.bytes > bytes) throw new RangeError(`${name} ${field.name}: bytes ${field.offset}..${field.offset + field.bytes - 1} are outside its ${bytes} bytes`);
    if (next && field.offset + field.bytes > next.offset) throw new RangeError(`${name} ${field.name} overlaps ${next.name}`);
  });
  const fields = Object.fromEntries(list.map((field) => [field.key, field])) as unknown as Layout<T>["fields"];
  const layout: Layout<T> = {
    name,
    bytes,
    at,
    fields,
    list,
    offsets: Object.fromEntries(list.map((field) => [field.name, field.offset])) as Layout<T>["offsets"],
    encode: compileEncode(name, bytes, list) as Layout<T>["encode"],
    decode: compileDecode(name, bytes, list) as Layout<T>["decode"],
    // decode gave a 64-bit address rounded, and encode refused it back (from a driver developer's check).
    decodeExact(image, base = 0) {
      const values = layout.decode(image, base) as Record<string, unknown>;
      for (const field of list) if (field.kind !== "bytes" && (values[field.key] as number) > Number.MAX_SAFE_INTEGER) values[field.key] = readExact(field, image, base);
      return values as LayoutInputs<T>;
    },
    pick(partName, keys) {
      return build(partName, bytes, at, pickSpecs(specs, keys, 0));
    },
    tail(partName, keys) {
      const from = Math.min(...keys.map((key) => specs[key]!.offset));
      const others = list.filter((field) => field.offset + field.bytes > from && !(keys as readonly string[]).includes(field.key));
      if (others.length > 0) throw new RangeError(`${partName}: ${others.map((field) => field.name).join(", ")} of ${name} lie within it`);
      return build(partName, bytes - from, at + from, pickSpecs(specs, keys, from));
    },
  };
  return layout;
}

function pickSpecs<T extends Specs, K extends keyof T & string>(specs: T, keys: readonly K[], from: number): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, { ...specs[key]!, offset: specs[key]!.offset - from }])) as unknown as Pick<T, K>;
}

/** A layout of `bytes` bytes from its table; refuses fields outside it, overlapping ones, and numbers that are not 1, 2, 4 or 8 bytes. */
export function defineLayout<const T extends Specs>(name: string, bytes: number, specs: T): Layout<T> {
  return build(name, bytes, 0, specs);
}
