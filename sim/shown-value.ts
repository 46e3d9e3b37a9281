/** Longest text a message shows whole: a longer one is shown by its length (it is likely a slip, or a value pasted in the wrong place). */
const LONGEST_SHOWN = 64;

/** A value as a message shows it: as JSON, a number JSON cannot hold (a YAML .inf, 1e400) as itself, a long text or JSON by its length. */
export function shownValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "string") return value.length > LONGEST_SHOWN ? `a text of ${value.length} characters` : JSON.stringify(value);
  const json = JSON.stringify(value);
  return json !== undefined && json.length > LONGEST_SHOWN ? `a value of ${json.length} characters as JSON` : String(json);
}
