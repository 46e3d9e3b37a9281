import type { EnumType } from "../enum-type.js";

/**
 * GTKWave translate-filter file for an enumeration: one line per value, the value as GTKWave
 * prints it in hex (zero-padded to the signal's width), then its name.
 */
export function translateFilter(enumType: EnumType): string {
  const digits = Math.ceil(enumType.width / 4);
  const lines = enumType.names.map((name, code) => `${code.toString(16).toUpperCase().padStart(digits, "0")} ${name}`);
  return `# GTKWave translate filter for enum ${enumType.name} (generated)\n${lines.join("\n")}\n`;
}

export function filterFileName(enumType: EnumType): string {
  return `${enumType.name}.txt`;
}
