import type { TableEntries, TraceRecorder } from "../../driver/caching/trace.js";
import type { OutputFiles } from "../../sim/output-files.js";
import { FileSink } from "../../sim/vcd/sink.js";

/** A run's SA trace written as the run goes, so a long run does not hold a record per packet. */
export class SaTraceFile {
  private file: FileSink | null;

  constructor(private readonly trace: TraceRecorder, readonly path: string, private readonly files: OutputFiles, tableEntries: TableEntries) {
    const file = new FileSink(files.open(path));
    this.file = file;
    trace.stream((text) => file.write(Buffer.from(text)), tableEntries);
  }

  /** The run ended: write the rest, and the file is complete. */
  finish(): void {
    this.close();
    this.files.written(this.path);
  }

  /** Write what is gathered and close (the run failed: the file stays partial). */
  close(): void {
    const file = this.file;
    if (file === null) return;
    this.file = null;
    try {
      this.trace.flush();
    } finally {
      file.close();
    }
  }
}
