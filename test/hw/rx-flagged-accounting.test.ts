import { describe, expect, test } from "vitest";
import { RX_DESCRIPTOR, DESCRIPTOR_BYTES } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { hostAddress } from "../../sim/host/memory.js";
import { withRxSaInstalled } from "../support/tunnels.js";

/**
 * A frame the device flags (its ICV failed, or its ESP is malformed) is counted once, as what
 * became of it: flagged when its descriptor says so, a drop (RX_DMA_ERROR) when its buffers could
 * not be written. It was counted as both, two drops for one packet.
 */
describe("RX: a flagged frame is counted once, by what the driver is told", () => {
  function run(spoil: (frame: Uint8Array) => Uint8Array, unmapBuffers: boolean) {
    return withRxSaInstalled(function* (top, hit) {
      if (unmapBuffers) {
        // Every buffer of queue 0's RX ring leaves the device's reach: a driver that freed them while they were posted.
        const base = ((yield top.driver.base.bus.mmioRead(R.RDBAL(0))) as number) + ((yield top.driver.base.bus.mmioRead(R.RDBAH(0))) as number) * 2 ** 32;
        const length = (yield top.driver.base.bus.mmioRead(R.RDLEN(0))) as number;
        const buffers = new Set<number>();
        for (let index = 0; index < length / DESCRIPTOR_BYTES; index++) buffers.add(RX_DESCRIPTOR.decode(top.memory.read(base + index * DESCRIPTOR_BYTES, DESCRIPTOR_BYTES)).bufferAddress);
        for (const buffer of buffers) top.memory.free(hostAddress(buffer));
      }
      top.peer.send(spoil(hit));
      yield delay(us(10));
    });
  }

  const corrupted = (frame: Uint8Array) => {
    const copy = frame.slice();
    copy[copy.length - 1] = copy[copy.length - 1]! ^ 1;
    return copy;
  };
  const truncated = (frame: Uint8Array) => {
    const copy = frame.slice(0, 14 + 20 + 12);
    copy[14 + 3] = 12 + 20; // IPv4 total length of the cut packet
    return copy;
  };
  /** Bytes after the IP packet that no minimum frame's padding explains: the ESP packet does not fill the frame. */
  const trailed = (frame: Uint8Array) => {
    const copy = new Uint8Array(frame.length + 40);
    copy.set(frame);
    return copy;
  };

  const headerChanged = (edit: (ip: Uint8Array) => void) => (frame: Uint8Array) => {
    const copy = frame.slice();
    edit(copy.subarray(14));
    return copy;
  };

  test.each([
    ["its ICV failed", corrupted, "ESP_ICV_FAILED"],
    ["its ESP is malformed", truncated, "ESP_MALFORMED"],
    // RFC 4303 3.4.1: a receiver must discard an ESP packet that appears to be a fragment; it was decrypted (a driver developer's check found TX's alike).
    ["it is an IP fragment (MF set)", headerChanged((ip) => (ip[6]! |= 0x20)), "ESP_MALFORMED"],
    ["it is an IP fragment (an offset)", headerChanged((ip) => (ip[7] = 0x02)), "ESP_MALFORMED"],
    ["its IP version is not 4", headerChanged((ip) => (ip[0] = 0x65)), "ESP_MALFORMED"],
  ] as const)("%s, and its buffers are written: flagged, not a drop", (_, spoil, reason) => {
    const { top, atHost } = run(spoil, false);
    expect(atHost).toHaveLength(2);
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ [reason]: 1 });
  });

  // As IP receivers trim them: a frame flagged for them went to software as a miss was taken from it, and TX's reason (they would leave unencrypted) is not RX's.
  test("bytes after the IP packet are not the packet's: it is decrypted as its IP total length says, neither flagged nor dropped", () => {
    const { top, atHost } = run(trailed, false);
    expect(atHost).toHaveLength(2);
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({});
  });

  test.each([
    ["its ICV failed", corrupted],
    ["its ESP is malformed", truncated],
  ] as const)("%s, and its buffers cannot be written: one drop, RX_DMA_ERROR, and not flagged as well", (_, spoil) => {
    const { top, atHost } = run(spoil, true);
    expect(atHost).toHaveLength(2);
    expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toContain("DMA_UNMAPPED");
    expect(Object.fromEntries(top.nic.statistics.drops)).toEqual({ RX_DMA_ERROR: 1 });
  });
});
