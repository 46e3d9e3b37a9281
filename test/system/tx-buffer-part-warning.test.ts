import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

/** Gold small and within its rate; silver's minimum of 50 % in 9000-byte packets, bronze's of 20 % in 1400-byte ones, both offered more than the line. */
const MIX = `name: mix
seed: 1
durationMicroseconds: 600
nic:
  sacache: { txEntries: 16, rxEntries: 8 }
  crypto_tx: { engines: 7, bytesPerCycle: 1 }
qos: |
  crypto isakmp profile g
   match identity host domain g.example
   set ipsec-qos-group 1
  crypto isakmp profile s
   match identity host domain s.example
   set ipsec-qos-group 2
  crypto isakmp profile b
   match identity host domain b.example
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
    bandwidth percent 50
   class bronze
    bandwidth percent 20
   class class-default
    bandwidth remaining percent 100
customers:
  - { name: g, identity: { type: ID_FQDN, value: gw.g.example }, sas: 1 }
  - { name: s, identity: { type: ID_FQDN, value: gw.s.example }, sas: 4 }
  - { name: b, identity: { type: ID_FQDN, value: gw.b.example }, sas: 4 }
traffic:
  - { name: voice, customer: g, direction: to-peer, packetBytes: 64, load: 0.05 }
  - { name: bulkS, customer: s, direction: to-peer, packetBytes: 9000, load: 0.8 }
  - { name: bulkB, customer: b, direction: to-peer, packetBytes: 1400, load: 0.8 }
outputs:
  waveform: false
`;

const bufferWarnings = (overrides: Record<string, unknown> = {}, text = MIX) => parseScenarioText(text, "mix.yaml", overrides).warnings.filter((warning) => warning.includes("TX buffer split per class"));

/**
 * Slow TX crypto engines and jumbo frames: the class's part of the TX buffer holds three of its frames, each in an engine
 * for 36 µs, which caps it at a quarter of the line whatever its minimum (from an architect's check: silver's 50 % got
 * 0.20 of the line and bronze's 20 % 0.36, with no warning, or one that blamed framesInFlight).
 */
describe("a minimum class whose TX buffer part holds too few of its frames for slow crypto engines is warned of", () => {
  test("the part, the frames it holds, their time in an engine and the most of the line the class can get, at the policy's line", () => {
    expect(bufferWarnings()).toEqual([
      "mix.yaml:7:1: warning: the TX buffer split per class gives class 6 ('silver', bandwidth percent 50) a part of 31 KB (TXPBSIZE as the driver programs it: nic.tx.bufferBytes = 163840, less one longest frame for each of the 4 queues no class uses, over the 4 in use), which holds 3 of its 9070-byte frames (stream 'bulkS'); each holds it at least 39.5 µs (its read's latency, 1 byte a cycle of 250 MHz in a TX crypto engine and the engine's latency, and its time on the wire), so the class gets at most 22.1 % of the line, under its 50 %: a larger buffer, fewer queues in use or faster engines lift this bound",
    ]);
  });

  test("not where the part holds a frame for every engine, the engines are fast enough, the buffer is shared, or the NIC does not encrypt", () => {
    expect(bufferWarnings({ "nic.tx.bufferBytes": 327680 })).toEqual([]);
    expect(bufferWarnings({ "nic.crypto_tx.bytesPerCycle": 4 })).toEqual([]);
    expect(bufferWarnings({ "nic.tx.bufferPartition": "shared" })).toEqual([]);
    expect(bufferWarnings({ "driver.intermediate.offload": false })).toEqual([]);
    // Given, the buffer's size is where the warning points.
    expect(bufferWarnings({ "nic.tx.bufferBytes": 196608 })[0]).toMatch(/^--set nic\.tx\.bufferBytes: warning: .* a part of 39 KB .* holds 4 of its 9070-byte frames/);
  });

  // From a re-check: the read's latency and the frame's own wire time hold the part too (a cap of 32.3 % said nothing of a class of 32 % that got 28 to 31);
  // a class of mixed sizes is bounded at its size that gives the most (its 9000-byte stream of 0.01 capped one that reached its 30 %); frames through
  // software ESP, their SAs not all in the table, bypass the engines (the cap was beaten).
  test("the bound counts the read and the wire, takes a class's most favourable size, and holds only where every SA fits the TX table", () => {
    const narrow = MIX.replace("bandwidth percent 50", "bandwidth percent 32").replace("bandwidth percent 20", "bandwidth percent 5");
    expect(bufferWarnings({ "nic.tx.bufferBytes": 196608 }, narrow)).toHaveLength(1);
    const mixed = MIX.replace("  - { name: bulkB,", "  - { name: bulkS2, customer: s, direction: to-peer, packetBytes: 1400, load: 0.8 }\n  - { name: bulkB,");
    expect(bufferWarnings({}, mixed)).toEqual([]);
    expect(bufferWarnings({ "nic.sacache.txEntries": 8 })).toEqual([]);
  });

  test("the run stays under the bound: silver, with the larger minimum, gets no more of the line than bronze", () => {
    const { summary } = runScenario(parseScenarioText(MIX, "mix.yaml"), { directory: null });
    const gigabits = (name: string) => summary.classes.find((entry) => entry.className === name && entry.direction === "to-peer")!.gigabitsPerSecond;
    expect(gigabits("silver")).toBeLessThanOrEqual(0.221 * 25);
    expect(gigabits("silver")).toBeLessThan(gigabits("bronze") * 1.1);
  }, 60_000);
});
