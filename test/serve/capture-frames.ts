import { readFileSync } from "node:fs";
import { readPcap } from "../../sim/packet/pcap.js";

const HOST_MAC = "02:00:00:00:00:01";

/** The frames of a nicsim pcap file (nanosecond pcap, Ethernet), each with its direction by its source MAC address. */
export function captureFrames(path: string): Array<{ direction: "to-peer" | "to-host"; bytes: Uint8Array }> {
  return readPcap(readFileSync(path)).map(({ bytes }) => {
    const source = [...bytes.subarray(6, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join(":");
    return { direction: source === HOST_MAC ? "to-peer" : "to-host", bytes };
  });
}
