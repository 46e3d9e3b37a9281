import { closeSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirectory, writeFailure } from "../output-files.js";

/**
 * Where a streaming writer puts its bytes. Writes are synchronous (no event loop inside the model)
 * and the bytes are the writer's reused buffer: a sink consumes or copies them before returning.
 */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** An output file written as the run goes; a failed write names the file. */
export class FileSink implements ByteSink {
  private descriptor: number | null;

  constructor(readonly path: string) {
    makeDirectory(dirname(path));
    this.descriptor = openSync(path, "w");
  }

  write(bytes: Uint8Array): void {
    if (this.descriptor === null) throw new Error(`write to closed file ${this.path}`);
    // writeSync may write less than asked; the rest follows.
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.descriptor, bytes, offset, bytes.length - offset);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }

  close(): void {
    const descriptor = this.descriptor;
    this.descriptor = null;
    if (descriptor === null) return;
    try {
      closeSync(descriptor);
    } catch (error) {
      throw writeFailure(this.path, error);
    }
  }
}

/** Keeps a copy of every write, for tests that read a dump back. */
export class MemorySink implements ByteSink {
  readonly writes: Uint8Array[] = [];
  closed = false;

  write(bytes: Uint8Array): void {
    this.writes.push(bytes.slice());
  }

  close(): void {
    this.closed = true;
  }

  bytes(): Buffer {
    return Buffer.concat(this.writes);
  }

  /** The dump as text (UTF-8). */
  text(): string {
    return this.bytes().toString("utf8");
  }
}

/** Counts bytes and drops them: for benchmarks of the writer itself. */
export class CountingSink implements ByteSink {
  bytes = 0;

  write(bytes: Uint8Array): void {
    this.bytes += bytes.length;
  }

  close(): void {}
}
