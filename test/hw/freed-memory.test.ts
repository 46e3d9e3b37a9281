import { describe, expect, test } from "vitest";
import { buildNic, delay, diagnostics, registers as R, ns, us } from "../../index.js";
import { RawTxRing } from "../support/raw-tx-ring.js";

/**
 * A driver that frees host memory the device is using: a TX buffer while its read is on its way,
 * or the ring while a descriptor fetch or write-back is. The access fails as an unmapped one does
 * (DMA_UNMAPPED on that descriptor's field); the run goes on.
 */
function freeWhileInUse(what: "buffer" | "ring", freeAt: number) {
  const design = buildNic({ parameters: { "top.nic.queues": 1 } });
  const { kernel, top } = design;
  const ring = new RawTxRing(design, 0, 16);
  kernel.process("driver", function* () {
    ring.program();
    top.nic.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE);
    const { buffers } = ring.post(4000);
    ring.doorbell();
    yield delay(ns(freeAt));
    top.memory.free(what === "buffer" ? buffers[0]! : ring.ring);
  });
  kernel.run({ until: us(50) });
  return { errors: diagnostics(top.nic).errors, sent: top.nic.mac.txFrames.value };
}

describe("host memory freed while the device uses it", () => {
  test.each([
    // The freed region is named, as a red zone's is (from a driver developer's check: it was the address alone).
    ["a TX buffer, during its read", "buffer", 1000, "DMA_UNMAPPED: TX queue 0, descriptor 0, BUFFER_ADDRESS (in 'buffer 1.0', which the host freed: 0x", 0],
    ["the ring, during the descriptor fetch", "ring", 450, "DMA_UNMAPPED: TX queue 0, descriptor 0, address of the descriptor", 0],
    ["the ring, during the descriptor write-back", "ring", 2000, "DMA_UNMAPPED: TX queue 0, descriptor 0, descriptor write-back", 1],
  ] as const)("%s: the access fails as unmapped, named, and the run goes on", (_, what, freeAt, error, sent) => {
    const result = freeWhileInUse(what, freeAt);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(error);
    expect(result.sent).toBe(sent);
  });
});
