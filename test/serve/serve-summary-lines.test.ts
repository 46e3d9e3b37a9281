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
    frames: { toPeer: 3, toHost: 3, inRxBuffer: 0 },
    peer: { received: 3, decrypted: 0, refused: 3, sent: 3 },
    device: { drops: { RX_DISABLED: 1 }, flagged: { ESP_ICV_FAILED: 3 }, errors: [] },
  } as unknown as ServeSummary;
  const lines = formatServeSummary(summary).split("\n");
  expect(lines[1]).toBe("  frames: 3 sent by the NIC, 3 delivered to the host; peer received 3, decrypted 0, refused 3, sent 3");
  expect(lines[2]).toBe("  dropped by the device: RX_DISABLED 1; delivered flagged with an error in their descriptor: ESP_ICV_FAILED 3; still in its RX buffer at the end: 0");
});

test("the library's diagnostics() keeps the frames the device delivered flagged apart from its drops, in the summary's JSON too (only the printed line had separated them)", async () => {
  const { diagnostics } = await import("../../system/hardware.js");
  const nic = { diagnostics: [], statistics: { drops: new Map([["ESP_ICV_FAILED", 3], ["RX_DISABLED", 1], ["ESP_MALFORMED", 2]]), txPackets: [1], rxPackets: [2] } };
  const device = diagnostics(nic as unknown as Parameters<typeof diagnostics>[0]);
  expect(device.drops).toEqual({ RX_DISABLED: 1 });
  expect(device.flagged).toEqual({ ESP_ICV_FAILED: 3, ESP_MALFORMED: 2 });
});
