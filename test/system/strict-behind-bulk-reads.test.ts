import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { goldBesideBulk } from "../support/gold-beside-bulk.js";

/** Gold in 64-byte packets beside 9000-byte bulk at the line, to the peer, 4 MB of TX buffer, 4 KB read requests: the DMA link at `bytesPerCycle`. */
function goldBesideJumboBulk(bytesPerCycle: number): string {
  return goldBesideBulk({
    name: "strict-behind-bulk-reads",
    durationMicroseconds: 500,
    nicLines: ["tx: { bufferBytes: 4194304 }", `dma: { bytesPerCycle: ${bytesPerCycle}, maxReadRequest: 4096 }`],
    gold: "packetBytes: 64, gapMicroseconds: 5",
    bulk: "packetBytes: 9000, load: 1.0",
  });
}

// From an architect's check: where the DMA reads faster than the line, the bulk being read was not capped, and at 13 bytes a cycle (26 Gb/s
// against 25) bulk filled the DMA's 64 tags of 4 KB, each issued read ahead of gold's: gold's p99 54 µs, 3.6 times that at 12 bytes a cycle,
// where the link is slower than the line and the cap held. Capped beside a strict class whatever the link's speed; bulk gets what it got.
test.each([
  [13, 54.41, 23.168],
  [16, 27.3, null],
])("beside a strict class the bulk being read is capped where the DMA reads faster than the line too: gold's reads wait behind a round trip's bytes, not 64 tags of bulk (%i bytes a cycle; gold's p99 was %f µs)", (bytesPerCycle, before, bulkBefore) => {
  const { summary } = runScenario(parseScenarioText(goldBesideJumboBulk(bytesPerCycle), "strict-behind-bulk-reads.yaml"), { directory: null });
  const row = (className: string) => summary.classes.find((entry) => entry.className === className && entry.direction === "to-peer")!;
  expect(row("gold").latency.p99).toBeLessThan(before / 2);
  if (bulkBefore !== null) expect(row("bulk").gigabitsPerSecond).toBeGreaterThanOrEqual(bulkBefore);
}, 60_000);
