import { buildNicSystem, type SystemOptions } from "../../system/build.js";
import type { NicSystem } from "../../system/nic-system.js";
import type { Design } from "../../sim/component.js";
import { frameSequence } from "../../sim/packet/test-frames.js";

export function system(parameters: Record<string, unknown> = {}, options: SystemOptions = {}): Design<NicSystem> {
  return buildNicSystem({ ...options, parameters });
}

/** Group frames by the class written in them, keeping arrival order; check byte-exactness against `expected`. */
export function byClass(frames: Uint8Array[]): Map<number, Uint8Array[]> {
  const groups = new Map<number, Uint8Array[]>();
  for (const frame of frames) {
    const { trafficClass } = frameSequence(frame);
    if (!groups.has(trafficClass)) groups.set(trafficClass, []);
    groups.get(trafficClass)!.push(frame);
  }
  return groups;
}

export { firstDifference } from "../../sim/bytes.js";
