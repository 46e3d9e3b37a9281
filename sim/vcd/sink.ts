import { closeSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirectory } from "../output-files.js";

/** Where a streaming writer puts its text. Writes are synchronous: no event loop inside the model. */
export interface TextSink {
  write(text: string): void;
  close(): void;
}

export class FileSink implements TextSink {
  private descriptor: number | null;

  constructor(readonly path: string) {
    makeDirectory(dirname(path));
    this.descriptor = openSync(path, "w");
  }

  write(text: string): void {
    if (this.descriptor === null) throw new Error(`write to closed file ${this.path}`);
    writeSync(this.descriptor, text);
  }

  close(): void {
    if (this.descriptor !== null) closeSync(this.descriptor);
    this.descriptor = null;
  }
}

/** Keeps every write, for tests that read a dump back. */
export class MemorySink implements TextSink {
  readonly writes: string[] = [];
  closed = false;

  write(text: string): void {
    this.writes.push(text);
  }

  close(): void {
    this.closed = true;
  }

  text(): string {
    return this.writes.join("");
  }
}

/** Counts bytes and drops them: for benchmarks of the writer itself. */
export class CountingSink implements TextSink {
  bytes = 0;

  write(text: string): void {
    this.bytes += text.length;
  }

  close(): void {}
}
