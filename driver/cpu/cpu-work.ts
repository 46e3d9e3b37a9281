import { defineEnum } from "../../sim/enum-type.js";

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
