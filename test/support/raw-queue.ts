import type { DeviceBus } from "../../hw/spec/bus.js";
import { DESCRIPTOR_BYTES, RX_DESCRIPTOR, RX_WRITE_BACK, TX_DESCRIPTOR, TX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import type { HostAddress } from "../../sim/host/memory.js";

type TxDescriptorValues = ReturnType<typeof TX_DESCRIPTOR.decode>;
/** A TX descriptor as a test writes it: buffer, length and command, and any other field it wants. */
export type TxFields = Pick<TxDescriptorValues, "bufferAddress" | "length" | "command"> & Partial<TxDescriptorValues>;

/**
 * A queue programmed by hand, the way a buggy driver might: the test decides every register
 * value and descriptor field, to provoke the device's checks.
 */
export class RawQueue {
  readonly base: HostAddress;

  constructor(
    readonly bus: DeviceBus,
    readonly direction: "tx" | "rx",
    readonly queue: number,
    readonly descriptors = 64,
    options: { baseOffset?: number; bufferSize?: number } = {},
  ) {
    this.base = bus.memory.allocate(descriptors * DESCRIPTOR_BYTES + 256, `raw ${direction} ring ${queue}`, R.RING_ALIGNMENT);
    const base = this.base + (options.baseOffset ?? 0);
    const transmit = direction === "tx";
    const { low, high } = R.registerHalves(base);
    bus.mmioWrite(transmit ? R.TDBAL(queue) : R.RDBAL(queue), low);
    bus.mmioWrite(transmit ? R.TDBAH(queue) : R.RDBAH(queue), high);
    bus.mmioWrite(transmit ? R.TDLEN(queue) : R.RDLEN(queue), descriptors * DESCRIPTOR_BYTES);
    if (!transmit) bus.mmioWrite(R.SRRCTL(queue), options.bufferSize ?? 2048);
    bus.mmioWrite(transmit ? R.TXDCTL(queue) : R.RXDCTL(queue), R.QUEUE_ENABLE);
  }

  descriptorAddress(index: number): number {
    return this.base + index * DESCRIPTOR_BYTES;
  }

  /** Write a TX descriptor: the fields given (CLASS defaults to the queue's), every other byte 0. */
  writeTx(index: number, fields: TxFields): void {
    this.bus.memory.write(this.descriptorAddress(index), TX_DESCRIPTOR.encode({ trafficClass: this.queue, ...fields }));
  }

  writeRx(index: number, bufferAddress: number): void {
    this.bus.memory.write(this.descriptorAddress(index), RX_DESCRIPTOR.encode({ bufferAddress }));
  }

  /** The status and error bytes the device wrote back into a descriptor. */
  writeBack(index: number): { status: number; error: number } {
    const at = (layout: { readonly at: number; readonly bytes: number }) => this.bus.memory.read(this.descriptorAddress(index) + layout.at, layout.bytes);
    const { status, error } = this.direction === "tx" ? TX_WRITE_BACK.decode(at(TX_WRITE_BACK)) : RX_WRITE_BACK.decode(at(RX_WRITE_BACK));
    return { status, error };
  }

  doorbell(tail: number): void {
    this.bus.mmioWrite(this.direction === "tx" ? R.TDT(this.queue) : R.RDT(this.queue), tail);
  }
}
