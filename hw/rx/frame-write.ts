import type { DmaEngine } from "../dma/engine.js";
import type { DmaReply } from "../dma/request.js";
import type { RingRegisters } from "../ring.js";
import { RX_STATUS_FIELDS, RX_WRITE_BACK } from "../spec/descriptors.js";
import { ErrorCode } from "../spec/errors.js";
import type { AssignedFrame } from "./rx-queue-state.js";
import type { WriteBackTag } from "./write-back.js";

/**
 * Write a frame that has its descriptors into their buffers (SRRCTL bytes each), each buffer's
 * descriptor written back after its data: its length and DD, and on the frame's last EOP, the
 * frame's IPsec status and its error. A buffer the device cannot reach holds none of the frame,
 * and is reported on its ring. Returns the frame's DMA error code (0: every buffer reached).
 */
export function writeFrame(dma: DmaEngine, ring: RingRegisters, queue: number, assigned: AssignedFrame, landings: DmaReply<WriteBackTag>): number {
  const { frame, buffers, bufferSize } = assigned;
  const length = frame.bytes.length;
  let error = 0;
  for (let position = 0; position < buffers.length; position++) {
    const buffer = buffers[position]!;
    const start = position * bufferSize;
    const chunk = frame.bytes.subarray(start, Math.min(start + bufferSize, length));
    const reachable = dma.translation.reachable(buffer.address, bufferSize);
    if (reachable) {
      dma.write(buffer.address, chunk, null, null);
    } else {
      error = ErrorCode.DMA_UNMAPPED;
      ring.report("DMA_UNMAPPED", "BUFFER_ADDRESS", dma.translation.unmappedName("BUFFER_ADDRESS", buffer.address, bufferSize), buffer.exactAddress ?? buffer.address, buffer.index);
    }
    const eop = position === buffers.length - 1;
    const writeBack = RX_WRITE_BACK.encode({
      length: reachable ? chunk.length : 0,
      status: RX_STATUS_FIELDS.DD.mask | (eop ? RX_STATUS_FIELDS.EOP.mask | frame.ipsecStatus : 0),
      error: eop ? error || frame.error : 0,
      trafficClass: frame.trafficClass,
      spi: frame.spi,
      saHandle: frame.handle,
    });
    dma.write(ring.addressOf(buffer.index) + RX_WRITE_BACK.at, writeBack, landings, { kind: "write-back", queue, index: buffer.index, frameLength: length, eop, frame, placed: error === 0 });
  }
  return error;
}
