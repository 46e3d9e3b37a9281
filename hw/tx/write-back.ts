import type { DmaCompletion, DmaReply } from "../dma/request.js";
import type { RingRegisters } from "../ring.js";
import { DESCRIPTOR_BYTES, TX_COMMAND_FIELDS, TX_DESCRIPTOR, TX_STATUS_FIELDS, TX_WRITE_BACK } from "../spec/descriptors.js";
import type { TxDescriptor } from "./tx-packet.js";

/** A descriptor write-back in flight: which queue's, and how many frames it completes (for TX_DONE). */
export interface WriteBackTag {
  readonly kind: "write-back";
  readonly queue: number;
  /** The first descriptor it writes back, for its error. */
  readonly index: number;
  readonly packets: number;
}

interface Done {
  readonly descriptor: TxDescriptor;
  readonly error: number;
  /** The frame's last descriptor: writing it back completes a frame. */
  readonly last: boolean;
}

/** nic.tx.writeBackDelay when a scenario gives none, core cycles. */
export const DEFAULT_WRITE_BACK_DELAY = 256;

/**
 * TX descriptor write-back, with TXDCTL.WTHRESH coalescing as Intel's 82599 has it. With WTHRESH
 * 0, each RS descriptor (and a faulty frame's last) gets its STATUS and ERROR written as soon as
 * the device has finished with its frame (read in, before the wire). With WTHRESH n > 0, every done
 * descriptor of the queue waits in the device; once n wait, or the oldest has waited
 * nic.tx.writeBackDelay, or TXDCTL is written with the queue disabled or WTHRESH changed, or the
 * queue is disabled when a frame finishes, they are written
 * back whole in one burst (two at the ring's end): fewer, longer PCIe writes for later DD bits.
 */
export class TxWriteBack {
  /** WTHRESH of each queue, as the driver last wrote TXDCTL. */
  readonly thresholds: number[];
  private readonly waiting: Done[][];
  /** When each queue's oldest waiting descriptor must be written back whatever the count. */
  private readonly dueAt: number[];

  constructor(
    queues: number,
    private readonly ringOf: (queue: number) => RingRegisters,
    /** Post a DMA write whose completion comes back with the tag. */
    private readonly write: (address: number, bytes: Uint8Array, tag: WriteBackTag) => void,
    private readonly delay: () => number,
  ) {
    this.thresholds = new Array(queues).fill(0);
    this.waiting = Array.from({ length: queues }, () => []);
    this.dueAt = new Array(queues).fill(Infinity);
  }

  /** The earliest time a queue's waiting descriptors are due. */
  nextDue = Infinity;

  private setDue(queue: number, time: number): void {
    this.dueAt[queue] = time;
    this.nextDue = Math.min(...this.dueAt);
  }

  /** A frame left the device (sent or dropped): write its descriptors back, now or once enough wait. */
  frameDone(queue: number, descriptors: readonly TxDescriptor[], error: number, now: number): void {
    const ring = this.ringOf(queue);
    const last = descriptors.length - 1;
    if (this.thresholds[queue] === 0) {
      // The frame counts towards EITR_PACKETS with its last write-back, wherever its RS bits are.
      let counted = last;
      while (counted >= 0 && !written(descriptors, counted, error)) counted--;
      for (let position = 0; position <= last; position++) {
        if (!written(descriptors, position, error)) continue;
        const descriptor = descriptors[position]!;
        const writeBack = TX_WRITE_BACK.encode({ status: TX_STATUS_FIELDS.DD.mask, error: position === last ? error : 0 });
        this.issue(ring, ring.addressOf(descriptor.index) + TX_WRITE_BACK.at, writeBack, queue, descriptor.index, position === counted ? 1 : 0);
      }
      return;
    }
    const waiting = this.waiting[queue]!;
    const first = waiting.length === 0;
    // Waiting write-backs keep the queue BUSY: the first holds the ring's count for the burst.
    if (first) ring.inDevice++;
    for (let position = 0; position <= last; position++) waiting.push({ descriptor: descriptors[position]!, error: position === last ? error : 0, last: position === last });
    // A disabled queue's frames still in the device are written back as they finish, so that BUSY clears.
    if (waiting.length >= this.thresholds[queue]! || !ring.enabled) this.flush(queue);
    // Only descriptors left waiting are due later (the engine's nextWakeTime): a burst written at once leaves no wake behind.
    else if (first) this.setDue(queue, now + this.delay());
  }

