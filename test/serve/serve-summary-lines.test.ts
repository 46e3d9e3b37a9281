import { expect, test } from "vitest";
import { formatServeSummary, type ServeSummary } from "../../system/serve/serve-summary.js";

test("frames the device delivers flagged with an error (ESP_ICV_FAILED, ESP_MALFORMED) are said apart from its drops (they were 'dropped by the device' beside the same frames 'delivered to the host'; from a driver developer's check)", () => {
  const summary = {
    name: "served",
    ending: { text: "the client said goodbye" },
    seed: 1,
    simulatedNanoseconds: 1000,
    simulatedPicoseconds: 1_000_000,
    client: { name: "bench" },
    frames: { toPeer: 3, toHost: 3, inRxBuffer: 0, inTxDevice: 2, txDescriptorsPending: 5, txDescriptorsAbandoned: 0, onWire: 1 },
    peer: { received: 3, decrypted: 0, refused: 3, sent: 3 },
    device: { drops: { RX_DISABLED: 1 }, flagged: { ESP_ICV_FAILED: 3 }, errors: [] },
    faults: ["DMA reads fail 1% of the time (DMA_READ_ERROR)"],
  } as unknown as ServeSummary;
  const lines = formatServeSummary(summary).split("\n");
  // The DMA engine's fault injection is said, as a run says it (serve said nothing of it).
  expect(lines[3]).toBe("  faults injected: DMA reads fail 1% of the time (DMA_READ_ERROR)");
  expect(lines[1]).toBe("  frames: 3 sent by the NIC, 3 delivered to the host; peer received 3, decrypted 0, refused 3, sent 3");
  expect(lines[2]).toBe("  dropped by the device: RX_DISABLED 1; delivered flagged with an error in their descriptor: ESP_ICV_FAILED 3; still in its RX buffer at the end: 0; taken from the TX rings and not yet sent: 2; TX descriptors posted and not yet done: 5; on the wire at the end, either way: 1");
  expect(lines[0]).toBe("served: the client said goodbye (seed 1, 1 µs simulated, client bench)");
  // TX descriptors a client gave up by enabling their ring again are said (they were counted nowhere; from a driver developer's check).
  const givenUp = { ...summary, frames: { ...summary.frames, txDescriptorsPending: 0, txDescriptorsAbandoned: 24 } } as ServeSummary;
  expect(formatServeSummary(givenUp).split("\n")[2]).toContain("TX descriptors posted and not yet done: 0 (and 24 given up: posted and not done when their ring was enabled again); on the wire");
  // A HELLO with an empty name, and no HELLO at all, are said in words (they read 'client )' and 'client none'; from a protocol fuzzer's check).
  expect(formatServeSummary({ ...summary, client: { name: "" } } as ServeSummary).split("\n")[0]).toBe("served: the client said goodbye (seed 1, 1 µs simulated, a client with no name)");
  expect(formatServeSummary({ ...summary, client: { name: null } } as unknown as ServeSummary).split("\n")[0]).toBe("served: the client said goodbye (seed 1, 1 µs simulated, no client)");
});

test("the frames the device took to send and has not wholly sent are counted, for serve's summary (a frame written back DD before a GOODBYE was never sent, and no figure said so; from a driver developer's check)", async () => {
  const { system } = await import("../support/nic.js");
  const { sequencedFrame } = await import("../../sim/packet/test-frames.js");
  const { us } = await import("../../sim/time.js");
  const { delay } = await import("../../sim/process.js");
  const { kernel, top } = system({ "top.nic.queues": 1 });
  kernel.process("sender", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < 8; sequence++) yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, sequence, 9000), { more: sequence < 7 });
  });
  const held = () => top.nic.tx.framesHeld + top.nic.mac.framesHeld;
  const sent = () => top.nic.statistics.txPackets.reduce((total, count) => total + count, 0);
  // The eight 9000-byte frames take about 23 µs of line: while they go, some are held in the device. Looked at every nanosecond,
  // a frame is never both sent and held: it was held on the line until the gap after its last bit ended (from a check of the count).
  let most = 0;
  let both = 0;
  kernel.process("look", function* () {
    for (let step = 0; step < 60_000; step++) {
      most = Math.max(most, held());
      if (sent() === 8 && held() > 0) both++;
      yield delay(1000);
    }
  });
  kernel.run({ until: us(100) });
  expect(most).toBeGreaterThan(1);
  expect(both).toBe(0);
  expect(held()).toBe(0);
  expect(top.peer.receivedFrames).toBe(8);
});

test("the library's diagnostics() keeps the frames the device delivered flagged apart from its drops, in the summary's JSON too (only the printed line had separated them)", async () => {
  const { diagnostics } = await import("../../system/hardware.js");
  const nic = { diagnostics: [], errorLog: { diagnosticCount: 0, countsByCode: new Map() }, statistics: { drops: new Map([["ESP_ICV_FAILED", 3], ["RX_DISABLED", 1], ["ESP_MALFORMED", 2]]), txPackets: [1], rxPackets: [2] } };
  const device = diagnostics(nic as unknown as Parameters<typeof diagnostics>[0]);
  expect(device.drops).toEqual({ RX_DISABLED: 1 });
  expect(device.flagged).toEqual({ ESP_ICV_FAILED: 3, ESP_MALFORMED: 2 });
});
