import { shownValue, valueKind } from "../../sim/shown-value.js";
import { didYouMean } from "../../sim/suggest.js";

/**
 * Bit fields of a 32-bit value (a register, or a descriptor field such as COMMAND or SA_HANDLE):
 * defined once as a table, from which each field's mask, reader and writer are derived, and the
 * datasheet and the C header are generated.
 */

export interface RegisterField {
  readonly name: string;
  /** Lowest bit and width. */
  readonly bit: number;
  readonly width: number;
  readonly description: string;
  /** Names of values the field may hold (the field's value, not shifted to its bit). */
  readonly values?: Readonly<Record<string, number>>;
}

/** A field of the table with what is derived from it. */
export type BitField<F extends RegisterField = RegisterField> = F & BitFieldAccess;

export interface BitFieldAccess {
  /** The field's bits in place (unsigned). */
  readonly mask: number;
  /** The largest value the field holds: 2^width - 1. */
  readonly max: number;
  /** The field's value in `value`. */
  get(value: number): number;
  /** `fieldValue` in place (bits beyond the width dropped), every other bit 0. */
  place(fieldValue: number): number;
  /** `value` with this field replaced by `fieldValue`. */
  set(value: number, fieldValue: number): number;
}

type Names<T extends readonly RegisterField[]> = T[number]["name"];

/** Any table of fields, as generators read it. */
export interface BitFieldTable {
  /** The fields in table order (the datasheet's and the C header's). */
  readonly list: readonly BitField[];
  /** Every field's bits: what is left is reserved. */
  readonly mask: number;
}

/** A table's fields by name, and the table as a whole. */
export type BitFields<T extends readonly RegisterField[]> = { readonly [F in T[number] as F["name"]]: BitField<F> } & BitFieldTable & {
  readonly list: readonly BitField<T[number]>[];
  /** A value from field values (fields not given are 0; bits beyond a width are dropped). */
  pack(values: { readonly [K in Names<T>]?: number }): number;
  /** Every field's value. */
  unpack(value: number): { [K in Names<T>]: number };
};

function bitField<F extends RegisterField>(field: F): BitField<F> {
  const { bit, width } = field;
  if (!Number.isInteger(bit) || !Number.isInteger(width) || bit < 0 || width < 1 || bit + width > 32) {
    throw new RangeError(`bit field ${field.name}: bits ${bit + width - 1}:${bit} are not within 32 bits`);
  }
  // A 32-bit-wide field is the whole value: no shift, and its max does not fit a signed mask.
  const max = width === 32 ? 0xffff_ffff : 2 ** width - 1;
  const mask = (max * 2 ** bit) >>> 0;
  const get = width === 32 ? (value: number) => value >>> 0 : (value: number) => (value >>> bit) & max;
  const place = width === 32 ? (fieldValue: number) => fieldValue >>> 0 : (fieldValue: number) => ((fieldValue & max) << bit) >>> 0;
  return { ...field, mask, max, get, place, set: (value: number, fieldValue: number) => ((value & ~mask) | place(fieldValue)) >>> 0 };
}

/**
 * Refuses what pack cannot take, every mistake at once: no object of values (undefined read a field of undefined), a misspelt
 * field (ENOP left EOP 0 without a word), or a value that is no integer ("1" and NaN packed as 0).
 */
function refusePack(byName: Readonly<Record<string, BitField>>, values: unknown): never {
  const fields = ` (fields: ${Object.keys(byName).join(", ")})`;
  if (typeof values !== "object" || values === null || Array.isArray(values)) throw new RangeError(`pack: expected an object of field values, not ${valueKind(values)}${fields}`);
  const problems: string[] = [];
  for (const name in values) {
    const value = (values as Record<string, unknown>)[name];
    if (!Object.hasOwn(byName, name)) problems.push(`no field '${name}'${didYouMean(name, Object.keys(byName))}`);
    else if (value !== undefined && !Number.isInteger(value)) problems.push(`${name} ${shownValue(value)} is not an integer`);
  }
  throw new RangeError(`pack: ${problems.join("; ")}${fields}`);
}

const TABLE_MEMBERS: ReadonlySet<string> = new Set(["list", "mask", "pack", "unpack"]);

/** Derive the fields of a table; refuses fields beyond 32 bits, overlapping fields and names given twice. */
export function bitFields<const T extends readonly RegisterField[]>(table: T): BitFields<T> {
  const list: readonly BitField[] = table.map((field) => bitField(field));
  let mask = 0;
  const byName: Record<string, BitField> = {};
  for (const field of list) {
    if ((mask & field.mask) !== 0) throw new RangeError(`bit field ${field.name} overlaps another field of its table`);
    if (field.name in byName || TABLE_MEMBERS.has(field.name)) throw new RangeError(`bit field ${field.name} is defined twice, or named as a member of the table`);
    mask = (mask | field.mask) >>> 0;
    byName[field.name] = field;
  }
  const pack = (values: Readonly<Record<string, number | undefined>>): number => {
    // Drivers pack a descriptor's COMMAND per frame: the check makes no array unless a call is wrong.
    if (typeof values !== "object" || values === null || Array.isArray(values)) refusePack(byName, values);
    for (const name in values) {
      const given = values[name];
      if (!Object.hasOwn(byName, name) || (given !== undefined && !Number.isInteger(given))) refusePack(byName, values);
    }
    let value = 0;
    for (const field of list) value |= field.place(values[field.name] ?? 0);
    return value >>> 0;
  };
  const unpack = (value: number): Record<string, number> => {
    const values: Record<string, number> = {};
    for (const field of list) values[field.name] = field.get(value);
    return values;
  };
  return { ...byName, list, mask, pack, unpack } as unknown as BitFields<T>;
}
