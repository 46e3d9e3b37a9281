import { describeError, errorCodeName, fieldCodeName, NO_INDEX, NO_QUEUE } from "../../hw/spec/errors.js";

/** An entry of the device's error log, as the driver read it from the ERRLOG registers. */
export interface DeviceErrorEntry {
  readonly time: number;
  readonly code: string;
  readonly queue: number | null;
  readonly direction: "tx" | "rx";
  readonly field: string;
  readonly index: number | null;
  readonly value: number;
  readonly message: string;
}

export function decodeErrorEntry(time: number, code: number, location: number, index: number, valueLow: number, valueHigh: number): DeviceErrorEntry {
  const queue = location & 0xff;
  const direction = (location >> 8) & 1 ? "rx" : "tx";
  const fieldCode = (location >> 16) & 0xff;
  const field = fieldCodeName(fieldCode);
  const name = errorCodeName(code);
  const value = valueHigh * 0x1_0000_0000 + valueLow;
  const entry = { time, queue: queue === NO_QUEUE ? null : queue, direction, index: index === NO_INDEX ? null : index, value } as const;
  if (!name || !field) {
    return { ...entry, code: name ?? `code ${code}`, field: field ?? `field ${fieldCode}`, message: `unknown error code ${code} or field ${fieldCode} in ERRLOG (value ${value})` };
  }
  const message = describeError({ code: name, field, label: field, value, direction, queue: entry.queue ?? undefined, index: entry.index ?? undefined });
  return { ...entry, code: name, field, message };
}
