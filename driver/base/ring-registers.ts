import type { DeviceBus } from "../../hw/spec/bus.js";
import * as R from "../../hw/spec/registers.js";
import { DESCRIPTOR_BYTES } from "../../hw/spec/descriptors.js";
import type { RxRing, TxRing } from "./rings.js";

/**
 * A ring of this many descriptors has a length (TDLEN, RDLEN) the device takes, or what it needs:
 * the device refuses to enable a queue whose ring is not a whole number of 128-byte blocks, and
 * would carry nothing on it, so the driver is not configured with one (ixgbe aligns its ring sizes).
 */
export function ringLength(register: "TDLEN" | "RDLEN") {
  return (descriptors: number): string | null => {
    const bytes = descriptors * DESCRIPTOR_BYTES;
    return bytes % R.RING_ALIGNMENT === 0 ? null : `a multiple of ${R.RING_ALIGNMENT / DESCRIPTOR_BYTES} descriptors (${descriptors} of ${DESCRIPTOR_BYTES} bytes make a ${register} of ${bytes}, not a multiple of ${R.RING_ALIGNMENT})`;
  };
}

/** The MMIO writes that give the device a TX ring and enable it: at the probe, and after a reset. */
export function programTxRing(bus: DeviceBus, queue: number, ring: TxRing): void {
  const base = R.registerHalves(ring.base);
  bus.mmioWrite(R.TDBAL(queue), base.low);
  bus.mmioWrite(R.TDBAH(queue), base.high);
  bus.mmioWrite(R.TDLEN(queue), ring.lengthBytes);
  bus.mmioWrite(R.TXDCTL(queue), R.TX_QUEUE_CONTROL_FIELDS.pack({ ENABLE: 1, WTHRESH: ring.writeBackThreshold }));
}

/** The same for an RX ring, its buffer size and the tail giving the device its buffers. */
export function programRxRing(bus: DeviceBus, queue: number, ring: RxRing, tail: number): void {
  const base = R.registerHalves(ring.base);
  bus.mmioWrite(R.RDBAL(queue), base.low);
  bus.mmioWrite(R.RDBAH(queue), base.high);
  bus.mmioWrite(R.RDLEN(queue), ring.lengthBytes);
  bus.mmioWrite(R.SRRCTL(queue), ring.bufferBytes);
  bus.mmioWrite(R.RXDCTL(queue), R.QUEUE_ENABLE);
  bus.mmioWrite(R.RDT(queue), tail);
}

/** MMIO writes programTxRing and programRxRing make, for the CPU time they cost. */
export const PROGRAM_TX_WRITES = 4;
export const PROGRAM_RX_WRITES = 6;
