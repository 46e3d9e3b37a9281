import { lineTime } from "../../hw/link/wire.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import type { Scenario } from "./schema.js";

/** A stream's (mean) gap between packets, ps, as its sender counts it: given, or its frames' line time over its load. */
export function streamGap(stream: Scenario["traffic"][number], gigabitsPerSecond: number): number {
  return stream.gapMicroseconds === undefined ? lineTime(wireBytes(tunnelFrameBytes(stream.packetBytes)), gigabitsPerSecond) / stream.load! : Math.round(stream.gapMicroseconds * 1e6);
}
