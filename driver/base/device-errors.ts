import { errorCodeName, fieldCodeName, NO_INDEX, NO_QUEUE, ERROR_DESCRIPTIONS } from "../../hw/spec/errors.js";

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
  const field = fieldCodeName((location >> 16) & 0xff) ?? `field ${(location >> 16) & 0xff}`;
  const name = errorCodeName(code) ?? `code ${code}`;
  const value = valueHigh * 0x1_0000_0000 + valueLow;
  const where = [queue === NO_QUEUE ? null : `${direction.toUpperCase()} queue ${queue}`, index === NO_INDEX ? null : `descriptor ${index}`, `${field} = ${value}`]
    .filter((part) => part !== null)
    .join(", ");
  const description = name in ERROR_DESCRIPTIONS ? ERROR_DESCRIPTIONS[name as keyof typeof ERROR_DESCRIPTIONS] : "unknown error code";
  return { time, code: name, queue: queue === NO_QUEUE ? null : queue, direction, field, index: index === NO_INDEX ? null : index, value, message: `${name}: ${where}: ${description}` };
}
