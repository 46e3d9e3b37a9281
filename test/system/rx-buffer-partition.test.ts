import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { buildNicSystem } from "../../system/build.js";

/**
 * The RX packet buffer split per class (RXPBSIZE in DCB mode, as the 82599), shared drop-tail (the
 * default), and shared with each queue held to its dynamic threshold: a flood of bulk to the
 * host, through an RX crypto engine slowed to a byte a cycle, filled a drop-tail pool and a
 * priority class far below its rate lost half its packets with it (from an architect's check).
 */
const SCENARIO = `name: rx-partition
seed: 1
durationMicroseconds: 300
nic:
  crypto_rx: { bytesPerCycle: 1 }
qos: |
  crypto isakmp profile g
   match identity host domain g.example
   set ipsec-qos-group 1
  crypto isakmp profile b
   match identity host domain b.example
   set ipsec-qos-group 3
  class-map match-any gold
   match qos-group 1
  class-map match-any bronze
   match qos-group 3
  policy-map edge
   class gold
    priority percent 10
   class bronze
    bandwidth percent 30
   class class-default
    bandwidth remaining percent 100
customers:
  - name: g
    identity: { type: ID_FQDN, value: gw.g.example }
    sas: 1
  - name: b
    identity: { type: ID_FQDN, value: gw.b.example }
    sas: 4
traffic:
  - name: voice
    customer: g
    direction: to-host
    packetBytes: 1400
    gapMicroseconds: 4
  - name: bulk
    customer: b
    direction: to-host
    packetBytes: 64
    load: 0.9
outputs:
  waveform: false
`;

describe("the RX packet buffer, shared or split per class", () => {
  const lostOf = (partition: string, sharedThreshold = 0) => {
    const { summary } = runScenario(parseScenarioText(SCENARIO, "rx-partition.yaml", { "nic.rx.bufferPartition": partition, "nic.rx.sharedThreshold": sharedThreshold }), { directory: null });
    const lost = (stream: string) => summary.flows.filter((flow) => flow.stream === stream).reduce((sum, flow) => sum + flow.lost, 0);
    return { voice: lost("voice"), bulk: lost("bulk"), drops: summary.countedDrops };
  };

  test("shared drop-tail (the default), bulk's flood drops the priority class's frames too; per class, or shared with each queue held to its dynamic threshold, only bulk's frames are dropped, and every voice packet arrives", () => {
    const dropTail = lostOf("shared");
    expect(dropTail.voice).toBeGreaterThan(10);
    for (const kept of [lostOf("per-class"), lostOf("shared", 1)]) {
      expect(kept.voice).toBe(0);
      expect(kept.bulk).toBeGreaterThan(0);
      expect(kept.drops).toBe(kept.bulk);
    }
  }, 60_000);

  test("split per class, a part that cannot hold the longest frame is refused before the run", () => {
    expect(() => runScenario(parseScenarioText(SCENARIO, "rx-partition.yaml", { "nic.rx.bufferPartition": "per-class", "nic.rx.bufferBytes": 32768 }), { directory: null })).toThrow(/bufferBytes.*must hold the longest frame/);
  });
});

// From a driver developer's check: shared, a buffer smaller than the longest frame was taken, and a frame longer than it dropped as
// RX_BUFFER_FULL with the buffer empty. Split per class each part was checked already.
test("a shared RX buffer that cannot hold the longest frame is refused when the NIC is built, as the parts split per class are", () => {
  const build = (parameters: Record<string, unknown>) => () => buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 1, "top.nic.maxFrameBytes": 20000, ...parameters } });
  expect(build({ "top.nic.rx.bufferBytes": 16384 })).toThrow("top.nic.rx.bufferBytes = 16384: shared, the buffer (16384 bytes) must hold the longest frame (top.nic.maxFrameBytes = 20000)");
  expect(build({ "top.nic.rx.bufferBytes": 20000 })).not.toThrow();
  expect(build({ "top.nic.rx.bufferBytes": 16384, "top.nic.rx.bufferPartition": "per-class" })).toThrow("must hold the longest frame");
});
