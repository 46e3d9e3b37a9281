import { basename, dirname, join, relative } from "node:path";
import { SimulationError } from "../errors.js";
import { valueKind } from "../shown-value.js";
import { unknownKeys } from "../suggest.js";
import type { Kernel } from "../kernel.js";
import { DIRECT, type OutputFiles, type OutputNames, writeWholeFile } from "../output-files.js";
import { gtkwaveSaveFile } from "./gtkw.js";
import { type TraceSelection, windowProblems } from "./selection.js";
import { designPaths, selectionProblems, selectionShapeProblems } from "./selection-problems.js";
import { layOut, storySettledBy, storySignals, type WaveformStory } from "./story.js";
import { FileSink } from "./sink.js";
import { VcdTracer } from "./tracer.js";
import { filterFileName, translateFilter } from "./translate-filter.js";

const SELECTION_KEYS = ["scopes", "exclude", "from", "to", "comment"] as const;

export interface WaveformFiles {
  vcd: string;
  gtkw: string;
  filters: string[];
}

/**
 * Attach a VCD tracer writing `<base>.vcd`; after the run, call the returned finish() to close the
 * dump and write `<base>.gtkw` and the enum filters in `<base>.filters/`. `names` says where each
 * file is written until the run is over (straight to its name by default). With a story, the save
 * file opens on it (see story.ts). A pattern that matches nothing in the design, or a selection
 * that leaves no signal, is refused before any file is opened.
 */
export function recordWaveform(
  kernel: Kernel,
  base: string,
  selection: TraceSelection & { comment?: string } = {},
  names: OutputNames = DIRECT,
  story?: WaveformStory,
): { tracer: VcdTracer; closeDump: () => void; finish: (dumpCutOff?: boolean) => WaveformFiles } {
  // Given no kernel, it failed as "Cannot read properties of undefined (reading 'signals')" (from a driver developer's check).
  if (typeof (kernel as { traceWith?: unknown } | null)?.traceWith !== "function") throw new TypeError(`recordWaveform: expected the design's kernel, not ${valueKind(kernel)}`);
  const refusal = requestRefusal(kernel, selection);
  if (refusal !== null) throw new SimulationError(`recordWaveform('${base}'): ${refusal}`);
  const vcd = `${base}.vcd`;
  const tracer = new VcdTracer({ ...selection, sink: new FileSink(names.open(vcd)), watch: story ? storySignals(story) : [], settledBy: story ? storySettledBy(story) : undefined });
  kernel.traceWith(tracer);
  let closed = false;
  /** The run is over: end the dump, which is complete (before the save files, so that a failure writing another file leaves it whole). */
  const closeDump = (): void => {
    if (closed) return;
    closed = true;
    // A failed run closed the dump where it failed: cut off, not complete.
    if (kernel.failed) return;
    tracer.runFinished();
    kernel.close();
    names.written(vcd);
  };
  /** The save files, for the dump closed now, or (`dumpCutOff`) left cut off where an interrupted run stopped: not called complete. */
  const finish = (dumpCutOff = false): WaveformFiles => {
    if (!dumpCutOff) closeDump();
    return writeSaveFiles(tracer, base, names, story);
  };
  return { tracer, closeDump, finish };
}

/**
 * Why a waveform of `selection` cannot be recorded on `kernel`, checked before its file is opened
 * (null: it can). A selection that would dump none of the signals meant, every mistake at once; one
 * asked for before the design is built (a kernel holding no signal or event yet, traced clocks
 * aside) the tracer checks as the run begins. A mistyped key (`scope`) was ignored and every
 * signal dumped; a failed or running kernel, refused after the file was opened, left it empty.
 */
function requestRefusal(kernel: Kernel, selection: unknown): string | null {
  if (typeof selection !== "object" || selection === null || Array.isArray(selection)) return `the selection must be an object ({ scopes, exclude, from, to }), not ${valueKind(selection)}`;
  const unknown = unknownKeys(selection, SELECTION_KEYS, "selection key", "keys");
  if (unknown !== null) return unknown;
  const built = kernel.signals.length > 0 || kernel.events.length > 0;
  const problems = built ? selectionProblems(designPaths(kernel), selection) : selectionShapeProblems(selection);
  // The window too, before the file is opened (it was refused as the tracer began, an empty dump left behind; from a reviewer's check).
  const window = windowProblems(selection).map((problem) => `trace window: ${problem}`);
  if (problems.length + window.length > 0) return [...problems.map((problem) => problem.message), ...window].join("; ");
  return kernel.tracerRefusal;
}

/**
 * Begin a run's files under `base`: check and hold `names` and, when the run records a waveform of
 * `traced`, its translate filters' places, then `open` the streamed files.
 */
export function beginRunFiles<T>(files: OutputFiles, base: string, names: readonly string[], traced: Kernel | null, open: () => T): T {
  const filters = traced === null ? null : filterPlaces(traced, base);
  return files.begin(base, [...names, ...(filters?.files ?? [])], filters === null ? [] : [filters.folder], open);
}

/**
 * Where a waveform of `base` puts its translate filters: the folder, and a file for each
 * enumeration of the design's signals (those the dump selects are written). Checked before a run,
 * so that a directory in a filter's place is found then, not once the run's work is done.
 */
export function filterPlaces(kernel: Kernel, base: string): { folder: string; files: string[] } {
  const folder = `${base}.filters`;
  const names = new Set(kernel.signals.flatMap((signal) => (signal.enumType ? [filterFileName(signal.enumType)] : [])));
  return { folder, files: [...names].map((name) => join(folder, name)) };
}

export function writeSaveFiles(tracer: VcdTracer, base: string, names: OutputNames = DIRECT, story?: WaveformStory): WaveformFiles {
  const folder = dirname(base);
  const gtkw = `${base}.gtkw`;
  const filterFolder = `${base}.filters`;
  const filterFiles = new Map<string, string>();
  const filters: string[] = [];
  for (const item of tracer.items) {
    if (!item.enumType || filterFiles.has(item.enumType.name)) continue;
    const file = join(filterFolder, filterFileName(item.enumType));
    writeWholeFile(names.open(file), translateFilter(item.enumType));
    names.written(file);
    filterFiles.set(item.enumType.name, relative(folder, file));
    filters.push(file);
  }
  writeWholeFile(names.open(gtkw), gtkwaveSaveFile({ dumpFile: basename(`${base}.vcd`), saveFile: basename(gtkw), filterFiles, layout: layOut(tracer.items, tracer.activity, story) }));
  names.written(gtkw);
  return { vcd: `${base}.vcd`, gtkw, filters };
}
