/** Longest text a message shows whole: a longer one is shown by its length (it is likely a slip, or a value pasted in the wrong place). */
const LONGEST_SHOWN = 64;

/**
 * What a refused value that is not a number is, in words, never its contents: a register or a
 * descriptor field given key words by mistake (bytes, text) would show them.
 */
export function valueKind(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "undefined";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** A value as a message shows it: as JSON, a number JSON cannot hold (a YAML .inf, 1e400) as itself, a long text or JSON by its length. */
export function shownValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "string") return value.length > LONGEST_SHOWN ? `a text of ${value.length} characters` : JSON.stringify(value);
  // JSON holds neither: a bigint was a raw "Do not know how to serialize a BigInt" (an outside check), a cycle another.
  if (typeof value === "bigint") return `${value}n`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return valueKind(value);
  }
  return json !== undefined && json.length > LONGEST_SHOWN ? `a value of ${json.length} characters as JSON` : String(json);
}
