import { defineEnum } from "../../sim/enum-type.js";
import { shownValue } from "../../sim/shown-value.js";

/** What a host core is doing, as the waveform names it (each core's `work`, with a translate filter). */
export const CpuWork = defineEnum("cpu_work", [
  "IDLE",
  "INTERRUPT",
  "NAPI_POLL",
  "TRANSMIT",
  "INLINE_TX",
  "INLINE_RX",
  "ESP_ENCRYPT",
  "ESP_DECRYPT",
  "SA_INSTALL",
  "SA_REMOVE",
  "CONTEXT_SWITCH",
  "QUEUE_RESET",
  "IKE",
]);

/** The kinds of driver work a job can be; IDLE and CONTEXT_SWITCH are the core's own states. */
export type CpuWorkName = Exclude<(typeof CpuWork.names)[number], "IDLE" | "CONTEXT_SWITCH">;

const WORK_NAMES: readonly string[] = CpuWork.names.filter((name) => name !== "IDLE" && name !== "CONTEXT_SWITCH");

/** Traffic classes a job may be of: the eight the NIC's queues and the cores' job_class (3 bits) carry. */
const TRAFFIC_CLASSES = 8;

/**
 * What is wrong with a job asked of the host's cores (a driver of one's own calls cpu.run), every
 * mistake at once, or null: an unknown kind passed silently, and a class or time out of range came
 * out as a waveform signal's overflow or an internal error at the next event (from a driver developer's check).
 */
export function cpuJobProblem(call: string, kind: unknown, trafficClass: unknown, picoseconds?: unknown): string | null {
  const problems: string[] = [];
  if (typeof kind !== "string" || !WORK_NAMES.includes(kind)) problems.push(`kind ${shownValue(kind)} is not a kind of work (one of ${WORK_NAMES.join(", ")})`);
  if (!Number.isInteger(trafficClass) || (trafficClass as number) < 0 || (trafficClass as number) >= TRAFFIC_CLASSES) problems.push(`traffic class ${String(trafficClass)} is not one of 0 to ${TRAFFIC_CLASSES - 1}`);
  if (picoseconds !== undefined && (typeof picoseconds !== "number" || !Number.isFinite(picoseconds) || picoseconds < 0)) problems.push(`${String(picoseconds)} ps is not a time of 0 ps or more`);
  return problems.length === 0 ? null : `${call}: ${problems.join("; ")}`;
}
