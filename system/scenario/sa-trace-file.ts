import { closeSync, openSync, writeSync } from "node:fs";
import type { TableEntries, TraceRecorder } from "../../driver/caching/trace.js";
import type { OutputFiles } from "../../sim/output-files.js";

/** A run's SA trace written as the run goes, so a long run does not hold a record per packet. */
export class SaTraceFile {
  private descriptor: number | null;

  constructor(private readonly trace: TraceRecorder, readonly path: string, private readonly files: OutputFiles, tableEntries: TableEntries) {
    const descriptor = openSync(files.open(path), "w");
    this.descriptor = descriptor;
    trace.stream((text) => writeSync(descriptor, text), tableEntries);
  }

  /** The run ended: write the rest, and the file is complete. */
  finish(): void {
    this.close();
    this.files.written(this.path);
  }

  /** Write what is gathered and close (the run failed: the file stays partial). */
  close(): void {
    if (this.descriptor === null) return;
    this.trace.flush();
    closeSync(this.descriptor);
    this.descriptor = null;
  }
}
