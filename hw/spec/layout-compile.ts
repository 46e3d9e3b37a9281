import { didYouMean } from "../../sim/suggest.js";
import { shownValue, valueKind } from "../../sim/shown-value.js";
import type { LayoutField } from "./layout.js";

/**
 * A layout's whole-image encoder and decoder, compiled from its table once: straight-line code
 * with each field's offset in it, so that a descriptor costs what hand-written reads and writes
 * would (a loop over the fields' closures costs ten times as much on the datapath). Refusals
 * are left to the field's own writer, which names the field.
 */

/**
 * Refuses what cannot hold `bytes` bytes at `base` + `offset`: no bytes at all (undefined gave a raw
 * "reading 'length'" TypeError, from a driver developer's check), a base that is no whole number
 * (NaN read every field as NaN), or an image too short. `what` names the layout or its field.
 */
export function checkImage(what: string, image: unknown, base: number, offset: number, bytes: number): void {
  if (!(image instanceof Uint8Array)) throw new TypeError(`${what}: the image must be a Uint8Array, not ${valueKind(image)}`);
  if (!Number.isSafeInteger(base) || base < 0) throw new RangeError(`${what}: base ${shownValue(base)} is not a whole number of bytes, 0 or more`);
  if (base + offset + bytes > image.length) throw new RangeError(`${what}: bytes ${base + offset}..${base + offset + bytes - 1} are outside an image of ${image.length} bytes`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const byte = (offset: number) => `image[at + ${offset}]`;
const word = (offset: number) => `((${byte(offset)} | (${byte(offset + 1)} << 8) | (${byte(offset + 2)} << 16) | (${byte(offset + 3)} << 24)) >>> 0)`;

function readExpression(field: LayoutField): string {
  const { offset, bytes } = field;
  if (field.kind === "bytes") return `image.slice(at + ${offset}, at + ${offset + bytes})`;
  switch (bytes) {
    case 1: return byte(offset);
    case 2: return `(${byte(offset)} | (${byte(offset + 1)} << 8))`;
    case 4: return word(offset);
    default: return `(${word(offset)} + ${word(offset + 4)} * 4294967296)`;
  }
}

/** Statements storing number `value`, known to fit, at the field's bytes (a typed array keeps each store's low 8 bits). */
function writeStatements(offset: number, bytes: number, value: string): string {
  if (bytes === 8) return `{ const low = ${value} % 4294967296; const high = (${value} - low) / 4294967296; ${writeStatements(offset, 4, "low")} ${writeStatements(offset + 4, 4, "high")} }`;
  return Array.from({ length: bytes }, (_, index) => `image[${offset + index}] = ${index === 0 ? value : `(${value}) >>> ${8 * index}`};`).join(" ");
}

function checkKeys(fields: readonly LayoutField[]): void {
  for (const field of fields) if (!IDENTIFIER.test(field.key)) throw new RangeError(`layout field key ${JSON.stringify(field.key)} is not an identifier`);
}

/** decode(image, base): every field of the image whose layout starts at `base`. */
export function compileDecode(name: string, bytes: number, fields: readonly LayoutField[]): (image: Uint8Array, base?: number) => unknown {
  checkKeys(fields);
  const body = `
    return function decode(image, base = 0) {
      if (!(image instanceof Uint8Array) || typeof base !== "number" || !(base >= 0) || base % 1 !== 0 || base + ${bytes} > image.length) checkImage(name, image, base, 0, ${bytes});
      const at = base;
      return { ${fields.map((field) => `${field.key}: ${readExpression(field)}`).join(", ")} };
    };`;
  return new Function("name", "checkImage", body)(name, checkImage) as (image: Uint8Array, base?: number) => unknown;
}

/** encode(values): an image with the given fields, every other byte 0. */
export function compileEncode(name: string, bytes: number, fields: readonly LayoutField[]): (values: Readonly<Record<string, unknown>>) => Uint8Array {
  checkKeys(fields);
  // A misspelt field (bufferAdress) would leave its field 0 without a word.
  const known = new Set(fields.map((field) => field.key));
  const unknownKey = (values: Readonly<Record<string, unknown>>): never => {
    const key = Object.keys(values).find((candidate) => !known.has(candidate))!;
    throw new RangeError(`${name}: no field '${key}'${didYouMean(key, known)} (fields: ${[...known].join(", ")})`);
  };
  const statements = fields.map((field, index) => {
    const value = `values.${field.key}`;
    // Byte strings, and numbers that do not fit, go through the field's own writer (which refuses the latter).
    if (field.kind === "bytes") return `if (${value} !== undefined) fields[${index}].write(image, ${value});`;
    // Past 2^53 - 1 the field's writer refuses a number, which may already be another integer: bigints go there too.
    const limit = Math.min(2 ** (8 * field.bytes), Number.MAX_SAFE_INTEGER + 1);
    return `{ const value = ${value}; if (value !== undefined) { if (Number.isInteger(value) && value >= 0 && value < ${limit}) { ${writeStatements(field.offset, field.bytes, "value")} } else fields[${index}].write(image, value); } }`;
  });
  const body = `
    return function encode(values) {
      if (typeof values !== "object" || values === null || Array.isArray(values) || ArrayBuffer.isView(values)) notFields(values);
      for (const key in values) if (!known.has(key)) unknownKey(values);
      const image = new Uint8Array(${bytes});
      ${statements.join("\n      ")}
      return image;
    };`;
  // A number, text or null where its fields go: refused by its kind, as a field's value is (it read a field of null, or gave an image of zeros for 5).
  const notFields = (values: unknown): never => {
    throw new RangeError(`${name}: expected an object of its fields, not ${valueKind(values)}`);
  };
  return new Function("fields", "known", "unknownKey", "notFields", body)(fields, known, unknownKey, notFields) as (values: Readonly<Record<string, unknown>>) => Uint8Array;
}
