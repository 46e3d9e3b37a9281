import type { TracedItem } from "./tracer.js";

/** How GTKWave names a dumped variable: vectors get `[msb:0]`, integers and scalars do not. */
export function gtkwaveName(item: TracedItem): string {
  return item.width > 1 && item.kind !== "integer" ? `${item.path}[${item.width - 1}:0]` : item.path;
}

/** GTKWave trace flags (gtkwave's TR_* bits). */
export const TraceFlag = {
  hex: 1 << 1,
  binary: 1 << 3,
  rightJustify: 1 << 5,
  blank: 1 << 9,
  fileTranslated: 1 << 13,
  closed: 1 << 22,
  groupBegin: 1 << 23,
  groupEnd: 1 << 24,
} as const;

export interface SaveFileOptions {
  /** Dump file name relative to the save file's folder. */
  dumpFile: string;
  /** This save file's own name: with it GTKWave finds the dump relative to wherever the pair moves. */
  saveFile: string;
  items: readonly TracedItem[];
  /** Filter file (relative to the save file's folder) for each enum name. */
  filterFiles: ReadonlyMap<string, string>;
  /** Initial visible window in ps. */
  zoom?: { from: number; to: number };
}

/**
 * A .gtkw save file: opens the dump with one group per component (scope), enums through their
 * translate filters, vectors in hex.
 */
export function gtkwaveSaveFile(options: SaveFileOptions): string {
  const lines = [`[dumpfile] "${options.dumpFile}"`, `[savefile] "${options.saveFile}"`, "[timestart] 0", "[size] 1600 900", "[pos] -1 -1"];
  if (options.zoom) lines.push(`[zoom_range] ${options.zoom.from} ${options.zoom.to}`);
  lines.push("[sst_width] 260", "[signals_width] 280", "[sst_expanded] 1", "[sst_vpaned_height] 300");
  const groups = new Map<string, TracedItem[]>();
  for (const item of options.items) {
    const scope = item.path.slice(0, item.path.lastIndexOf("."));
    let group = groups.get(scope);
    if (!group) groups.set(scope, (group = []));
    group.push(item);
  }
  let currentFlags = -1;
  const setFlags = (flags: number): void => {
    if (flags === currentFlags) return;
    lines.push(`@${flags.toString(16)}`);
    currentFlags = flags;
  };
  for (const scope of [...groups.keys()].sort()) {
    setFlags(TraceFlag.groupBegin | TraceFlag.blank);
    lines.push(`-${scope}`);
    for (const item of groups.get(scope)!) {
      const filter = item.enumType ? options.filterFiles.get(item.enumType.name) : undefined;
      if (filter !== undefined) {
        lines.push(`^1 ${filter}`);
        currentFlags = -1;
        setFlags(TraceFlag.fileTranslated | TraceFlag.rightJustify | TraceFlag.hex);
      } else if (item.width === 1) {
        setFlags(TraceFlag.rightJustify | TraceFlag.binary);
      } else {
        setFlags(TraceFlag.rightJustify | TraceFlag.hex);
      }
      lines.push(gtkwaveName(item));
    }
    setFlags(TraceFlag.groupEnd | TraceFlag.blank);
    lines.push(`-${scope}`);
  }
  lines.push("[pattern_trace] 1", "[pattern_trace] 0");
  return lines.join("\n") + "\n";
}
