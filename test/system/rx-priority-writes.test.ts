import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { keyIdPolicy, qosBlock } from "../support/qos-text.js";
import { wireBytes } from "../../sim/packet/ethernet.js";

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
${qosBlock(keyIdPolicy([["gold", "priority percent 10"], ["bronze", "bandwidth remaining percent 100"]]))}customers:
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
    const maxFrameBytes = design.top.nic.params.maxFrameBytes;
    // A gold packet sent while a bulk frame is on the peer's line waits for its last bit there first (the line is not preempted): up to a longest frame's time on the wire, in µs.
    const lineWaitMicroseconds = design.top.wire.occupancy(maxFrameBytes) / 1e6;
    return { gold: row("gold"), bulk: row("bronze"), period: design.top.nic.dma.clock.period, maxFrameBytes, lineWaitMicroseconds };
  };

  test.each(["shared", "per-class"])("with the RX buffer %s, gold waits on the write link for at most one bulk frame crossing and the posted writes' depth; bulk keeps the link busy", (partition) => {
    const alone = run({ "nic.rx.bufferPartition": partition, "traffic.1.load": 0.001 });
    const loaded = run({ "nic.rx.bufferPartition": partition });
    // The closed form: a longest frame already crossing, then two write payloads (MPS, 256 bytes) queued ahead, at 2 bytes a cycle; before them, a bulk frame on the peer's line.
    // Alone, gold's own descriptor fetches waited their turn behind the idle queues' at the start (5.6 µs), a slack that hid the line's term until they went first.
    const waitMicroseconds = (((loaded.maxFrameBytes + 2 * 256) / 2) * loaded.period) / 1e6 + loaded.lineWaitMicroseconds;
    expect(loaded.gold.received).toBeGreaterThan(40);
    expect(loaded.gold.latency.p99).toBeLessThanOrEqual(alone.gold.latency.p99! + waitMicroseconds);
    // Not the whole buffer's worth: the bound is what a link ordered by the policy allows.
    expect(loaded.gold.latency.p99).toBeGreaterThan(alone.gold.latency.p99!);
    // The link, 2 bytes a cycle at 250 MHz (4 Gb/s), never idles while bulk waits: the two classes carry what it does, but its write-backs and the window's edges.
    expect(loaded.bulk.gigabitsPerSecond + loaded.gold.gigabitsPerSecond).toBeGreaterThan(0.9 * ((2 * 8) / (loaded.period / 1000)));
  }, 60_000);

  test("the posted-write depth (nic.dma.postedWriteDepth) sets the bound: 64 payloads deep, gold waits behind more, and within the same closed form", () => {
    const alone = run({ "traffic.1.load": 0.001, "nic.dma.postedWriteDepth": 64 });
    const shallow = run({});
    const deep = run({ "nic.dma.postedWriteDepth": 64 });
    const waitMicroseconds = (((deep.maxFrameBytes + 64 * 256) / 2) * deep.period) / 1e6 + deep.lineWaitMicroseconds;
    expect(deep.gold.latency.p99).toBeGreaterThan(shallow.gold.latency.p99! + 10);
    expect(deep.gold.latency.p99).toBeLessThanOrEqual(alone.gold.latency.p99! + waitMicroseconds);
    // The link is as busy either way.
    expect(Math.abs(deep.bulk.gigabitsPerSecond - shallow.bulk.gigabitsPerSecond)).toBeLessThan(0.05 * shallow.bulk.gigabitsPerSecond);
  }, 60_000);

  // From an outside check of the first version, which wrote the strict queues' frames first and the others' in turn by frame.
  test("a strict class over its policed rate gets its rate, not the link: gold's 1400-byte frames every 2 µs (5.6 Gb/s) over a 4 Gb/s link get the 10 % of the 25 Gb/s line the policy gives, bulk the rest", () => {
    const { gold, bulk } = run({ "nic.rx.bufferPartition": "per-class", "traffic.0.packetBytes": 1400, "traffic.0.gapMicroseconds": 2, "traffic.1.load": 0.3, durationMicroseconds: 300 });
    expect(gold.gigabitsPerSecond).toBeLessThan(2.5 * 1.05);
    expect(gold.gigabitsPerSecond).toBeGreaterThan(2.5 * 0.9);
    // Taken first whatever its rate, gold left bulk 0.51 Gb/s.
    expect(bulk.gigabitsPerSecond).toBeGreaterThan(1);
  }, 60_000);

  test("classes that are not strict share the link by their weights in bytes, not by frames: 256-byte against 9000-byte frames at 50/50", () => {
    const policy = SCENARIO.replace("    priority percent 10", "    bandwidth remaining percent 50").replace("    bandwidth remaining percent 100", "    bandwidth remaining percent 50").replace("    gapMicroseconds: 3", "    load: 0.5");
    const { summary } = runScenario(parseScenarioText(policy, "rx-weights.yaml", { "nic.rx.bufferPartition": "per-class", "nic.dma.bytesPerCycle": 8, "traffic.0.packetBytes": 256, "traffic.1.load": 0.5, "customers.0.sas": 4 }), { directory: null });
    const rate = (name: string) => summary.classes.find((row) => row.className === name && row.direction === "to-host")!.gigabitsPerSecond;
    // Each its turn by frame, the small class got 3.05 Gb/s to the large one's 11.2; by bytes, within the small frames' overhead (their gaps on the scheduler's wire-time cost, a write-back each).
    expect(rate("gold") / rate("bronze")).toBeGreaterThan(0.75);
    expect(rate("gold") / rate("bronze")).toBeLessThan(1.1);
  }, 60_000);

  // From an outside check: served a frame each in turn, where the minimums add up to more than the link carries, 40 % in 256-byte frames got 1.08 Gb/s to 10 %'s 2.46.
  test("minimums of the line that the link cannot all meet share it by their percents, in time on the wire: 40 % in 256-byte frames against 10 % in 9000-byte frames over a 4 Gb/s link", () => {
    const policy = SCENARIO.replace("    priority percent 10", "    bandwidth percent 40").replace("    bandwidth remaining percent 100", "    bandwidth percent 10").replace("    gapMicroseconds: 3", "    load: 0.6");
    const { summary } = runScenario(parseScenarioText(policy, "rx-minimums.yaml", { "nic.rx.bufferPartition": "per-class", "traffic.0.packetBytes": 256, "traffic.1.load": 0.6, "customers.0.sas": 4, durationMicroseconds: 2000 }), { directory: null });
    const { RQPC: frames, RQBC: bytes } = summary.nic.queues;
    // What the scheduler charges each class: its frames' time on the wire (the ESP frames as they came, preamble, FCS and gap).
    const cost = (queue: number) => frames[queue]! * wireBytes(bytes[queue]! / frames[queue]!);
    const gold = summary.classes.find((row) => row.className === "gold")!.trafficClass;
    const bronze = summary.classes.find((row) => row.className === "bronze")!.trafficClass;
    // 4 to 1 in the long run; over 2 ms, 28 jumbo frames and the buckets full at the start leave it at about 3.6.
    expect(cost(gold) / cost(bronze)).toBeGreaterThan(3.3);
    expect(cost(gold) / cost(bronze)).toBeLessThan(4.4);
    // The samples' bytes written to the host add up to the registers' (the wire's samples show what came in, the classes' offers).
    for (const queue of [gold, bronze]) {
      let previous = 0;
      const written = summary.samples.reduce((sum, sample) => {
        const interval = sample.time - previous;
        previous = sample.time;
        return sum + (sample.writtenToHostGbps[queue]! * interval * 1000) / 8;
      }, 0);
      expect(written / bytes[queue]!).toBeCloseTo(1, 2);
    }
  }, 60_000);
});
