import type { HostAddress, HostMemory } from "../../sim/host/memory.js";
import { DESCRIPTOR_BYTES, RX_DESCRIPTOR, RX_STATUS_FIELDS, RX_WRITE_BACK, TX_COMMAND_FIELDS, TX_DESCRIPTOR, TX_STATUS_FIELDS, TX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import { RING_ALIGNMENT } from "../../hw/spec/registers.js";

/** A descriptor ring and one buffer per slot, allocated in host memory. */
abstract class Ring {
  readonly base: HostAddress;
  readonly buffers: HostAddress[] = [];
  /** Next slot the driver fills (the tail it will write) and next slot it cleans. */
  nextToUse = 0;
  nextToClean = 0;

  constructor(
    readonly memory: HostMemory,
    readonly label: string,
    readonly descriptors: number,
    readonly bufferBytes: number,
  ) {
    this.base = memory.allocate(descriptors * DESCRIPTOR_BYTES, `${label} ring`, RING_ALIGNMENT);
    for (let slot = 0; slot < descriptors; slot++) this.buffers.push(memory.allocate(bufferBytes, `${label} buffer ${slot}`, 64));
  }

  get lengthBytes(): number {
    return this.descriptors * DESCRIPTOR_BYTES;
  }

  descriptorAddress(slot: number): number {
    return this.base + slot * DESCRIPTOR_BYTES;
  }

  next(slot: number): number {
    return slot + 1 === this.descriptors ? 0 : slot + 1;
  }

  /** Back to the state the device expects after an enable (head = tail = 0): every descriptor cleared, nothing in use. */
  protected clear(): void {
    this.memory.write(this.base, new Uint8Array(this.lengthBytes));
    this.nextToUse = 0;
    this.nextToClean = 0;
  }
}

export interface PostedFrame {
  readonly first: number;
  readonly count: number;
  readonly length: number;
  /** The SA record pointer its descriptors carry, for an IPsec frame. */
  readonly saPointer: number | null;
}

/** A descriptor's command by [last of its frame][IPsec]: EOP and RS on a frame's last, IPSEC on each of an IPsec frame's (packed once, not per descriptor). */
const TX_COMMANDS = [0, 1].map((last) => [0, 1].map((ipsec) => TX_COMMAND_FIELDS.pack({ EOP: last, RS: last, IPSEC: ipsec })));

/** What the driver writes over a reaped descriptor's write-back area (host memory copies it). */
const CLEARED_TX_WRITE_BACK = new Uint8Array(TX_WRITE_BACK.bytes);

/** The driver's side of a TX ring: copies frames into slot buffers and writes descriptors. */
export class TxRing extends Ring {
  /** Frames posted and not yet reaped, oldest first. */
  readonly posted: PostedFrame[] = [];
  inUse = 0;
  /** Frames posted, and frames the device wrote back and the driver reaped, since the ring was made. */
  postedCount = 0;
  reapedCount = 0;
  /** TXDCTL.WTHRESH the driver asks for: done descriptors the device gathers before writing them back (0: each RS one at once). */
  writeBackThreshold = 0;

  /** Free slots; one always stays empty so that tail == head means an empty ring. */
  get free(): number {
    return this.descriptors - 1 - this.inUse;
  }

  slotsFor(length: number): number {
    return Math.max(1, Math.ceil(length / this.bufferBytes));
  }

  /** Copy the frame into slot buffers and write its descriptors: RS and EOP on the last. */
  post(frame: Uint8Array, trafficClass: number, ipsec: { saPointer: number; saHandle: number } | null = null): PostedFrame {
    const count = this.slotsFor(frame.length);
    const first = this.nextToUse;
    let slot = first;
    for (let part = 0; part < count; part++) {
      const chunk = frame.subarray(part * this.bufferBytes, Math.min((part + 1) * this.bufferBytes, frame.length));
      this.memory.write(this.buffers[slot]!, chunk);
      const last = part === count - 1 ? 1 : 0;
      const descriptor = TX_DESCRIPTOR.encode({
        bufferAddress: this.buffers[slot]!,
        length: chunk.length,
        command: TX_COMMANDS[last]![ipsec ? 1 : 0]!,
        trafficClass,
        // The SA pointer travels with the packet (seed 002): the NIC looks the SA up by handle or, fetching, by pointer.
        saPointer: ipsec?.saPointer,
        saHandle: ipsec?.saHandle,
      });
      this.memory.write(this.descriptorAddress(slot), descriptor);
      slot = this.next(slot);
    }
    this.nextToUse = slot;
    this.inUse += count;
    const posted = { first, count, length: frame.length, saPointer: ipsec?.saPointer ?? null };
    this.posted.push(posted);
    this.postedCount++;
    return posted;
  }

  /** The frame's bytes, as copied into its slot buffers. */
  bytesOf(frame: PostedFrame): Uint8Array {
    const bytes = new Uint8Array(frame.length);
    let slot = frame.first;
    for (let offset = 0; offset < frame.length; offset += this.bufferBytes) {
      bytes.set(this.memory.read(this.buffers[slot]!, Math.min(this.bufferBytes, frame.length - offset)), offset);
      slot = this.next(slot);
    }
    return bytes;
  }

  /** Whether descriptor `index` is one of the frame's. */
  holds(frame: PostedFrame, index: number): boolean {
    return (index - frame.first + this.descriptors) % this.descriptors < frame.count;
  }

  /** Forget every frame still posted (the caller accounts for them) and clear the ring for a fresh enable. */
  reset(): PostedFrame[] {
    const lost = this.posted.splice(0);
    this.inUse = 0;
    this.clear();
    return lost;
  }

  /** Reclaim the oldest frame if the device wrote back its last descriptor; returns its error code, or null if not done. */
  reap(): { frame: PostedFrame; error: number } | null {
    const frame = this.posted[0];
    if (!frame) return null;
    const last = (frame.first + frame.count - 1) % this.descriptors;
    const writeBackAddress = this.descriptorAddress(last) + TX_WRITE_BACK.at;
    const image = this.memory.read(writeBackAddress, TX_WRITE_BACK.bytes);
    // Polled until the device is done (every poll ends on one not done): the status byte first, as RX takes it, the rest only once DD is set.
    if (!TX_STATUS_FIELDS.DD.get(TX_WRITE_BACK.fields.status.read(image))) return null;
    const writeBack = TX_WRITE_BACK.decode(image);
    this.memory.write(writeBackAddress, CLEARED_TX_WRITE_BACK);
    this.posted.shift();
    this.reapedCount++;
    this.inUse -= frame.count;
    this.nextToClean = (frame.first + frame.count) % this.descriptors;
    return { frame, error: writeBack.error };
  }
}

/** An RX descriptor as the device wrote it back, and the bytes of its buffer. */
export type ReceivedDescriptor = Readonly<ReturnType<typeof RX_WRITE_BACK.decode>> & { readonly bytes: Uint8Array };

/** The driver's side of an RX ring: posts buffers and takes back written-back descriptors. */
export class RxRing extends Ring {
  /** Descriptors taken back since the ring was made: whether a queue made progress. */
  takenCount = 0;

  /** Clear the ring and give every slot but one to the device again; returns the tail to write. */
  reset(): number {
    this.clear();
    return this.fill();
  }

  /** Give every slot but one to the device; returns the tail to write. */
  fill(): number {
    for (let slot = 0; slot < this.descriptors - 1; slot++) this.give(slot);
    this.nextToUse = this.descriptors - 1;
    return this.nextToUse;
  }

  /** The next descriptor, if the device has written it back; its buffer is then given back. */
  take(): ReceivedDescriptor | null {
    const slot = this.nextToClean;
    const image = this.memory.read(this.descriptorAddress(slot) + RX_WRITE_BACK.at, RX_WRITE_BACK.bytes);
    // Polled until the device is done: the status byte first, the rest only once DD says it is there.
    if (!RX_STATUS_FIELDS.DD.get(RX_WRITE_BACK.fields.status.read(image))) return null;
    // The buffer's bytes go on the decoded object itself: a copy costs as much again as the decode.
    const received = RX_WRITE_BACK.decode(image) as ReturnType<typeof RX_WRITE_BACK.decode> & { bytes: Uint8Array };
    received.bytes = this.memory.read(this.buffers[slot]!, received.length);
    // The slot at the tail is the one not given to the device; give it, and the slot just taken becomes that one.
    this.give(this.nextToUse);
    this.nextToClean = this.next(slot);
    this.nextToUse = this.next(this.nextToUse);
    this.takenCount++;
    return received;
  }

  /** Write the slot's descriptor in read format: its buffer address and a cleared write-back area. */
  private give(slot: number): void {
    this.memory.write(this.descriptorAddress(slot), RX_DESCRIPTOR.encode({ bufferAddress: this.buffers[slot]! }));
  }
}

export function isEndOfPacket(descriptor: ReceivedDescriptor): boolean {
  return RX_STATUS_FIELDS.EOP.get(descriptor.status) === 1;
}
