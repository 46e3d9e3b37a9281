import { describe, expect, test } from "vitest";
import { tunnelFrameBytes } from "../../system/ipsec-setup.js";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import { wireBytes } from "../../sim/packet/ethernet.js";

const LINE_GIGABITS = 25;
/** Line time of one 1400-byte packet's tunnel frame, µs. */
const OCCUPANCY = Math.ceil((wireBytes(tunnelFrameBytes(1400)) * 8000) / LINE_GIGABITS) / 1e6;
const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

/** Bulk towards the host at about 4.8 times the line, and voice (gold, strict priority) at a small rate: the gateway's queue fills. */
function overloaded(queueFrames: number | undefined, qos: boolean): ScenarioInput {
  return {
    name: "overloaded",
    seed: 11,
    durationMicroseconds: 100,
    wire: { gigabitsPerSecond: LINE_GIGABITS },
    ...(queueFrames !== undefined ? { peer: { queueFrames } } : {}),
    ...(qos ? { qos: "crypto isakmp profile v\n match identity host domain v.example\n set ipsec-qos-group 1\nclass-map match-any gold\n match qos-group 1\npolicy-map edge\n class gold\n  priority percent 10\n" } : {}),
    customers: [
      { name: "v", identity: { type: "ID_FQDN", value: "gw.v.example" }, sas: 1 },
      { name: "b", identity: { type: "ID_FQDN", value: "gw.b.example" }, sas: 3 },
    ],
    traffic: [
      { name: "voice", customer: "v", direction: "to-host", packetBytes: 128, gapMicroseconds: 4 },
      { name: "bulk", customer: "b", direction: "to-host", packetBytes: 1400, gapMicroseconds: 0.1 },
    ],
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

const run = (queueFrames: number | undefined, qos: boolean) => runScenario(checkScenario(overloaded(queueFrames, qos)), { directory: null }).summary;

describe("the gateway's output queue", () => {
  test("overloaded towards the host, it holds peer.queueFrames frames and drops the rest as QUEUE_FULL: every lost packet counted, and a packet waits no more than the queue ahead of it", () => {
    const summary = run(20, false);
    expect(summary.violations).toEqual([]);
    const bulk = summary.flows.find((flow) => flow.stream === "bulk")!;
    const dropped = (summary.gatewayDrops as Record<string, number>).QUEUE_FULL ?? 0;
    // Offered 1000 packets where the line carries about 210 in the run: the rest find the queue full.
    expect(dropped).toBeGreaterThan(700);
    expect(sum(summary.flows.map((flow) => flow.lost))).toBe(dropped);
    expect(Object.keys(summary.gatewayDrops)).toEqual(["QUEUE_FULL"]);
    // 20 frames waiting and the one on the line (voice's are shorter), then the NIC and the host's path: no backlog of the whole run.
    const waitedAtMost = 21 * OCCUPANCY;
    expect(bulk.latency.max!).toBeLessThan(waitedAtMost + bulk.host.max! + 5);
    // Kept full, the queue makes each packet wait about that long: a queue of 40 adds 20 frames' line time to the wait.
    const longer = run(40, false).flows.find((flow) => flow.stream === "bulk")!.latency.p50!;
    expect((longer - bulk.latency.p50!) / OCCUPANCY).toBeCloseTo(20, 0);
  });

  test("by default 1000 frames wait, as Linux's txqueuelen, and a longer queue only delays what it delivers: the line carries the same", () => {
    const short = run(20, false);
    const long = run(undefined, false);
    const bulk = (summary: typeof short) => summary.flows.find((flow) => flow.stream === "bulk")!;
    expect(long.violations).toEqual([]);
    // 1000 bulk packets offered, some carried as they come: the queue never holds 1000, nothing is dropped, everything waits.
    expect(long.gatewayDrops).toEqual({});
    expect(bulk(long).lost).toBe(0);
    expect(bulk(long).latency.max!).toBeGreaterThan(5 * bulk(short).latency.max!);
    expect(bulk(long).gigabitsPerSecond).toBeCloseTo(bulk(short).gigabitsPerSecond, 0);
  });

  test("with priority classes each of its two queues holds peer.queueFrames: a voice packet never finds the bulk's queue full", () => {
    const summary = run(20, true);
    expect(summary.violations).toEqual([]);
    const voice = summary.flows.find((flow) => flow.stream === "voice")!;
    const bulk = summary.flows.find((flow) => flow.stream === "bulk")!;
    expect([voice.lost, voice.received]).toEqual([0, voice.sent]);
    expect(bulk.lost).toBeGreaterThan(700);
    expect(bulk.lost).toBe((summary.gatewayDrops as Record<string, number>).QUEUE_FULL);
    // Voice waits at most for the frame on the line (and the NIC's path), not behind the bulk's queue.
    expect(voice.latency.max!).toBeLessThan(OCCUPANCY + voice.host.max! + 5);
  });
});
