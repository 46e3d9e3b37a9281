import type { StoryLayout, TraceGroup } from "./story.js";
import type { TracedItem } from "./tracer.js";

/** How GTKWave names a dumped variable: vectors get `[msb:0]`, integers and scalars do not. */
export function gtkwaveName(item: TracedItem): string {
  return item.width > 1 && item.kind !== "integer" ? `${item.path}[${item.width - 1}:0]` : item.path;
}

/** GTKWave trace flags (gtkwave's TR_* bits). */
export const TraceFlag = {
  hex: 1 << 1,
  decimal: 1 << 2,
  binary: 1 << 3,
  rightJustify: 1 << 5,
  blank: 1 << 9,
  collapsed: 1 << 12,
  fileTranslated: 1 << 13,
  closed: 1 << 22,
  groupBegin: 1 << 23,
  groupEnd: 1 << 24,
} as const;

/** The window's size in the save file, and the width of its wave area in it (GTKWave 3.3 with the panes below), in pixels. */
const WINDOW = { width: 1600, height: 900 };
export const WAVE_AREA_PIXELS = 1000;
/** GTKWave draws 200 pixels per frame; its zoom z shows 2^-z time units per frame. */
const PIXELS_PER_FRAME = 200;

export interface SaveFileOptions {
  /** Dump file name relative to the save file's folder. */
  dumpFile: string;
  /** This save file's own name: with it GTKWave finds the dump relative to wherever the pair moves. */
  saveFile: string;
  /** Filter file (relative to the save file's folder) for each enum name. */
  filterFiles: ReadonlyMap<string, string>;
  /** Window, markers and groups (see story.ts). */
  layout: StoryLayout;
}

/** GTKWave's zoom for a window of `span` time units across the wave area. */
export function zoomFor(span: number): number {
  return -Math.log2((Math.max(1, span) * PIXELS_PER_FRAME) / WAVE_AREA_PIXELS);
}

/** The `*` line: zoom, primary marker (none), then the 26 named markers' times (-1 unset). */
function markerLines(layout: StoryLayout): string[] {
  const times = Array.from({ length: 26 }, (_, index) => layout.markers[index]?.time ?? -1);
  const names = layout.markers.map((marker, index) => `[markername] ${String.fromCharCode(65 + index)}${marker.name}`);
  return [`*${zoomFor(layout.window.to - layout.window.from).toFixed(6)} -1 ${times.join(" ")}`, ...names];
}

/**
 * Where the save file opens: the window's start, except that GTKWave refuses a start whose window,
 * at the zoom as written (six decimals), passes the dump's last time, and opens at the dump's start
 * instead (a story window ending where a windowed dump ends): there, earlier by what that rounding
 * can add (a hundred-thousandth of the window, 4 ps of 400 ns), so that markers near the end stay on screen.
 */
function openingTime(layout: StoryLayout): number {
  const { window, dump } = layout;
  if (window.from <= dump.from || window.to < dump.to) return window.from;
  return Math.max(dump.from, window.from - Math.max(1, Math.ceil((window.to - window.from) / 100_000)));
}

/**
 * A .gtkw save file: opens the dump on the layout's window with its markers, its groups open or
 * closed, enums through their translate filters, counters in decimal.
 */
export function gtkwaveSaveFile(options: SaveFileOptions): string {
  const { layout } = options;
  const lines = [`[dumpfile] "${options.dumpFile}"`, `[savefile] "${options.saveFile}"`, `[timestart] ${openingTime(layout)}`, `[size] ${WINDOW.width} ${WINDOW.height}`, "[pos] -1 -1"];
  lines.push(...markerLines(layout));
  lines.push("[sst_width] 260", "[signals_width] 300", "[sst_expanded] 1", "[sst_vpaned_height] 300");
  let currentFlags = -1;
  const setFlags = (flags: number): void => {
    if (flags === currentFlags) return;
    lines.push(`@${flags.toString(16)}`);
    currentFlags = flags;
  };
  const writeItem = (item: TracedItem): void => {
    const filter = item.enumType ? options.filterFiles.get(item.enumType.name) : undefined;
    if (filter !== undefined) {
      lines.push(`^1 ${filter}`);
      currentFlags = -1;
      setFlags(TraceFlag.fileTranslated | TraceFlag.rightJustify | TraceFlag.hex);
    } else if (item.width === 1 && item.kind !== "integer") {
      setFlags(TraceFlag.rightJustify | TraceFlag.binary);
    } else {
      setFlags(TraceFlag.rightJustify | (layout.hex(item) ? TraceFlag.hex : TraceFlag.decimal));
    }
    lines.push(gtkwaveName(item));
  };
  const writeGroup = (group: TraceGroup): void => {
    const closed = group.open ? 0 : TraceFlag.closed;
    setFlags(TraceFlag.groupBegin | TraceFlag.blank | closed);
    lines.push(`-${group.name}`);
    for (const member of group.members) {
      if ("members" in member) writeGroup(member);
      else writeItem(member);
    }
    setFlags(TraceFlag.groupEnd | TraceFlag.blank | (group.open ? 0 : TraceFlag.closed | TraceFlag.collapsed));
    lines.push(`-${group.name}`);
  };
  layout.groups.forEach(writeGroup);
  lines.push("[pattern_trace] 1", "[pattern_trace] 0");
  return lines.join("\n") + "\n";
}
