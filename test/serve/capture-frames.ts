import { readFileSync } from "node:fs";

const HOST_MAC = "02:00:00:00:00:01";

/** The frames of a nicsim pcap file (nanosecond pcap, Ethernet), each with its direction by its source MAC address. */
export function captureFrames(path: string): Array<{ direction: "to-peer" | "to-host"; bytes: Uint8Array }> {
  const file = readFileSync(path);
  if (file.readUInt32LE(0) !== 0xa1b23c4d) throw new Error(`${path}: not a nanosecond pcap file`);
  const frames: Array<{ direction: "to-peer" | "to-host"; bytes: Uint8Array }> = [];
  for (let offset = 24; offset < file.length; ) {
    const length = file.readUInt32LE(offset + 8);
    const bytes = file.subarray(offset + 16, offset + 16 + length);
    const source = [...bytes.subarray(6, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join(":");
    frames.push({ direction: source === HOST_MAC ? "to-peer" : "to-host", bytes });
    offset += 16 + length;
  }
  return frames;
}
