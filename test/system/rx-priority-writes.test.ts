import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

/**
 * Frames to the host leave the RX packet buffer by the policy map, strict classes first, and the
 * RX engine hands the DMA a frame only while its posted writes have room (two write payloads).
 * Handed over as they came, they waited on the DMA's write link in arrival order: over a link of
 * 2 bytes a cycle, gold's 128-byte frames waited behind all the 9000-byte bulk the buffer held,
 * 532 µs with the buffer shared and 65.5 µs split per class (from an architect's check).
 */
const SCENARIO = `name: rx-priority
seed: 1
durationMicroseconds: 150
nic:
  dma: { bytesPerCycle: 2 }
  sacache: { txEntries: 64, rxEntries: 64 }
driver:
  cpu: { cores: 16 }
qos: |
  crypto isakmp profile p0
   match identity group c0
   set ipsec-qos-group 1
  crypto isakmp profile p1
   match identity group c1
   set ipsec-qos-group 2
  class-map match-any gold
   match qos-group 1
  class-map match-any bronze
   match qos-group 2
  policy-map edge
   class gold
    priority percent 10
   class bronze
    bandwidth remaining percent 100
customers:
  - name: c0
    identity: { type: ID_KEY_ID, value: c0 }
    sas: 1
  - name: c1
    identity: { type: ID_KEY_ID, value: c1 }
    sas: 8
traffic:
  - name: voice
    customer: c0
    direction: to-host
    packetBytes: 128
    gapMicroseconds: 3
  - name: bulk
    customer: c1
    direction: to-host
    packetBytes: 9000
    load: 0.98
outputs:
  waveform: false
`;

describe("frames to the host are written by the policy map, not in the order they came", () => {
  const run = (values: Record<string, unknown>) => {
    const { summary, design } = runScenario(parseScenarioText(SCENARIO, "rx-priority.yaml", values), { directory: null });
    const row = (name: string) => summary.classes.find((row) => row.className === name && row.direction === "to-host")!;
    return { gold: row("gold"), bulk: row("bronze"), period: design.top.nic.dma.clock.period, maxFrameBytes: design.top.nic.params.maxFrameBytes };
  };

  test.each(["shared", "per-class"])("with the RX buffer %s, gold waits on the write link for at most one bulk frame crossing and the posted writes' depth; bulk keeps the link busy", (partition) => {
    const alone = run({ "nic.rx.bufferPartition": partition, "traffic.1.load": 0.001 });
    const loaded = run({ "nic.rx.bufferPartition": partition });
    // The closed form: a longest frame already crossing, then two write payloads (MPS, 256 bytes) queued ahead, at 2 bytes a cycle.
    const waitMicroseconds = (((loaded.maxFrameBytes + 2 * 256) / 2) * loaded.period) / 1e6;
    expect(loaded.gold.received).toBeGreaterThan(40);
    expect(loaded.gold.latency.p99).toBeLessThanOrEqual(alone.gold.latency.p99! + waitMicroseconds);
    // Not the whole buffer's worth: the bound is what a link ordered by the policy allows.
    expect(loaded.gold.latency.p99).toBeGreaterThan(alone.gold.latency.p99!);
    // The link, 2 bytes a cycle at 250 MHz (4 Gb/s), never idles while bulk waits: the two classes carry what it does, but its write-backs and the window's edges.
    expect(loaded.bulk.gigabitsPerSecond + loaded.gold.gigabitsPerSecond).toBeGreaterThan(0.9 * ((2 * 8) / (loaded.period / 1000)));
  }, 60_000);
});
