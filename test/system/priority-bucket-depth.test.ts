import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

// Gold in 9000-byte frames at 80 % of its 10 % (Poisson) beside three classes of 64-byte frames offered 0.6 of the line each. Two jumbo
// frames fill the NIC's default bucket: a third within a refill waits behind the others, as over its rate (p99 77 µs where alone it is 11).
// A deeper bucket (nic.bucketBytes, as IOS's priority burst) lets gold's bursts through (from an architect's check).
const SCENARIO = `
name: jumbo-gold
seed: 1
durationMicroseconds: 600
driver:
  cpu: { cores: 16 }
nic:
  sacache: { txEntries: 64, rxEntries: 64 }
qos: |
  crypto isakmp profile g
   match identity group g
   set ipsec-qos-group 1
  crypto isakmp profile s
   match identity group s
   set ipsec-qos-group 2
  crypto isakmp profile b
   match identity group b
   set ipsec-qos-group 3
  class-map match-any gold
   match qos-group 1
  class-map match-any silver
   match qos-group 2
  class-map match-any bronze
   match qos-group 3
  policy-map edge
   class gold
    priority percent 10
   class silver
    bandwidth percent 30
   class bronze
    bandwidth percent 20
   class class-default
    bandwidth remaining percent 100
customers:
  - { name: g, identity: { type: ID_KEY_ID, value: g }, sas: 2 }
  - { name: s, identity: { type: ID_KEY_ID, value: s }, sas: 4 }
  - { name: b, identity: { type: ID_KEY_ID, value: b }, sas: 4 }
  - { name: d, identity: { type: ID_KEY_ID, value: d }, sas: 4 }
traffic:
  - { name: gold, customer: g, direction: to-peer, packetBytes: 9000, load: 0.08 }
  - { name: silver, customer: s, direction: to-peer, packetBytes: 64, load: 0.6 }
  - { name: bronze, customer: b, direction: to-peer, packetBytes: 64, load: 0.6 }
  - { name: other, customer: d, direction: to-peer, packetBytes: 64, load: 0.6 }
outputs:
  waveform: false
`;

function goldP99(overrides: Record<string, unknown>): number {
  const { summary } = runScenario(parseScenarioText(SCENARIO, "jumbo-gold.yaml", overrides), { directory: null });
  return summary.flows.find((flow) => flow.stream === "gold" && flow.direction === "to-peer")!.latency.p99!;
}

test("a priority class of jumbo frames within its rate waits behind bulk once its bursts outgrow the NIC's token bucket, and not with a deeper one (nic.bucketBytes)", () => {
  expect(goldP99({})).toBeGreaterThan(40);
  expect(goldP99({ "nic.bucketBytes": 200_000 })).toBeLessThan(15);
}, 60_000);
