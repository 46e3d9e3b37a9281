import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import type { ScenarioSummary } from "../../system/scenario/summary.js";

const POLICY = `crypto isakmp profile p0
 match identity group c0
 set ipsec-qos-group 1
crypto isakmp profile p1
 match identity group c1
 set ipsec-qos-group 2
class-map match-any gold
 match qos-group 1
class-map match-any bulk
 match qos-group 2
policy-map edge
 class gold
  priority percent 10
 class bulk
  bandwidth remaining percent 100
`;

/** Gold (priority 10) offered 0.36 of the line in 128-byte packets; bulk 0.9 in 9000-byte ones, whose 20 KB buffer part (160 KB over 8 queues) holds two. */
function scenario(engines: number): ScenarioInput {
  return {
    name: "held-bulk",
    seed: 1,
    durationMicroseconds: 500,
    nic: { crypto_tx: { bytesPerCycle: 4, engines } },
    driver: { cpu: { cores: 8 } },
    qos: POLICY,
    customers: [
      { name: "c0", identity: { type: "ID_KEY_ID", value: "c0" }, sas: 1 },
      { name: "c1", identity: { type: "ID_KEY_ID", value: "c1" }, sas: 1 },
    ],
    traffic: [
      { name: "gold", customer: "c0", direction: "to-peer", packetBytes: 128, gapMicroseconds: 0.2, pattern: "poisson" },
      { name: "bulk", customer: "c1", direction: "to-peer", packetBytes: 9000, load: 0.9, pattern: "constant" },
    ],
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

/** Each class's share of the line over the samples from `from` µs on (after the policer's full bucket has drained). */
function shares(summary: ScenarioSummary, from: number): Record<number, number> {
  const samples = summary.samples.filter((sample) => sample.time - summary.sampling.intervalMicroseconds >= from && sample.time <= summary.trafficStartMicroseconds + 500);
  const share = (trafficClass: number) => samples.reduce((sum, sample) => sum + sample.toPeerGbps[trafficClass]!, 0) / samples.length / summary.sampling.lineGigabitsPerSecond;
  return { 7: share(7), 6: share(6) };
}

// From an architect's check: bulk held by its own buffer part (its frames being encrypted or waiting for the wire) did not count as congestion, and gold over its rate took what bulk's frames would have used.
describe("a priority class over its rate, while bulk's frames wait in its own buffer part", () => {
  test.each([
    [2, "the crypto engines the bottleneck", 0.55],
    [4, "the line the bottleneck", 0.8],
  ])("%i engines (%s): gold keeps to its 10 percent of the line, bulk takes the rest its part lets it", (engines, _, bulkAtLeast) => {
    const summary = runScenario(checkScenario(scenario(engines)), { directory: null }).summary;
    expect(summary.violations).toEqual([]);
    const got = shares(summary, summary.trafficStartMicroseconds + 200);
    expect(got[7]).toBeGreaterThan(0.09);
    expect(got[7]).toBeLessThan(0.11);
    expect(got[6]).toBeGreaterThan(bulkAtLeast);
  });
});
