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
const WORK_NAME_SET: ReadonlySet<unknown> = new Set(WORK_NAMES);

/** Traffic classes a job may be of: the eight the NIC's queues and the cores' job_class (3 bits) carry. */
const TRAFFIC_CLASSES = 8;

/**
 * What is wrong with a job asked of the host's cores (a driver of one's own calls cpu.run), every
 * mistake at once, or null: an unknown kind passed silently, and a class or time out of range came
 * out as a waveform signal's overflow or an internal error at the next event (from a driver developer's check).
 */
export function cpuJobProblem(call: string, kind: unknown, trafficClass: unknown, picoseconds?: unknown): string | null {
  // Asked for every job a core runs (several a frame): the checks alone, and words only for a mistake.
  const kindWrong = !WORK_NAME_SET.has(kind);
  const classWrong = !Number.isInteger(trafficClass) || (trafficClass as number) < 0 || (trafficClass as number) >= TRAFFIC_CLASSES;
  const timeWrong = picoseconds !== undefined && (typeof picoseconds !== "number" || !Number.isFinite(picoseconds) || picoseconds < 0);
  if (!kindWrong && !classWrong && !timeWrong) return null;
  const problems = [
    ...(kindWrong ? [`kind ${shownValue(kind)} is not a kind of work (one of ${WORK_NAMES.join(", ")})`] : []),
    ...(classWrong ? [`traffic class ${String(trafficClass)} is not one of 0 to ${TRAFFIC_CLASSES - 1}`] : []),
    ...(timeWrong ? [`${String(picoseconds)} ps is not a time of 0 ps or more`] : []),
  ];
  return `${call}: ${problems.join("; ")}`;
}
