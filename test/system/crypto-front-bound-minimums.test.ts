import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

// Silver (30 %) and bronze (20 %) minimums and class-default (remaining 100) each offer 0.6 of the line in 64-byte packets over four SAs
// each: twelve SAs against an engine's four cached key schedules, so most jobs load their key, a front stage (12 cycles) longer than their
// data (5 cycles). The closed form (an architect's): the minimums take 0.30 and 0.20 of the line, the rest, 0.50, goes 100:1:1, so
// class-default 0.490, silver 0.305, bronze 0.205. Charged their data bytes alone at the crypto engines, silver's and bronze's jobs never ran
// out of minimum tokens there, and class-default (customer d, whose identity no profile matches) got nothing from 50 µs to about 275 µs.
const SCENARIO = `
name: front-bound
seed: 1
durationMicroseconds: 300
driver:
  cpu: { cores: 16 }
nic:
  sacache: { txEntries: 64, rxEntries: 64 }
qos: |
  crypto isakmp profile s
   match identity group s
   set ipsec-qos-group 2
  crypto isakmp profile b
   match identity group b
   set ipsec-qos-group 3
  class-map match-any silver
   match qos-group 2
  class-map match-any bronze
   match qos-group 3
  policy-map edge
   class silver
    bandwidth percent 30
   class bronze
    bandwidth percent 20
   class class-default
    bandwidth remaining percent 100
customers:
  - { name: s, identity: { type: ID_KEY_ID, value: s }, sas: 4 }
  - { name: b, identity: { type: ID_KEY_ID, value: b }, sas: 4 }
  - { name: d, identity: { type: ID_KEY_ID, value: d }, sas: 4 }
traffic:
  - { name: silver, customer: s, direction: to-peer, packetBytes: 64, load: 0.6 }
  - { name: bronze, customer: b, direction: to-peer, packetBytes: 64, load: 0.6 }
  - { name: other, customer: d, direction: to-peer, packetBytes: 64, load: 0.6 }
outputs:
  waveform: false
`;

test("minimums over 64-byte jobs that load their keys leave the remaining-only class its share from the start of the backlog", () => {
  const { summary } = runScenario(parseScenarioText(SCENARIO, "front-bound.yaml"), { directory: null });
  const samples = summary.samples.filter((sample) => sample.time > 50 && sample.time <= 250);
  const share = (trafficClass: number) => samples.reduce((sum, sample) => sum + sample.toPeerGbps[trafficClass]!, 0) / samples.length / summary.sampling.lineGigabitsPerSecond;
  const classOf = (name: string) => Number(Object.entries(summary.classNames).find(([, each]) => each === name)![0]);
  expect(share(classOf("class-default"))).toBeCloseTo(0.49, 2);
  expect(share(classOf("silver"))).toBeCloseTo(0.305, 2);
  expect(share(classOf("bronze"))).toBeCloseTo(0.205, 2);
}, 60_000);