  /** Write back every queue whose oldest waiting descriptor is due. */
  flushDue(now: number): void {
    for (let queue = 0; queue < this.dueAt.length; queue++) if (this.dueAt[queue]! <= now) this.flush(queue);
  }

  /** Write back what a queue has waiting, in one DMA write per run of consecutive ring slots. */
  flush(queue: number): void {
    const waiting = this.waiting[queue]!;
    if (waiting.length === 0) return;
    const ring = this.ringOf(queue);
    this.setDue(queue, Infinity);
    // The burst's first write took the count when the first descriptor began to wait.
    ring.inDevice--;
    let start = 0;
    for (let index = 1; index <= waiting.length; index++) {
      if (index < waiting.length && waiting[index]!.descriptor.index === waiting[index - 1]!.descriptor.index + 1) continue;
      const run = waiting.slice(start, index);
      const bytes = new Uint8Array(run.length * DESCRIPTOR_BYTES);
      run.forEach((done, position) => {
        const { bufferAddress, length, command, trafficClass, saHandle, saPointer, raw } = done.descriptor;
        if (raw === undefined) {
          bytes.set(TX_DESCRIPTOR.encode({ bufferAddress, length, command, trafficClass, saHandle, saPointer, offload: 0, status: TX_STATUS_FIELDS.DD.mask, error: done.error }), position * DESCRIPTOR_BYTES);
          return;
        }
        // A descriptor whose address a number cannot hold is given back as fetched, with OFFLOAD cleared and its status and error.
        const image = raw.slice();
        image.fill(0, TX_DESCRIPTOR.fields.offload.offset, TX_DESCRIPTOR.fields.offload.offset + TX_DESCRIPTOR.fields.offload.bytes);
        image.set(TX_WRITE_BACK.encode({ status: TX_STATUS_FIELDS.DD.mask, error: done.error }), TX_WRITE_BACK.at);
        bytes.set(image, position * DESCRIPTOR_BYTES);
      });
      this.issue(ring, ring.addressOf(run[0]!.descriptor.index), bytes, queue, run[0]!.descriptor.index, run.filter((done) => done.last).length);
      start = index;
    }
    waiting.length = 0;
  }

  private issue(ring: RingRegisters, address: number, bytes: Uint8Array, queue: number, index: number, packets: number): void {
    this.write(address, bytes, { kind: "write-back", queue, index, packets });
    ring.inDevice++;
  }
}

/**
 * Where the TX engine's descriptor write-backs land. The engine's run on its edge after a landing
 * (where it would take the completion from its channel) only counted the write-back out of BUSY
 * and raised TX_DONE: one that succeeded is handled for that edge here, as it lands, with no run
 * there (one of a 1514-byte frame's TX runs and timesteps). The ring counts it out once that edge
 * is committed for a reader (RingRegisters.leaveOn), and the interrupt block takes its cause as
 * raised on that edge (InterruptController.txDoneOn). One that failed goes to the engine, whose
 * run there faults its ring.
 */
export class TxWriteBackLandings implements DmaReply<WriteBackTag> {
  constructor(
    private readonly ringOf: (queue: number) => RingRegisters,
    /** The engine's first edge after a time: the one that would take a completion pushed then. */
    private readonly engineEdgeAfter: (time: number) => number,
    private readonly time: { readonly now: number },
    private readonly interrupts: { txDoneOn(edge: number, queue: number, packets: number): void },
    private readonly failed: DmaReply<WriteBackTag>,
  ) {}

  push(completion: DmaCompletion<WriteBackTag>): void {
    if (completion.error) return this.failed.push(completion);
    const tag = completion.tag;
    const edge = this.engineEdgeAfter(this.time.now);
    this.ringOf(tag.queue).leaveOn(edge);
    this.interrupts.txDoneOn(edge, tag.queue, tag.packets);
  }
}

/** Whether a descriptor's status is written back with WTHRESH 0: an RS one's, and always a faulty frame's last, so the driver learns of it. */
function written(descriptors: readonly TxDescriptor[], position: number, error: number): boolean {
  return TX_COMMAND_FIELDS.RS.get(descriptors[position]!.command) === 1 || (error !== 0 && position === descriptors.length - 1);
}
