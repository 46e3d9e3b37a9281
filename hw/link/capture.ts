import { DIRECT, type OutputNames } from "../../sim/output-files.js";
import { PcapWriter } from "../../sim/packet/pcap.js";
import type { Wire } from "./wire.js";

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
