import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { replay } from "../../driver/caching/evaluate.js";
import { MetricPolicy, type MetricParameters, thresholdFromCosts } from "../../driver/caching/metric-policy.js";
import { BeladyMin, LeastFrequentlyUsed, LeastRecentlyUsed, RandomReplacement, StaticFirstCome } from "../../driver/caching/policies.js";
import type { SaAccess, SaRemoval } from "../../driver/caching/trace.js";
import { scanWorkload, shiftingWorkload, zipfWorkload } from "../../driver/caching/workloads.js";

const access = (sa: number, time: number): SaAccess => ({ sa, time, bytes: 100, direction: "tx" });
const base: MetricParameters = { initial: 10, installBonus: 5, perPacket: 2, decayFactor: 1, decayAmount: 3, decayPeriod: 1000, threshold: 4 };

describe("the metric policy, step by step (seed 003)", () => {
  test("claim 7: an SA starts at the initial value when the driver receives it", () => {
    const policy = new MetricPolicy(2, base);
    policy.received(7, 0);
    expect(policy.metric(7, 0)).toBe(10);
  });

  test("claims 8 and 9: each packet adds perPacket, being added to the cache adds installBonus", () => {
    const policy = new MetricPolicy(2, base);
    expect(policy.access(access(7, 10))).toEqual({ hit: false, installed: true, evicted: null });
    expect(policy.metric(7, 10)).toBe(10 + 2 + 5);
    expect(policy.access(access(7, 20))).toEqual({ hit: true, installed: false, evicted: null });
    expect(policy.metric(7, 20)).toBe(19);
  });

  test("claim 10: every period the metric decays, traffic or not, down to 0", () => {
    const policy = new MetricPolicy(2, base);
    policy.access(access(7, 10)); // 17
    expect(policy.metric(7, 999)).toBe(17);
    expect(policy.metric(7, 1000)).toBe(14);
    expect(policy.metric(7, 3500)).toBe(8);
    expect(policy.metric(7, 100_000)).toBe(0);
    const halving = new MetricPolicy(2, { ...base, decayFactor: 0.5, decayAmount: 0 });
    halving.access(access(1, 0)); // 17
    expect(halving.metric(1, 2000)).toBe(4.25);
  });

  test("claims 5 and 6: a non-cached SA replaces the lowest cached one only when it leads by the threshold", () => {
    const policy = new MetricPolicy(2, { ...base, decayAmount: 0 });
    policy.access(access(1, 0)); // 17, cached
    policy.access(access(2, 1)); // 17, cached
    policy.access(access(1, 2)); // 19
    // SA 3 climbs: 12, 14, … and must reach 17 + 4 = 21 to displace SA 2.
    const placements = [3, 4, 5, 6, 7].map((time) => policy.access(access(3, time)));
    expect(placements.map((placement) => placement.installed)).toEqual([false, false, false, false, false]);
    expect(policy.metric(3, 7)).toBe(20);
    expect(policy.access(access(3, 8))).toEqual({ hit: false, installed: true, evicted: 2 });
    expect(policy.metric(3, 8)).toBe(22 + 5);
    expect([...policy.cached()].sort()).toEqual([1, 3]);
  });

  test("the cost analysis: the threshold is the install cost in packets saved, in metric units", () => {
    expect(thresholdFromCosts({ installCycles: 6000, softwareCyclesPerPacket: 3300, hardwareCyclesPerPacket: 300 }, 2)).toBe(4);
    expect(thresholdFromCosts({ installCycles: 6000, softwareCyclesPerPacket: 300, hardwareCyclesPerPacket: 300 }, 1)).toBe(Infinity);
  });
});

