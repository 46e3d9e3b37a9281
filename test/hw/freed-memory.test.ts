import { describe, expect, test } from "vitest";
import { buildNic, delay, descriptors as D, diagnostics, registers as R, sequencedFrame, ns, us } from "../../index.js";

/**
 * A driver that frees host memory the device is using: a TX buffer while its read is on its way,
 * or the ring while a descriptor fetch or write-back is. The access fails as an unmapped one does
 * (DMA_UNMAPPED on that descriptor's field); the run goes on.
 */
function freeWhileInUse(what: "buffer" | "ring", freeAt: number) {
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
  const { nic, memory } = top;
  const slots = 16;
  const ring = memory.allocate(slots * D.DESCRIPTOR_BYTES, "ring", R.RING_ALIGNMENT);
  const frame = sequencedFrame("to-peer", 0, 0, 4000);
  const buffer = memory.allocate(frame.length, "buffer");
  memory.write(buffer, frame);
  memory.write(ring, D.TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: frame.length, command: D.TX_COMMAND_EOP | D.TX_COMMAND_RS, trafficClass: 0 }));
  kernel.process("driver", function* () {
    nic.mmioWrite(R.TDBAL(0), ring % 2 ** 32);
    nic.mmioWrite(R.TDBAH(0), Math.floor(ring / 2 ** 32));
    nic.mmioWrite(R.TDLEN(0), slots * D.DESCRIPTOR_BYTES);
    nic.mmioWrite(R.TXDCTL(0), R.QUEUE_ENABLE);
    nic.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE);
    nic.mmioWrite(R.TDT(0), 1);
    yield delay(ns(freeAt));
    memory.free(what === "buffer" ? buffer : ring);
  });
  kernel.run({ until: us(50) });
  return { errors: diagnostics(nic).errors, wire: nic.mac.txFrames.value };
}

describe("host memory freed while the device uses it", () => {
  test.each([
    ["a TX buffer, during its read", "buffer", 1000, "DMA_UNMAPPED: TX queue 0, descriptor 0, BUFFER_ADDRESS", 0],
    ["the ring, during the descriptor fetch", "ring", 450, "DMA_UNMAPPED: TX queue 0, descriptor 0, address of the descriptor", 0],
    ["the ring, during the descriptor write-back", "ring", 2000, "DMA_UNMAPPED: TX queue 0, descriptor write-back", 1],
  ] as const)("%s: the access fails as unmapped, named, and the run goes on", (_, what, freeAt, error, sent) => {
    const { errors, wire } = freeWhileInUse(what, freeAt);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(error);
    expect(wire).toBe(sent);
  });
});
