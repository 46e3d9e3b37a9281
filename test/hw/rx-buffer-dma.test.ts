import { expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import { buildNicSystem } from "../../system/build.js";
import { framesInDevice } from "../../system/hardware.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { ns } from "../../sim/time.js";
import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { FLAGGED_DROP_REASONS } from "../../hw/spec/drop-reasons.js";
import { withRxSaInstalled } from "../support/tunnels.js";

/** Jumbo frames to the host at the line rate (a 9094-byte frame each 2.91 µs at 25 Gb/s) over a PCIe link of 8 Gb/s (4 bytes a 250 MHz cycle: a frame each 9.07 µs). */
function jumboToHost(bufferBytes: number): ScenarioInput {
  return {
    name: "rx-buffer",
    seed: 1,
    durationMicroseconds: 300,
    nic: { rx: { bufferBytes }, dma: { bytesPerCycle: 4 } },
    customers: [{ name: "c1", identity: { type: "ID_KEY_ID", value: "c1" }, sas: 4 }],
    traffic: [{ name: "bulk", customer: "c1", direction: "to-host", packetBytes: 9000, load: 1, pattern: "constant" }],
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

test("the RX buffer holds a frame until its DMA writes are done: a PCIe link slower than the line fills it, and the frames it cannot take are dropped (RX_BUFFER_FULL); its size had no effect, the writes queueing without bound behind it (from an architect's check)", () => {
  const run = (bufferBytes: number) => runScenario(checkScenario(jumboToHost(bufferBytes)), { directory: null });
  const small = run(16 * 1024);
  const large = run(1024 * 1024);
  const sent = small.summary.flows.reduce((total, flow) => total + flow.sent, 0);
  // A 16 KB buffer holds one frame: about two in three of those the link brings are dropped.
  expect(small.design.top.nic.statistics.drops.get("RX_BUFFER_FULL")).toBeGreaterThan(sent / 2);
  // A megabyte holds the 300 µs burst (about 103 frames, 0.94 MB) while the link drains it.
  expect(large.design.top.nic.statistics.drops.get("RX_BUFFER_FULL")).toBeUndefined();
  expect(large.summary.outcome).toBe("every packet arrived");
}, 60_000);

// From a driver developer's check: a frame whose writes were on their way at the end was in no count (the summary lost it: "still in its RX buffer at the end: 0").
test("a frame is counted as held in the device from the MAC until its last write-back lands: at every step, the frames the MAC took are those received, dropped or held", () => {
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 1, "top.driver.base.queues": 1, "top.nic.dma.bytesPerCycle": 1, "top.nic.maxFrameBytes": 9216 } });
  kernel.process("peer", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < 3; sequence++) top.peer.send(sequencedFrame("to-host", 0, sequence, 9000));
  });
  let heldWhileWriting = 0;
  for (let step = 1; step <= 2000; step++) {
    kernel.run({ until: ns(step * 100) });
    const drops = [...top.nic.statistics.drops.values()].reduce((sum, count) => sum + count, 0);
    const held = framesInDevice(top.nic).inRxBuffer;
    expect(top.nic.mac.rxFrames.value, `at ${step * 100} ns`).toBe(top.nic.statistics.rxPackets[0]! + drops + held);
    if (held > 0 && top.nic.dma.writesPending.value > 0) heldWhileWriting++;
  }
  expect(heldWhileWriting).toBeGreaterThan(0);
  expect(top.nic.statistics.rxPackets[0]).toBe(3);
});

// From a re-check: a frame the NIC delivers flagged (its ICV failed) is counted among the drops by its flag as it is written, and was counted as held too.
test("a frame delivered flagged is held until its writes land, and counted once: the MAC's frames are those received, dropped (flags aside) or held at every step", () => {
  // A copy of the hit with a ciphertext bit flipped: its SA is in the NIC's table, which flags its ICV.
  const run = withRxSaInstalled(
    function* (top, hitFrame) {
      const corrupted = hitFrame.slice();
      corrupted[ETHERNET_HEADER_BYTES + 20 + 8 + 30]! ^= 0x40;
      top.peer.send(corrupted);
    },
    { parameters: { "top.nic.queues": 1, "top.driver.base.queues": 1, "top.nic.dma.bytesPerCycle": 1, "top.nic.maxFrameBytes": 9216 }, until: null },
  );
  const { kernel, top } = run;
  const flagged = new Set<string>(FLAGGED_DROP_REASONS);
  for (let step = 1; step <= 1500; step++) {
    kernel.run({ until: ns(step * 100) });
    const drops = [...top.nic.statistics.drops].filter(([reason]) => !flagged.has(reason)).reduce((sum, [, count]) => sum + count, 0);
    expect(top.nic.mac.rxFrames.value, `at ${step * 100} ns`).toBe(top.nic.statistics.rxPackets[0]! + drops + framesInDevice(top.nic).inRxBuffer);
  }
  expect(top.nic.statistics.drops.get("ESP_ICV_FAILED")).toBe(1);
  expect(run.atHost).toHaveLength(2);
});
