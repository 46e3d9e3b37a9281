import { TX_COMMAND_FIELDS } from "../spec/descriptors.js";
import { MAX_QUEUES } from "../spec/registers.js";
import { exactField, type Fault, type TxDescriptor } from "./tx-packet.js";

/** The frame at the head of a queue: its descriptors up to EOP, its bytes, and what is wrong with it. */
export interface HeadFrame {
  readonly taken: number;
  readonly length: number;
  readonly fault: Fault | null;
}

/**
 * The frame at the head of a queue's descriptor cache, if all its descriptors are there. Without
 * EOP it waits for the rest, unless it can never be sent: its descriptors fill `capacity` (what the
 * cache holds, or the ring but one slot: the driver can post no more), or they are already longer
 * than the largest frame. It is faulty then, and a queue does not wait for ever without a word.
 */
export function headFrame(cache: readonly TxDescriptor[], capacity: number, maxFrameBytes: number): HeadFrame | null {
  let end = -1;
  let length = 0;
  for (let index = 0; index < cache.length && end < 0; index++) {
    length += cache[index]!.length;
    if (TX_COMMAND_FIELDS.EOP.get(cache[index]!.command)) end = index;
  }
  if (end < 0 && cache.length < capacity && length <= maxFrameBytes) return null;
  const taken = end < 0 ? cache.length : end + 1;
  return { taken, length, fault: frameFault(cache, taken, length, end < 0, maxFrameBytes) };
}

function frameFault(cache: readonly TxDescriptor[], taken: number, length: number, noEnd: boolean, maxFrameBytes: number): Fault | null {
  const first = cache[0]!;
  for (let index = 0; index < taken; index++) {
    const descriptor = cache[index]!;
    if (descriptor.length === 0) return { code: "ZERO_LENGTH_BUFFER", field: "LENGTH", fieldName: "LENGTH", index: descriptor.index, value: 0 };
    if (descriptor.trafficClass >= MAX_QUEUES) return { code: "INVALID_CLASS", field: "CLASS", fieldName: "CLASS", index: descriptor.index, value: descriptor.trafficClass };
    if (index > 0) {
      const differs = ipsecFieldDiffering(first, descriptor);
      if (differs !== null) return differs;
    }
  }
  const last = cache[taken - 1]!;
  if (noEnd) {
    const why = length > maxFrameBytes ? `already past the largest frame, ${maxFrameBytes} bytes` : "as many as the device's cache or the ring can hold, so EOP can never come";
    return { code: "OVER_LENGTH_BUFFER", field: "LENGTH", fieldName: `LENGTH (sum over ${taken} descriptors without EOP, ${why})`, index: last.index, value: length };
  }
  if (length > maxFrameBytes) return { code: "OVER_LENGTH_BUFFER", field: "LENGTH", fieldName: "LENGTH (sum over the frame)", index: last.index, value: length };
  return null;
}

/**
 * The IPsec field in which a later descriptor of a frame differs from its first: the engine takes
 * the frame's SA from its first, so a frame flagged on a later one only would leave in the clear.
 */
function ipsecFieldDiffering(first: TxDescriptor, descriptor: TxDescriptor): Fault | null {
  const at = (field: Fault["field"], name: string, value: number | bigint): Fault => ({ code: "IPSEC_FIELDS_DIFFER", field, fieldName: `${name} (descriptor ${first.index}, the frame's first, has ${name === "COMMAND.IPSEC" ? TX_COMMAND_FIELDS.IPSEC.get(first.command) : `0x${(name === "SA_HANDLE" ? first.saHandle : exactField(first, "saPointer")).toString(16)}`})`, index: descriptor.index, value });
  const ipsec = TX_COMMAND_FIELDS.IPSEC.get(descriptor.command);
  if (ipsec !== TX_COMMAND_FIELDS.IPSEC.get(first.command)) return at("DESCRIPTOR", "COMMAND.IPSEC", ipsec);
  if (descriptor.saHandle !== first.saHandle) return at("SA_HANDLE", "SA_HANDLE", descriptor.saHandle);
  // Compared as written: two pointers beyond 2^53 can round to one number.
  const pointer = exactField(descriptor, "saPointer");
  if (pointer !== exactField(first, "saPointer")) return at("SA_POINTER", "SA_POINTER", pointer);
  return null;
}
