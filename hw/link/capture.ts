import { DIRECT, type OutputNames } from "../../sim/output-files.js";
import { PcapWriter } from "../../sim/packet/pcap.js";
import type { Wire } from "./wire.js";
import { valueKind } from "../../sim/shown-value.js";

/** A capture being written: `path` is its own name, `writer` writes wherever `names` chose. */
export interface Capture {
  readonly path: string;
  readonly writer: PcapWriter;
  readonly frames: number;
  /** The capture is complete: flush and close it. */
  close(): void;
}

/**
 * Record every frame on the wire, both directions, into a pcap file with nanosecond timestamps:
 * the time the frame's last bit passes the NIC's port. `names` says where the file is written
 * until the run is over (straight to `path` by default). Close the capture after the run.
 */
export function recordCapture(wire: Wire, path: string, names: OutputNames = DIRECT): Capture {
  // Checked before the file is opened: given the design's top, it failed as "wire.tap is not a function" and left an empty file (from a driver developer's check).
  if (typeof (wire as { tap?: unknown } | null)?.tap !== "function") throw new TypeError(`recordCapture: expected the design's wire (top.wire), not ${valueKind(wire)}`);
  if (typeof path !== "string" || path === "") throw new TypeError(`recordCapture: expected the capture's file (a path), not ${valueKind(path)}`);
  const writer = new PcapWriter(names.open(path));
  wire.tap((time, frame) => writer.record(time, frame.bytes));
  return {
    path,
    writer,
    get frames() {
      return writer.frames;
    },
    close: () => {
      writer.close();
      names.written(path);
    },
  };
}
