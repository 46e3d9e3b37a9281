import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { TraceFlag } from "./gtkw.js";

/** A signal's value names, from the translate filter GTKWave shows it through: code to name, and the filter's file. */
export interface SignalNames {
  readonly file: string;
  readonly names: ReadonlyMap<bigint, string>;
}

/** The names a translate-filter file (as translateFilter writes it) gives: each line a code in hex, then its name; `#` lines are comments. */
export function parseTranslateFilter(text: string): Map<bigint, string> {
  const names = new Map<bigint, string>();
  for (const line of text.split("\n")) {
    const match = /^\s*([0-9A-Fa-f]+)\s+(\S.*?)\s*$/.exec(line);
    if (match && !line.trimStart().startsWith("#")) names.set(BigInt(`0x${match[1]}`), match[2]!);
  }
  return names;
}

/**
 * From a .gtkw save file: the translate-filter file each signal is shown through. GTKWave's
 * flags (`@…`) and filter (`^1 file`) lines hold for the trace lines after them; a trace with the
 * file-translated flag uses the last filter named.
 */
export function translatedSignals(saveFile: string): Map<string, string> {
  const filters = new Map<string, string>();
  let flags = 0;
  let filter: string | null = null;
  for (const line of saveFile.split("\n")) {
    if (line.startsWith("@")) flags = Number.parseInt(line.slice(1), 16);
    else if (line.startsWith("^")) filter = /^\^\d+\s+(.+)$/.exec(line)?.[1] ?? null;
    else if (/^[A-Za-z_]/.test(line) && filter !== null && (flags & TraceFlag.fileTranslated) !== 0) filters.set(line.replace(/\[\d+:\d+\]$/, ""), filter);
  }
  return filters;
}

/**
 * The value names of the signals of a dump, from the save file nicsim writes beside it
 * (`<base>.gtkw`, naming `<base>.filters/<enum>.txt`): empty when there is none. A filter file
 * that cannot be read leaves its signals as numbers.
 */
export function signalNamesBeside(vcdFile: string): Map<string, SignalNames> {
  const saveFile = vcdFile.replace(/\.vcd$/, ".gtkw");
  if (saveFile === vcdFile || !existsSync(saveFile)) return new Map();
  const byFilter = new Map<string, SignalNames | null>();
  const result = new Map<string, SignalNames>();
  for (const [signal, filter] of translatedSignals(readFileSync(saveFile, "utf8"))) {
    if (!byFilter.has(filter)) {
      const path = isAbsolute(filter) ? filter : join(dirname(saveFile), filter);
      byFilter.set(filter, existsSync(path) ? { file: path, names: parseTranslateFilter(readFileSync(path, "utf8")) } : null);
    }
    const names = byFilter.get(filter);
    if (names) result.set(signal, names);
  }
  return result;
}