describe("Belady's MIN is the bound", () => {
  const arbitraryTrace = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 300 }).map((sas) => sas.map((sa, index) => access(sa, index * 100)));
  test("no online policy gets more hits than MIN, on random traces and cache sizes", () => {
    const costs = { installCycles: 1000, softwareCyclesPerPacket: 2000, hardwareCyclesPerPacket: 100, softwareCyclesPerByte: 1 };
    fc.assert(
      fc.property(arbitraryTrace, fc.integer({ min: 1, max: 8 }), (trace, capacity) => {
        const best = replay(trace, new BeladyMin(capacity, trace), costs).hits;
        const online = [new StaticFirstCome(capacity), new LeastRecentlyUsed(capacity), new LeastFrequentlyUsed(capacity), new RandomReplacement(capacity, 3), new MetricPolicy(capacity, { ...base, decayPeriod: 500 })];
        for (const policy of online) expect(replay(trace, policy, costs).hits, policy.name).toBeLessThanOrEqual(best);
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  // Removals among the accesses, the ids used again after them (a hand-written trace): MIN fell below a static table where it kept a removed
  // SA for the accesses under its id after the removal (an outside check).
  test("nor with SAs removed and their ids used again after", () => {
    const costs = { installCycles: 1000, softwareCyclesPerPacket: 2000, hardwareCyclesPerPacket: 100, softwareCyclesPerByte: 1 };
    const removalsOf = (trace: readonly SaAccess[], picks: readonly number[]): SaRemoval[] =>
      [...new Set(picks.map((pick) => pick % (trace.length + 1)))].sort((a, b) => a - b).map((after) => ({ sa: trace[Math.max(0, after - 1)]!.sa, time: after * 100 - 50, direction: "tx" as const, after }));
    fc.assert(
      fc.property(arbitraryTrace, fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 8 }), (trace, picks, capacity) => {
        const removals = removalsOf(trace, picks);
        const best = replay(trace, new BeladyMin(capacity, trace, removals), costs, undefined, removals).hits;
        const online = [new StaticFirstCome(capacity), new LeastRecentlyUsed(capacity), new LeastFrequentlyUsed(capacity), new RandomReplacement(capacity, 3), new MetricPolicy(capacity, { ...base, decayPeriod: 500 })];
        for (const policy of online) expect(replay(trace, policy, costs, undefined, removals).hits, policy.name).toBeLessThanOrEqual(best);
      }),
      { numRuns: 300, seed: 5 },
    );
    // The outside check's trace: SA 1, SA 2, SA 2 removed, SA 2 again, SA 1; one entry. Static keeps SA 1 and hits it; so does MIN now.
    const trace = [access(1, 1000), access(2, 2000), access(2, 3000), access(1, 4000)];
    const removals: SaRemoval[] = [{ sa: 2, time: 2500, direction: "tx", after: 2 }];
    expect(replay(trace, new BeladyMin(1, trace, removals), costs, undefined, removals).hits).toBe(1);
  });

  test("on the generated workloads too", () => {
    const shape = { sas: 64, packets: 4000, meanGap: 1_000_000, bytes: 1400, seed: 2 };
    const costs = { installCycles: 4000, softwareCyclesPerPacket: 3600, hardwareCyclesPerPacket: 300, softwareCyclesPerByte: 0 };
    for (const trace of [zipfWorkload(shape, 0.8), zipfWorkload(shape, 1.1), shiftingWorkload(shape, 16, 500), scanWorkload(shape, 16, 400, 40)]) {
      for (const capacity of [4, 16, 32]) {
        const best = replay(trace, new BeladyMin(capacity, trace), costs).hits;
        for (const policy of [new LeastRecentlyUsed(capacity), new LeastFrequentlyUsed(capacity), new MetricPolicy(capacity, base)]) {
          expect(replay(trace, policy, costs).hits).toBeLessThanOrEqual(best);
        }
      }
    }
  });
});

describe("the evaluator", () => {
  test("writes a table, JSON and an SVG; MIN is 1.00 of itself and every policy is at most 1.00", async () => {
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { evaluatePolicies, runPolicyEvaluation } = await import("../../system/policy-eval.js");
    const rows = evaluatePolicies();
    expect(rows).toHaveLength(15);
    for (const row of rows) {
      expect(row.outcomes.at(-1)!.ofMin).toBe(1);
      for (const outcome of row.outcomes) expect(outcome.ofMin).toBeLessThanOrEqual(1);
    }
    const base = join(mkdtempSync(join(tmpdir(), "nicsim-policy-")), "eval");
    const { files } = runPolicyEvaluation(base);
    expect(files).toHaveLength(3);
    expect(readFileSync(`${base}.svg`, "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    expect(JSON.parse(readFileSync(`${base}.json`, "utf8"))).toHaveLength(15);
  });
});

describe("the metric policy in the running driver", () => {
  test("when popularity moves, it replaces cached SAs by hot ones without losing a packet", async () => {
    const { tunnelledSystem } = await import("../support/tunnels.js");
    const { sequencedPacket } = await import("../../sim/packet/test-frames.js");
    const { delay } = await import("../../sim/process.js");
    const { us } = await import("../../sim/time.js");
    const { kernel, top, peer, atPeer } = tunnelledSystem(4, {
      "top.nic.sacache.txEntries": 2,
      "top.driver.intermediate.placement": "metric",
      "top.driver.intermediate.metric.decayPeriodNanoseconds": 20_000,
    });
    const intermediate = top.driver.intermediate;
    let sent = 0;
    kernel.process("traffic", function* () {
      yield top.driver.base.whenReady();
      // First customers 0 and 1 are hot, then 2 and 3.
      for (const hot of [[0, 1], [2, 3]]) {
        for (let round = 0; round < 60; round++) {
          for (const customer of hot) {
            yield* intermediate.send(sequencedPacket("to-peer", customer, sent++, 400));
            yield delay(us(1));
          }
        }
      }
    });
    kernel.run({ until: us(2000) });
    expect(atPeer).toHaveLength(sent);
    expect(peer.drops.size).toBe(0);
    expect(top.nic.statistics.drops.size).toBe(0);
    expect(intermediate.counts.evictions).toBe(2);
    const cached = top.driver.base.saTable.installed("tx").map((pointer) => intermediate.sadb.byRecord(pointer)!.parameters.spi);
    expect(cached.sort()).toEqual([0x1002, 0x1003]);
    expect(intermediate.policy.name).toBe("metric");
  });
});

describe("the metric's decay over many periods at once", () => {
  test("is the same as period by period, however long the SA was idle (no cut-off after some hundreds of periods)", async () => {
    const { decayed } = await import("../../driver/caching/metric-policy.js");
    const stepwise = (metric: number, steps: number, factor: number, amount: number) => {
      for (let step = 0; step < steps; step++) metric = Math.max(0, metric * factor - amount);
      return metric;
    };
    for (const [metric, steps, factor, amount] of [[100, 513, 0.999, 0], [10_000, 513, 1, 1], [100, 3, 0.5, 1], [5, 40, 0.9, 0.2], [1e6, 2000, 0.999, 0.01], [7, 0, 0.5, 3]] as const) {
      expect(decayed(metric, steps, factor, amount)).toBeCloseTo(stepwise(metric, steps, factor, amount), 6);
    }
    expect(decayed(100, 513, 0.999, 0)).toBeCloseTo(59.85, 2);
    expect(decayed(10_000, 513, 1, 1)).toBe(9487);
  });
});

describe("a replay's figures, counted by hand (from an IPsec user's check)", () => {
  // SAs 1,2,1,3,1,2,3,1 of 1400 bytes, 1 µs apart from 1 ms on: 7 µs of trace.
  const trace = [1, 2, 1, 3, 1, 2, 3, 1].map((sa, index) => ({ sa, time: 1_000_000_000 + index * 1_000_000, bytes: 1400, direction: "tx" as const }));
  const costs = { installCycles: 4000, softwareCyclesPerPacket: 1500, hardwareCyclesPerPacket: 300, softwareCyclesPerByte: 1.5 };
  const software = costs.softwareCyclesPerPacket + costs.softwareCyclesPerByte * 1400;

  test("every miss goes through software, its SA installed or not: LRU of 1 entry hits nothing, so no byte is the NIC's (it said 100 %) and each packet costs software ESP and an install", () => {
    const outcome = replay(trace, new LeastRecentlyUsed(1), costs);
    expect({ hits: outcome.hits, installs: outcome.installs, evictions: outcome.evictions }).toEqual({ hits: 0, installs: 8, evictions: 7 });
    expect(outcome.hardwareByteShare).toBe(0);
    expect(outcome.softwareCycles).toBe(8 * (software + costs.installCycles));
  });

  test("installs per second are over the trace's span, first record to last (it divided by the time from 0: 993/s for 8 installs in 7 µs)", () => {
    const outcome = replay(trace, new LeastRecentlyUsed(2), costs);
    // LRU of 2: 1, 2 miss; 1 hits; 3 misses (evicts 2); 1 hits; 2 misses (evicts 3); 3 misses (evicts 1); 1 misses (evicts 2).
    expect({ hits: outcome.hits, installs: outcome.installs }).toEqual({ hits: 2, installs: 6 });
    expect(outcome.hardwareByteShare).toBe(2 / 8);
    expect(outcome.installsPerSecond).toBeCloseTo(6 / 7e-6, 6);
  });

  test("a run's trace replayed each way has its installs per second over the whole trace's span, not the direction's own (one RX record at the trace's end had a rate of 0, two 1 ps apart one of 1e12/s)", async () => {
    const { evaluatePolicies, MODEL_COSTS } = await import("../../system/policy-eval.js");
    const recorded = [
      ...[1, 1, 2, 1].map((sa, index) => ({ sa, time: (index + 1) * 1_000_000, bytes: 100, direction: "tx" as const })),
      { sa: 7, time: 4_000_000, bytes: 1000, direction: "rx" as const },
    ];
    const rows = evaluatePolicies(MODEL_COSTS, 1, [{ name: "t", trace: recorded, tableEntries: { tx: 1, rx: 1 } }]);
    const lru = (workload: string) => rows.find((row) => row.workload === workload)!.outcomes.find((outcome) => outcome.policy === "lru")!;
    // 3 µs from the first record to the last: RX's one install, TX's three (1, 2 and 1 again in one entry).
    expect(lru("t rx").installsPerSecond).toBeCloseTo(1 / 3e-6, 3);
    expect(lru("t tx").installsPerSecond).toBeCloseTo(3 / 3e-6, 3);
    // A short trace's software cycles are shown, not rounded to 0.000 Gcycles (an outside check).
    const { formatEvaluation } = await import("../../system/policy-eval.js");
    const cell = formatEvaluation(rows).split("\n").find((line) => line.startsWith("| t tx "))!.split("|").at(-2)!.trim();
    expect(cell).not.toBe("0.000");
    expect(Math.abs((Number(cell) * 1e9) / lru("t tx").softwareCycles - 1)).toBeLessThan(0.05);
  });
});
