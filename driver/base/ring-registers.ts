import type { DeviceBus } from "../../hw/spec/bus.js";
import * as R from "../../hw/spec/registers.js";
import type { RxRing, TxRing } from "./rings.js";

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
