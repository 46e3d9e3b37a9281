import { TX_COMMAND_FIELDS } from "../spec/descriptors.js";
import { MAX_QUEUES } from "../spec/registers.js";
import type { InOrder } from "../../sim/fifo.js";
import type { HostBuffer } from "../../sim/stats/drop-counter.js";
import { DESCRIPTOR_VALUE_NOT_LOGGED, exactField, type Fault, type TxDescriptor } from "./tx-packet.js";

/** The frame at the head of a queue: its descriptors up to EOP, its bytes, what is wrong with it, and whether it was taken without its EOP (its rest is to come). */
export interface HeadFrame {
  readonly taken: number;
  readonly length: number;
  readonly fault: Fault | null;
  readonly open: boolean;
}

/**
 * The frame at the head of a queue's descriptor cache, if all its descriptors are there. Without
 * EOP it waits for the rest, unless it can never be sent: its descriptors fill `capacity` (what the
 * cache holds, or the ring but one slot: the driver can post no more), or they are already longer
 * than the largest frame. It is faulty then, and a queue does not wait for ever without a word.
 * After such a frame (`rest`), the descriptors up to its EOP are its rest, refused as they come:
 * sent as a frame of their own, they put a piece of the refused one on the wire.
 */
export function headFrame(cache: InOrder<TxDescriptor>, capacity: number, maxFrameBytes: number, rest: boolean): HeadFrame | null {
  let end = -1;
  let length = 0;
  for (let index = 0; index < cache.length && end < 0; index++) {
    const descriptor = cache.at(index)!;
    length += descriptor.length;
    if (TX_COMMAND_FIELDS.EOP.get(descriptor.command)) end = index;
  }
  if (cache.length === 0 || (!rest && end < 0 && cache.length < capacity && length <= maxFrameBytes)) return null;
  const taken = end < 0 ? cache.length : end + 1;
  const last = cache.at(taken - 1)!;
  const fault: Fault | null = rest ? { code: "OVER_LENGTH_BUFFER", field: "LENGTH", fieldName: "LENGTH", index: last.index, value: length, rest: end < 0 ? "continues" : "ends" } : frameFault(cache, taken, length, end < 0, maxFrameBytes);
  return { taken, length, fault, open: end < 0 };
}

function frameFault(cache: InOrder<TxDescriptor>, taken: number, length: number, noEnd: boolean, maxFrameBytes: number): Fault | null {
  const first = cache.at(0)!;
  for (let index = 0; index < taken; index++) {
    const descriptor = cache.at(index)!;
    if (descriptor.length === 0) return { code: "ZERO_LENGTH_BUFFER", field: "LENGTH", fieldName: "LENGTH", index: descriptor.index, value: 0 };
    if (descriptor.trafficClass >= MAX_QUEUES) return { code: "INVALID_CLASS", field: "CLASS", fieldName: `CLASS (${MAX_QUEUES} or more; ${DESCRIPTOR_VALUE_NOT_LOGGED})`, index: descriptor.index, value: 0, withheld: true };
    if (index > 0) {
      const differs = ipsecFieldDiffering(first, descriptor);
      if (differs !== null) return differs;
    }
  }
  const last = cache.at(taken - 1)!;
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
  // The handles and the first's pointer are not shown: they may be key words written over a descriptor (this one's pointer is shown by the error log's rule for addresses).
  const firstValue = (name: string) => (name === "COMMAND.IPSEC" ? String(TX_COMMAND_FIELDS.IPSEC.get(first.command)) : name === "SA_HANDLE" ? `another; ${DESCRIPTOR_VALUE_NOT_LOGGED}` : "another");
  const at = (field: Fault["field"], name: string, value: number | bigint): Fault => ({ code: "IPSEC_FIELDS_DIFFER", field, fieldName: `${name} (descriptor ${first.index}, the frame's first, has ${firstValue(name)})`, index: descriptor.index, value: name === "SA_HANDLE" ? 0 : value, withheld: name === "SA_HANDLE" });
  const ipsec = TX_COMMAND_FIELDS.IPSEC.get(descriptor.command);
  if (ipsec !== TX_COMMAND_FIELDS.IPSEC.get(first.command)) return at("DESCRIPTOR", "COMMAND.IPSEC", ipsec);
  if (descriptor.saHandle !== first.saHandle) return at("SA_HANDLE", "SA_HANDLE", descriptor.saHandle);
  // Compared as written: two pointers beyond 2^53 can round to one number.
  const pointer = exactField(descriptor, "saPointer");
  if (pointer !== exactField(first, "saPointer")) return at("SA_POINTER", "SA_POINTER", pointer);
  return null;
}

