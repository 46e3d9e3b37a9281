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

/** A class's share of the line over the traffic's settled part (300 to 600 µs), from the summary's samples: its mean over the whole run takes in the drain after the traffic. */
function lineShare(summary: ReturnType<typeof runScenario>["summary"], trafficClass: number): number {
  const window = summary.samples.filter((sample) => sample.time >= 300 && sample.time < 600);
  return window.reduce((sum, sample) => sum + sample.toPeerGbps[trafficClass]!, 0) / window.length / 25;
}

/**
 * Slow TX crypto engines and jumbo frames: the class's part of the TX buffer holds three of its frames, each held at least
 * 40.6 µs, which caps it below what the policy promises it, whatever its minimum (from an architect's check: silver's 50 %
 * got 0.20 of the line and bronze's 20 % 0.36, with no warning, or one that blamed framesInFlight). The engines (7 of 1 byte a
 * cycle, 14 Gb/s of data) are slower than the 25 Gb/s line, so the policy promises silver 50 % of them and, with bronze, its weight's
 * half of the 20 % that gold's 10 % and the minimums leave: 60 %, 33.9 % of the line.
 */
describe("a class whose TX buffer part holds too few of its frames for what the policy promises it is warned of", () => {
  test("the part, the frames it holds, their time from read to wire, the most of the line the class can get, and the promise, of the engines where they are slower than the line", () => {
    expect(bufferWarnings()).toEqual([
      "mix.yaml:7:1: warning: the TX buffer split per class gives class 6 ('silver', bandwidth percent 50) a part of 31 KB (TXPBSIZE as the driver programs it: nic.tx.bufferBytes = 163840, less one longest frame for each of the 4 queues no class uses, over the 4 in use), which holds 3 of its 9070-byte frames (stream 'bulkS'); each holds it at least 40.6 µs (its read, 1 byte a cycle of 250 MHz in a TX crypto engine and the engine's latency, and its time on the wire), so the class gets at most 21.5 % of the line, under its 60 % (its minimum of 50 % and its weight's part, 10 %, of what the priority classes and minimums leave) of the TX crypto engines (slower than the line: 33.9 % of the line): a larger buffer, fewer queues in use or faster engines lift this bound",
    ]);
    // Given, the buffer's size is where the warning points.
    expect(bufferWarnings({ "nic.tx.bufferBytes": 114688 })[0]).toMatch(/^--set nic\.tx\.bufferBytes: warning: .* holds 2 of its 9070-byte frames .* at most 14\.3 % of the line, under its 60 % \(its minimum of 50 % and its weight's part, 10 %/);
  });

  // From an architect's check: compared with 50 % of the line, the part was said to hold silver back where it got its promise or more:
  // 0.356 of the line with 256 KB, 0.19 with four engines (promised 0.162).
  test("not where the part lets the class reach its promise: a larger buffer, fewer or faster engines, a shared buffer, or no encryption in the NIC", () => {
    for (const overrides of [{ "nic.tx.bufferBytes": 262144 }, { "nic.crypto_tx.engines": 4 }, { "nic.crypto_tx.bytesPerCycle": 4 }, { "nic.tx.bufferPartition": "shared" }, { "driver.intermediate.offload": false }]) {
      expect(bufferWarnings(overrides), JSON.stringify(overrides)).toEqual([]);
    }
  });

  // From a re-check: with the DMA's reads the bottleneck (2 bytes a cycle, 0.16 of the line) silver got 0.078 with any buffer, and was warned of;
  // a class offering 0.1 got all of it, and was warned of for falling under 28.3 %.
  test("not where the DMA's reads, slower still, are what the class gets its share of, nor for a class offering less than its part carries", () => {
    expect(bufferWarnings({ "nic.dma.bytesPerCycle": 2 })).toEqual([]);
    expect(bufferWarnings({}, MIX.replace("packetBytes: 9000, load: 0.8", "packetBytes: 9000, load: 0.1"))).toEqual([]);
    // Offering more than its part carries but less than its promise, it is warned of against what it offers.
    expect(bufferWarnings({}, MIX.replace("packetBytes: 9000, load: 0.8", "packetBytes: 9000, load: 0.25"))[0]).toMatch(/at most 21\.5 % of the line, under the 25 % of the line it offers/);
  });

  // From the same check, shortfalls it did not warn of: a class of two sizes bounded by its most favourable one (a stream of 1 %),
  // a priority class, and a part holding a frame for every engine. Software ESP, where the SAs do not all fit the TX table, bypasses the engines.
  test("a class of several sizes is bounded by what each offers; priority classes and parts holding a frame for every engine are bounded too; not where software ESP bypasses the engines", () => {
    const withSmall = (load: number) => MIX.replace("  - { name: bulkB,", `  - { name: bulkS2, customer: s, direction: to-peer, packetBytes: 1400, load: ${load} }\n  - { name: bulkB,`);
    expect(bufferWarnings({}, withSmall(0.01))[0]).toMatch(/holds 3 of its 9070-byte frames \(stream 'bulkS', the most offered of its 2 streams\); .* at most 21\.7 % of the line, under its 60 % \(its minimum of 50 % and its weight's part, 10 %, of what the priority classes and minimums leave\) of the TX crypto engines/);
    // Each size takes its own fraction of the part's time: the bound is their harmonic mean (the plain mean said 35 % of a tenth of 1400-byte frames, and nothing; silver got 0.220).
    expect(bufferWarnings({}, withSmall(0.1))[0]).toMatch(/at most 23\.7 % of the line, under its 60 % .* of the TX crypto engines \(slower than the line: 34\.1 % of the line\)/);
    expect(bufferWarnings({}, withSmall(0.8))).toEqual([]);
    const jumboGold = MIX.replace("priority percent 10", "priority percent 50")
      .replace("bandwidth percent 50", "bandwidth percent 20")
      .replace("{ name: voice, customer: g, direction: to-peer, packetBytes: 64, load: 0.05 }", "{ name: voice, customer: g, direction: to-peer, packetBytes: 9000, load: 0.8 }")
      .replace("{ name: bulkS, customer: s, direction: to-peer, packetBytes: 9000, load: 0.8 }", "{ name: bulkS, customer: s, direction: to-peer, packetBytes: 1400, load: 0.8 }");
    expect(bufferWarnings({}, jumboGold)).toEqual([expect.stringMatching(/gives class 7 \('gold', priority percent 50\) .* at most 21\.5 % of the line, under its 50 % of the TX crypto engines/)]);
    const oneFast = MIX.replace("bandwidth percent 50", "bandwidth percent 80").replace("bandwidth percent 20", "bandwidth percent 10");
    expect(bufferWarnings({ "nic.crypto_tx.engines": 1, "nic.crypto_tx.bytesPerCycle": 4, "nic.tx.bufferBytes": 81920 }, oneFast)[0]).toMatch(/a part of 11 KB .* holds 1 of its 9070-byte frames .* at most 21\.4 % of the line, under its 80 % of the TX crypto engines \(slower than the line: 25\.9 % of the line\)/);
    expect(bufferWarnings({ "nic.sacache.txEntries": 8 })).toEqual([]);
  });

  // From an outside check: a class with neither a minimum nor a priority rate (class-default in jumbo frames) fell short of what the policy
  // leaves it with no word. Gold's 10 %, silver's and bronze's minimums leave 60 % of the engines, class-default's by its weight of 100
  // against silver's and bronze's 1 each (the driver's equal split of nothing left, which TX_SCHED's reader counts 1): 58.8 %, 33.3 % of the
  // line in 9070-byte frames. With silver's minimum 50 % they leave 20 % (11.1 % of the line), which its part carries.
  const withDefault = (silverPercent: number) =>
    MIX.replace("bandwidth percent 50", `bandwidth percent ${silverPercent}`)
      .replace("  - { name: b, identity: { type: ID_FQDN, value: gw.b.example }, sas: 4 }", "  - { name: b, identity: { type: ID_FQDN, value: gw.b.example }, sas: 4 }\n  - { name: d, identity: { type: ID_FQDN, value: gw.d.example }, sas: 2 }")
      .replace("outputs:", "  - { name: bulkD, customer: d, direction: to-peer, packetBytes: 9000, load: 0.8 }\noutputs:");
  test("a class with only a weight of what the others leave is promised its part of it, and is warned of, and the run agrees", () => {
    const warnings = bufferWarnings({}, withDefault(10));
    expect(warnings).toEqual([expect.stringMatching(/gives class 0 \('class-default', bandwidth remaining percent 100\) a part of 31 KB .* holds 3 of its 9070-byte frames \(stream 'bulkD'\); .* at most 21\.5 % of the line, under its 58\.8 % \(its weight's part of what the priority classes and minimums leave\) of the TX crypto engines \(slower than the line: 33\.3 % of the line\)/)]);
    expect(bufferWarnings({}, withDefault(50)).filter((warning) => warning.includes("class-default"))).toEqual([]);
    const got = lineShare(runScenario(parseScenarioText(withDefault(10), "mix.yaml"), { directory: null }).summary, 0);
    expect(got).toBeLessThanOrEqual(0.215);
    expect(got).toBeLessThan(0.333);
  }, 60_000);

  // From its re-check: with no class-default line and the written weights taking all 100, the driver's equal split gave class-default 0,
  // which TX_SCHED's reader counts 1; taken as 0 it was promised nothing, and got 0.213 of the 0.396 it is owed, with no word.
  test("a class the driver's equal split gives no weight counts 1, as the device takes it, and the warning says where its weight comes from", () => {
    const text = withDefault(50)
      .replace("   class silver\n    bandwidth percent 50", "   class silver\n    bandwidth remaining percent 100")
      .replace("   class class-default\n    bandwidth remaining percent 100\n", "")
      .replace(/  - \{ name: bulk[SB],.*\n/g, "");
    expect(bufferWarnings({}, text)).toEqual([expect.stringMatching(/gives class 0 \('class-default', no bandwidth remaining percent: the driver's equal split, 1\) .* at most 21\.5 % of the line, under its 70 % \(its weight's part of what the priority classes and minimums leave\) of the TX crypto engines \(slower than the line: 39\.6 % of the line\)/)]);
  });

  test("the runs agree: silver stays under the bound where it is warned of, and reaches its promise where it is not", () => {
    const silver = (overrides: Record<string, unknown>) => lineShare(runScenario(parseScenarioText(MIX, "mix.yaml", overrides), { directory: null }).summary, 6);
    const warned = silver({});
    expect(warned).toBeLessThanOrEqual(0.215);
    expect(warned).toBeLessThan(0.339);
    // Four engines: its minimum, 50 % of them, is 0.162 of the line, which the part does not stand in the way of. With its part of the excess it is
    // promised 60 %, 0.194, and gets 0.175 (0.204 with 640 KB) with no word: the cap, 0.215, is an upper bound the part's waits keep it under (README).
    expect(silver({ "nic.crypto_tx.engines": 4 })).toBeGreaterThanOrEqual(0.162);
  }, 60_000);

  // From an outside check: a class with a minimum was checked against its minimum alone, though the scheduler gives it its weight's part of
  // the excess too. Silver's 10 % and weight 90 (bronze, with no weight written, gets the driver's equal split of the 10 left, 5) are owed
  // 10 % and 90/95 of the 60 % left, 66.8 % of the engines (0.378 of the line); its part caps it at 0.215, and its minimum alone hid that.
  test("a class with a minimum is promised its weight's part of the excess too, and the runs agree", () => {
    const text = MIX.replace("bandwidth percent 50", "bandwidth percent 10\n    bandwidth remaining percent 90").replace("   class class-default\n    bandwidth remaining percent 100\n", "");
    expect(bufferWarnings({}, text)).toEqual([
      expect.stringMatching(/gives class 6 \('silver', bandwidth percent 10\) .* at most 21\.5 % of the line, under its 66\.8 % \(its minimum of 10 % and its weight's part, 56\.8 %, of what the priority classes and minimums leave\) of the TX crypto engines \(slower than the line: 37\.8 % of the line\)/),
    ]);
    const silver = (overrides: Record<string, unknown>) => lineShare(runScenario(parseScenarioText(text, "mix.yaml", overrides), { directory: null }).summary, 6);
    const warned = silver({});
    expect(warned).toBeLessThanOrEqual(0.215);
    expect(warned).toBeGreaterThanOrEqual(0.057);
    // A part that holds enough of its frames lets it reach what it is owed.
    expect(bufferWarnings({ "nic.tx.bufferBytes": 655360 }, text)).toEqual([]);
    expect(silver({ "nic.tx.bufferBytes": 655360 })).toBeGreaterThanOrEqual(0.378);
  }, 60_000);
});
