import type { DeviceBus } from "../../hw/spec/bus.js";
import { DESCRIPTOR_BYTES, RX, TX, writeField } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import type { HostAddress } from "../../sim/host/memory.js";

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
    bus.mmioWrite(transmit ? R.TDBAL(queue) : R.RDBAL(queue), base % 0x1_0000_0000);
    bus.mmioWrite(transmit ? R.TDBAH(queue) : R.RDBAH(queue), Math.floor(base / 0x1_0000_0000));
    bus.mmioWrite(transmit ? R.TDLEN(queue) : R.RDLEN(queue), descriptors * DESCRIPTOR_BYTES);
    if (!transmit) bus.mmioWrite(R.SRRCTL(queue), options.bufferSize ?? 2048);
    bus.mmioWrite(transmit ? R.TXDCTL(queue) : R.RXDCTL(queue), R.QUEUE_ENABLE);
  }

  descriptorAddress(index: number): number {
    return this.base + index * DESCRIPTOR_BYTES;
  }

  writeTx(index: number, fields: { address: number; length: number; command: number; trafficClass?: number; saHandle?: number; saPointer?: number }): void {
    const descriptor = new Uint8Array(DESCRIPTOR_BYTES);
    writeField(descriptor, TX.BUFFER_ADDRESS, 8, fields.address);
    writeField(descriptor, TX.LENGTH, 2, fields.length);
    descriptor[TX.COMMAND] = fields.command;
    descriptor[TX.CLASS] = fields.trafficClass ?? this.queue;
    writeField(descriptor, TX.SA_HANDLE, 4, fields.saHandle ?? 0);
    writeField(descriptor, TX.SA_POINTER, 8, fields.saPointer ?? 0);
    this.bus.memory.write(this.descriptorAddress(index), descriptor);
  }

  writeRx(index: number, address: number): void {
    const descriptor = new Uint8Array(DESCRIPTOR_BYTES);
    writeField(descriptor, RX.BUFFER_ADDRESS, 8, address);
    this.bus.memory.write(this.descriptorAddress(index), descriptor);
  }

  /** The status and error bytes the device wrote back into a descriptor. */
  writeBack(index: number): { status: number; error: number } {
    const offset = this.direction === "tx" ? TX.STATUS : RX.STATUS;
    const bytes = this.bus.memory.read(this.descriptorAddress(index) + offset, 2);
    return { status: bytes[0]!, error: bytes[1]! };
  }

  doorbell(tail: number): void {
    this.bus.mmioWrite(this.direction === "tx" ? R.TDT(this.queue) : R.RDT(this.queue), tail);
  }
}
