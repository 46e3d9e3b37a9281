import { PcapWriter } from "../../sim/packet/pcap.js";
import type { Wire } from "./wire.js";

/**
 * Record every frame on the wire, both directions, into a pcap file with nanosecond timestamps:
 * the time the frame's last bit passes the NIC's port. Returns the writer; close it after the run.
 */
export function recordCapture(wire: Wire, path: string): PcapWriter {
  const writer = new PcapWriter(path);
  wire.tap((time, frame) => writer.record(time, frame.bytes));
  return writer;
}
