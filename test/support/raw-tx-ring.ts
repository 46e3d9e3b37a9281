import { buildNic, descriptors as D, registers as R, sequencedFrame } from "../../index.js";
import type { HostAddress } from "../../sim/host/memory.js";

export type RawNic = ReturnType<typeof buildNic>;

/**
 * A TX ring driven by hand, as a driver developer's own driver would: descriptors written into
 * host memory, registers written by the test. `post` writes one frame over `parts` buffers and
 * returns its descriptors' slots; RS goes on the last (default), the first, or every one.
 */
export class RawTxRing {
  readonly ring: HostAddress;
  tail = 0;
  private sequence = 0;

  constructor(private readonly design: RawNic, readonly queue: number, readonly slots: number) {
    this.ring = design.top.memory.allocate(slots * D.DESCRIPTOR_BYTES, `ring ${queue}`, R.RING_ALIGNMENT);
  }

  /** TDBAL, TDBAH, TDLEN, then TXDCTL with ENABLE and `threshold` (WTHRESH). */
  program(threshold = 0): void {
    const nic = this.design.top.nic;
    nic.mmioWrite(R.TDBAL(this.queue), this.ring % 2 ** 32);
    nic.mmioWrite(R.TDBAH(this.queue), Math.floor(this.ring / 2 ** 32));
    nic.mmioWrite(R.TDLEN(this.queue), this.slots * D.DESCRIPTOR_BYTES);
    nic.mmioWrite(R.TXDCTL(this.queue), R.QUEUE_ENABLE | (threshold << 16));
  }

  post(bytes: number, options: { parts?: number; rs?: "last" | "first" | "all" } = {}): { slots: number[]; buffers: HostAddress[] } {
    const { parts = 1, rs = "last" } = options;
    const memory = this.design.top.memory;
    const frame = sequencedFrame("to-peer", this.queue, this.sequence++, bytes);
    const each = Math.ceil(frame.length / parts);
    const slots: number[] = [];
    const buffers: HostAddress[] = [];
    for (let part = 0; part < parts; part++) {
      const chunk = frame.subarray(part * each, Math.min(frame.length, (part + 1) * each));
      const buffer = memory.allocate(chunk.length, `buffer ${this.sequence}.${part}`);
      memory.write(buffer, chunk);
      const last = part === parts - 1;
      const reports = rs === "all" || (rs === "last" && last) || (rs === "first" && part === 0);
      const command = (last ? D.TX_COMMAND_EOP : 0) | (reports ? D.TX_COMMAND_RS : 0);
      memory.write(this.ring + this.tail * D.DESCRIPTOR_BYTES, D.TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: chunk.length, command, trafficClass: this.queue }));
      slots.push(this.tail);
      buffers.push(buffer);
      this.tail = (this.tail + 1) % this.slots;
    }
    return { slots, buffers };
  }

  doorbell(): void {
    this.design.top.nic.mmioWrite(R.TDT(this.queue), this.tail);
  }

  /** The DD bit of each slot, as host memory holds it. */
  done(): number[] {
    const memory = this.design.top.memory;
    return Array.from({ length: this.slots }, (_, slot) => memory.read(this.ring + slot * D.DESCRIPTOR_BYTES + D.TX.STATUS, 1)[0]! & 1);
  }
}
