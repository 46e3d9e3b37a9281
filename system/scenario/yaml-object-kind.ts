/**
 * What one of YAML's tags made of a value that is neither a mapping nor a list (!!binary,
 * !!timestamp, !!set, !!omap), or undefined. A value marked (markTagObjects) says its kind too.
 */
export function yamlObjectKind(value: unknown): string | undefined {
  if (typeof value === "symbol") return value.description;
  return value instanceof Uint8Array ? "binary data (!!binary)" : value instanceof Date ? "a date (!!timestamp)" : value instanceof Set ? "a set (!!set)" : value instanceof Map ? "an ordered mapping (!!omap)" : undefined;
}

/**
 * The value with each object a YAML tag made replaced by a symbol naming its kind: the schema
 * library took a set, a date or an ordered mapping for an empty mapping (its contents dropped
 * without a word) and binary data for a mapping of its bytes; a symbol is refused as what it is.
 */
export function markTagObjects(value: unknown): unknown {
  const kind = yamlObjectKind(value);
  if (kind !== undefined) return Symbol(kind);
  if (Array.isArray(value)) return value.map(markTagObjects);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, markTagObjects(item)]));
  return value;
}

/** Where a marked value holds a YAML tag's object, and what it is. */
export function tagObjectsIn(value: unknown, path: readonly (string | number)[] = []): { path: (string | number)[]; kind: string }[] {
  if (typeof value === "symbol") return [{ path: [...path], kind: value.description ?? "a tagged value" }];
  if (Array.isArray(value)) return value.flatMap((item, index) => tagObjectsIn(item, [...path, index]));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([key, item]) => tagObjectsIn(item, [...path, key]));
  return [];
}
