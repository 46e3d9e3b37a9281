import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import type { Kernel } from "../kernel.js";
import { gtkwaveSaveFile } from "./gtkw.js";
import type { TraceSelection } from "./selection.js";
import { FileSink } from "./sink.js";
import { VcdTracer } from "./tracer.js";
import { filterFileName, translateFilter } from "./translate-filter.js";

export interface WaveformFiles {
  vcd: string;
  gtkw: string;
  filters: string[];
}

/**
 * Attach a VCD tracer writing `<base>.vcd`; after the run, call the returned finish() to close the
 * dump and write `<base>.gtkw` and the enum filters in `<base>.filters/`.
 */
export function recordWaveform(kernel: Kernel, base: string, selection: TraceSelection & { comment?: string } = {}): { tracer: VcdTracer; finish: () => WaveformFiles } {
  const vcd = `${base}.vcd`;
  const tracer = new VcdTracer({ ...selection, sink: new FileSink(vcd) });
  kernel.traceWith(tracer);
  const finish = (): WaveformFiles => {
    kernel.close();
    return writeSaveFiles(tracer, base);
  };
  return { tracer, finish };
}

export function writeSaveFiles(tracer: VcdTracer, base: string): WaveformFiles {
  const folder = dirname(base);
  const gtkw = `${base}.gtkw`;
  const filterFolder = `${base}.filters`;
  const filterFiles = new Map<string, string>();
  const filters: string[] = [];
  for (const item of tracer.items) {
    if (!item.enumType || filterFiles.has(item.enumType.name)) continue;
    mkdirSync(filterFolder, { recursive: true });
    const file = join(filterFolder, filterFileName(item.enumType));
    writeFileSync(file, translateFilter(item.enumType));
    filterFiles.set(item.enumType.name, relative(folder, file));
    filters.push(file);
  }
  writeFileSync(gtkw, gtkwaveSaveFile({ dumpFile: basename(`${base}.vcd`), saveFile: basename(gtkw), items: tracer.items, filterFiles }));
  return { vcd: `${base}.vcd`, gtkw, filters };
}