/**
 * Each queue's head frame as last worked out, with the cache's first descriptor and length then.
 * The cache only grows at its end and loses descriptors from its front (or is emptied and
 * refilled with new ones), so the same first descriptor means the same frame once its EOP was
 * there, and the same frame (none yet) while the length is the same too.
 */
export class HeadFrames {
  private readonly heads: (HeadFrame | null)[] = new Array(MAX_QUEUES).fill(null);
  private readonly firsts: (TxDescriptor | undefined)[] = new Array(MAX_QUEUES).fill(undefined);
  private readonly lengths: number[] = new Array(MAX_QUEUES).fill(0);

  /** headFrame of the queue's cache, as last worked out while the cache is the same. */
  of(queue: number, cache: InOrder<TxDescriptor>, capacity: number, maxFrameBytes: number, rest: boolean): HeadFrame | null {
    const known = this.heads[queue] ?? null;
    const first = cache.at(0);
    if (first === this.firsts[queue] && (known !== null || cache.length === this.lengths[queue])) return known;
    const head = headFrame(cache, capacity, maxFrameBytes, rest);
    this.heads[queue] = head;
    this.firsts[queue] = first;
    this.lengths[queue] = cache.length;
    return head;
  }
}

/**
 * Each queue's rest of a refused frame, as its pieces leave: reported by its first piece and
 * whole as its EOP comes. A piece per descriptor fetch was an error each: thousands, for one frame
 * of zeroed descriptors filling a ring.
 */
export class RefusedRests {
  /** Whether a queue's next descriptors, up to an EOP, are the rest of a frame refused without one. */
  readonly toCome: boolean[] = new Array(MAX_QUEUES).fill(false);
  private readonly bytes: number[] = new Array(MAX_QUEUES).fill(0);
  private readonly descriptors: number[] = new Array(MAX_QUEUES).fill(0);
  /** The buffers of a frame refused without its EOP, its pieces so far: counted as one drop when its EOP comes. */
  private readonly buffers: HostBuffer[][] = Array.from({ length: MAX_QUEUES }, () => []);

  /**
   * The buffers to count a refused piece's frame by, once it is whole: a frame refused with its EOP
   * at once; one refused without, when its rest reaches its EOP; null for the pieces before. A
   * frame whose rest never comes (a fetch fault, a disable) is left on the ring, which the driver
   * counts: counted by its first piece too, it was counted twice (from a driver developer's check).
   * Asked before `reported`, whose last piece forgets the rest.
   */
  counted(queue: number, fault: Fault, open: boolean, buffers: HostBuffer[]): HostBuffer[] | null {
    if (!fault.rest && !open) return buffers;
    // A new refused frame: what a rest cut short by a disable left (stop) is not its.
    if (!fault.rest) {
      this.buffers[queue] = [];
      this.bytes[queue] = 0;
      this.descriptors[queue] = 0;
    }
    this.buffers[queue]!.push(...buffers);
    return fault.rest === "ends" ? this.buffers[queue]! : null;
  }

  /**
   * The fault to report for a refused frame leaving: itself; for its rest, the first piece (it may
   * never get an EOP, and then nothing else would say why its descriptors come back with an error)
   * and the whole rest with its last; null for the pieces between.
   */
  reported(queue: number, fault: Fault, length: number, descriptors: number): Fault | null {
    if (!fault.rest) return fault;
    const first = this.descriptors[queue] === 0;
    this.bytes[queue] = this.bytes[queue]! + length;
    this.descriptors[queue] = this.descriptors[queue]! + descriptors;
    if (fault.rest === "continues") return first ? { ...fault, fieldName: "LENGTH (the first descriptors of the rest of a frame refused without its EOP: refused up to its EOP, and logged whole then)" } : null;
    const count = this.descriptors[queue] === 1 ? "1 descriptor" : `${this.descriptors[queue]} descriptors`;
    const whole: Fault = { ...fault, fieldName: `LENGTH (the rest, ${count} up to its EOP, of a frame refused without one)`, value: this.bytes[queue]! };
    this.forget(queue);
    return whole;
  }

  /**
   * The queue was disabled, or enabled on a fresh ring: its next descriptors are no rest. Its pieces
   * already in the device still finish as the rest they are (forgotten whole, the last piece of a
   * frame in flight at a disable was counted and logged as the whole rest, 100 bytes of 600).
   */
  stop(queue: number): void {
    this.toCome[queue] = false;
  }

  /** The rest has come to its EOP. */
  private forget(queue: number): void {
    this.toCome[queue] = false;
    this.bytes[queue] = 0;
    this.descriptors[queue] = 0;
    this.buffers[queue] = [];
  }
}
