/** What one of YAML's tags made of a value that is neither a mapping nor a list (!!binary, !!timestamp, !!set, !!omap), or undefined. */
export function yamlObjectKind(value: unknown): string | undefined {
  return value instanceof Uint8Array ? "binary data (!!binary)" : value instanceof Date ? "a date (!!timestamp)" : value instanceof Set ? "a set (!!set)" : value instanceof Map ? "an ordered mapping (!!omap)" : undefined;
}
