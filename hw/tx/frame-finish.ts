import type { Channel } from "../../sim/channel.js";
import type { NicShared } from "../config.js";
import type { TransmitFrame } from "../link/frame.js";
import type { RingRegisters } from "../ring.js";
import { ErrorCode, isDmaFault } from "../spec/errors.js";
import type { RefusedRests } from "./head-frame.js";
import type { TxBuffer } from "./tx-buffer.js";
import type { TxPacket } from "./tx-packet.js";
import type { TxWriteBack } from "./write-back.js";

/**
 * A settled frame leaves the TX engine in its queue's order: to the MAC, or dropped (a fault, or
 * inline IPsec's drop) with its buffer room freed; either way its descriptors are written back
 * and TDH moves past them.
 */
export class TxFrameFinish {
  constructor(
    private readonly shared: NicShared,
    private readonly ring: (queue: number) => RingRegisters,
    private readonly rests: RefusedRests,
    private readonly buffer: TxBuffer,
    private readonly toMac: Channel<TransmitFrame>,
    private readonly writeBack: TxWriteBack,
  ) {}

  finish(packet: TxPacket, now: number): void {
    const ring = this.ring(packet.queue);
    if (packet.fault) {
      const fault = packet.fault;
      const counted = this.rests.counted(packet.queue, fault, packet.open, packet.descriptors.map((descriptor) => ({ address: descriptor.bufferAddress, length: descriptor.length })));
      const reported = this.rests.reported(packet.queue, fault, packet.length, packet.descriptors.length);
      if (reported) ring.report(reported.code, reported.field, reported.fieldName, reported.value, reported.index, reported.withheld);
      // A fault on the link is counted as itself, the others as the descriptor's; a frame whose buffers could not all be read is named by where they are, a refused one once whole.
      if (counted) this.shared.statistics.drop(isDmaFault(fault.code) ? fault.code : "TX_DESCRIPTOR_ERROR", packet.frame ? { frame: packet.frame } : { hostBuffers: counted });
      this.buffer.free(packet.queue, packet.reserved);
    } else if (packet.dropCode) {
      this.shared.statistics.drop(packet.dropCode, { frame: packet.frame! });
      this.buffer.free(packet.queue, packet.reserved);
    } else {
      this.toMac.push({ bytes: packet.frame!, queue: packet.queue, packet });
      this.shared.stages.record("tx", "mac-queued", now, packet, packet.frame!);
    }
    const errorName = packet.fault?.code ?? packet.dropCode;
    this.writeBack.frameDone(packet.queue, packet.descriptors, errorName ? ErrorCode[errorName] : 0, now);
    // The frame leaves the device's hands; its write-backs stay counted until they are in host memory.
    ring.inDevice--;
    // Disabled too, for a driver that reclaims by TDH (re-enabling waits for BUSY to clear, and starts the ring at 0).
    ring.advanceHead(packet.descriptors.length);
  }
}
