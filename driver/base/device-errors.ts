import { describeError, errorCodeName, fieldCodeName, NO_INDEX, NO_QUEUE } from "../../hw/spec/errors.js";
import type { DeviceBus } from "../../hw/spec/bus.js";
import * as R from "../../hw/spec/registers.js";
import type { Command } from "../../sim/process.js";

/** An entry of the device's error log, as the driver read it from the ERRLOG registers. */
export interface DeviceErrorEntry {
  readonly time: number;
  readonly code: string;
  readonly queue: number | null;
  readonly direction: "tx" | "rx";
  readonly field: string;
  readonly index: number | null;
  /** Exact: a bigint beyond 2^53 (a 64-bit address a number would round). */
  readonly value: number | bigint;
  readonly message: string;
}

export function decodeErrorEntry(time: number, code: number, location: number, index: number, valueLow: number, valueHigh: number): DeviceErrorEntry {
  const { QUEUE: queue, DIRECTION: receive, FIELD: fieldCode, WITHHELD: withheld } = R.ERRLOG_LOCATION_FIELDS.unpack(location);
  const direction = receive ? "rx" : "tx";
  const field = fieldCodeName(fieldCode);
  const name = errorCodeName(code);
  const value = R.exactFromRegisterHalves(valueLow, valueHigh);
  const entry = { time, queue: queue === NO_QUEUE ? null : queue, direction, index: index === NO_INDEX ? null : index, value } as const;
  if (!name || !field) {
    return { ...entry, code: name ?? `code ${code}`, field: field ?? `field ${fieldCode}`, message: `unknown error code ${code} or field ${fieldCode} in ERRLOG (value ${value})` };
  }
  // A value the device did not log is said as such: the field alone, not "= 0".
  const message = describeError({ code: name, field, label: withheld ? `${field} (not logged)` : field, value, direction, queue: entry.queue ?? undefined, index: entry.index ?? undefined, withheld: withheld === 1 });
  return { ...entry, code: name, field, message };
}

/** The queues a QUEUE_FAULTS value says the device disabled on a fault, among the first `queues`. */
export function faultedQueues(value: number, queues: number): { direction: "tx" | "rx"; queue: number }[] {
  const found: { direction: "tx" | "rx"; queue: number }[] = [];
  for (const direction of ["tx", "rx"] as const) {
    const faults = R.QUEUE_FAULTS_FIELDS[direction === "rx" ? "RX" : "TX"].get(value);
    for (let queue = 0; queue < queues; queue++) if ((faults >>> queue) & 1) found.push({ direction, queue });
  }
  return found;
}

/** Read and pop `count` entries of the ERRLOG registers (the caller read ERRLOG_COUNT), oldest first. */
export function* readErrorEntries(bus: DeviceBus, count: number, now: () => number, read: (entry: DeviceErrorEntry) => void): Generator<Command, void, unknown> {
  for (let entry = 0; entry < count; entry++) {
    const code = (yield bus.mmioRead(R.ERRLOG_CODE)) as number;
    const location = (yield bus.mmioRead(R.ERRLOG_LOCATION)) as number;
    const index = (yield bus.mmioRead(R.ERRLOG_INDEX)) as number;
    const low = (yield bus.mmioRead(R.ERRLOG_VALUE_LO)) as number;
    const high = (yield bus.mmioRead(R.ERRLOG_VALUE_HI)) as number;
    bus.mmioWrite(R.ERRLOG_POP, 1);
    read(decodeErrorEntry(now(), code, location, index, low, high));
  }
}
