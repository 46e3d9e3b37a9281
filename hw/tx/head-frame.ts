import { TX_COMMAND_FIELDS } from "../spec/descriptors.js";
import { MAX_QUEUES } from "../spec/registers.js";
import type { Fault, TxDescriptor } from "./tx-packet.js";

/** The frame at the head of a queue: its descriptors up to EOP, its bytes, and what is wrong with it. */
export interface HeadFrame {
  readonly taken: number;
  readonly length: number;
  readonly fault: Fault | null;
}

/**
 * The frame at the head of a queue's descriptor cache, if all its descriptors are there. Without
 * EOP in a full cache (`capacity` descriptors) the frame can never be assembled: it is faulty.
 */
export function headFrame(cache: readonly TxDescriptor[], capacity: number, maxFrameBytes: number): HeadFrame | null {
  let end = -1;
  let length = 0;
  for (let index = 0; index < cache.length && end < 0; index++) {
    length += cache[index]!.length;
    if (TX_COMMAND_FIELDS.EOP.get(cache[index]!.command)) end = index;
  }
  if (end < 0 && cache.length < capacity) return null;
  const taken = end < 0 ? cache.length : end + 1;
  return { taken, length, fault: frameFault(cache, taken, length, end < 0, maxFrameBytes) };
}

function frameFault(cache: readonly TxDescriptor[], taken: number, length: number, noEnd: boolean, maxFrameBytes: number): Fault | null {
  for (let index = 0; index < taken; index++) {
    const descriptor = cache[index]!;
    if (descriptor.length === 0) return { code: "ZERO_LENGTH_BUFFER", field: "LENGTH", fieldName: "LENGTH", index: descriptor.index, value: 0 };
    if (descriptor.trafficClass >= MAX_QUEUES) return { code: "INVALID_CLASS", field: "CLASS", fieldName: "CLASS", index: descriptor.index, value: descriptor.trafficClass };
  }
  const last = cache[taken - 1]!;
  if (noEnd || length > maxFrameBytes) return { code: "OVER_LENGTH_BUFFER", field: "LENGTH", fieldName: "LENGTH (sum over the frame)", index: last.index, value: length };
  return null;
}
