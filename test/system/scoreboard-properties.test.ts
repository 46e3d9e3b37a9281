import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/** How many random scenarios: 200 in the suite, thousands under `npm run fuzz`. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const CLASSES = ["gold", "silver", "bronze"];

/** A random small scenario: customers, SAs against a table, traffic mix and priorities and spread over the SAs, fill mode, placement (and the metric policy's periods and threshold), crypto policy in the NIC and on the host, the host's cores and check interval, interrupt moderation, DMA latency spikes, the gateway's faults, SAs rekeyed and deleted mid-flight, and interrupt storms. */
const scenarios = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    durationMicroseconds: fc.integer({ min: 15, max: 50 }),
    tableEntries: fc.integer({ min: 1, max: 8 }),
    fill: fc.constantFrom("driver", "pointer"),
    placement: fc.constantFrom("token", "metric"),
    policy: fc.constantFrom("preempt-resume", "preempt-restart", "run-to-completion"),
    engines: fc.integer({ min: 1, max: 2 }),
    bytesPerCycle: fc.constantFrom(4, 8, 16, 32),
    extraLatency: fc.constantFrom(0, 0, 40, 200),
    cores: fc.constantFrom(1, 2, 4, 8),
    hostPolicy: fc.constantFrom("preempt-resume", "preempt-restart", "run-to-completion"),
    checkBytes: fc.constantFrom(16, 256, 4096),
    switchCycles: fc.constantFrom(0, 300),
    interruptInterval: fc.constantFrom(0, 0, 10_000),
    metric: fc.record({ decayPeriodNanoseconds: fc.constantFrom(2_000, 100_000), policyPeriodNanoseconds: fc.constantFrom(0, 5_000, 50_000), threshold: fc.constantFrom(-1, 0, 2), replaceOnMiss: fc.boolean() }),
    customers: fc.array(fc.record({ sas: fc.integer({ min: 1, max: 4 }), group: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 3 }),
    streams: fc.array(
      fc.record({
        customer: fc.nat(),
        direction: fc.constantFrom("to-peer", "to-host", "both"),
        packetBytes: fc.integer({ min: 64, max: 1500 }),
        load: fc.option(fc.double({ min: 0.02, max: 0.35, noNaN: true }), { nil: undefined }),
        gapMicroseconds: fc.double({ min: 0.5, max: 8, noNaN: true }),
        pattern: fc.constantFrom("poisson", "constant"),
        spread: fc.constantFrom("even", "zipf"),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    corrupt: fc.constantFrom(0, 0, 0.03),
    replay: fc.constantFrom(0, 0, 0.03),
    rekeys: fc.constantFrom(0, 0, 1, 2),
    deletes: fc.constantFrom(0, 0, 1, 2),
    interruptStorms: fc.constantFrom(0, 0, 1),
  })
  .map((draw): ScenarioInput => ({
    name: "random",
    seed: draw.seed,
    durationMicroseconds: draw.durationMicroseconds,
    nic: {
      sacache: { txEntries: draw.tableEntries, rxEntries: draw.tableEntries },
      crypto_tx: { policy: draw.policy, engines: draw.engines, bytesPerCycle: draw.bytesPerCycle },
      crypto_rx: { policy: draw.policy, engines: draw.engines, bytesPerCycle: draw.bytesPerCycle },
      dma: { extraLatencyMaximum: draw.extraLatency },
    },
    driver: {
      cpu: { cores: draw.cores, policy: draw.hostPolicy, checkBytes: draw.checkBytes, switchCycles: draw.switchCycles },
      base: { saFill: draw.fill, interruptIntervalNanoseconds: draw.interruptInterval },
      intermediate: { placement: draw.placement, ...(draw.placement === "metric" ? { metric: draw.metric } : {}) },
    },
    // Group 4 has no profile: its SAs are untagged and fall back to the inner DSCP.
    qos: [
      ...draw.customers.flatMap((customer, index) => (customer.group <= 3 ? [`crypto isakmp profile c${index}`, ` match identity host domain c${index}.example`, ` set ipsec-qos-group ${customer.group}`] : [])),
      ...CLASSES.flatMap((name, index) => [`class-map match-any ${name}`, ` match qos-group ${index + 1}`]),
      "policy-map edge",
      " class gold",
      "  priority percent 10",
      " class silver",
      "  bandwidth percent 40",
      " class bronze",
      "  bandwidth percent 30",
    ].join("\n"),
    customers: draw.customers.map((customer, index) => ({ name: `c${index}`, identity: { type: "ID_FQDN" as const, value: `gw.c${index}.example` }, sas: customer.sas })),
    traffic: draw.streams.map((stream, index) => ({
      name: `s${index}`,
      customer: `c${stream.customer % draw.customers.length}`,
      direction: stream.direction,
      packetBytes: stream.packetBytes,
      pattern: stream.pattern,
      spread: stream.spread,
      ...(stream.load !== undefined ? { load: stream.load } : { gapMicroseconds: stream.gapMicroseconds }),
    })),
    faults: { corruptProbability: draw.corrupt, replayProbability: draw.replay, rekeys: draw.rekeys, deletes: draw.deletes, interruptStorms: draw.interruptStorms },
    outputs: { waveform: false, pcap: false, html: false },
  }));

describe("the scoreboards hold on random scenarios", () => {
  test(`${RUNS} random scenarios: every packet delivered once and intact or dropped with a counted reason, per-SA order on the wire, counters agreeing, the NIC never evicting on its own`, () => {
    let runs = 0;
    fc.assert(
      fc.property(scenarios, (input) => {
        runs++;
        const { summary } = runScenario(checkScenario(input), { directory: null });
        // A failure prints fast-check's seed and the scenario: replay it with that seed, or run the scenario as a file.
        expect(summary.violations, JSON.stringify(input)).toEqual([]);
        expect(summary.outcome, JSON.stringify(input)).not.toMatch(/^stopped/);
        // With pointer fill the driver keeps at most a table's worth of SAs: the NIC never has to push one out itself.
        expect(summary.ipsec.evictions.byPointerFetch, JSON.stringify(input)).toBe(0);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 2026) },
    );
    expect(runs).toBe(RUNS);
  }, Math.max(120_000, RUNS * 2_000));
});
