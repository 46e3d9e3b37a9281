import { describe, expect, test } from "vitest";
import type { MetricPlacement } from "../../driver/caching/metric-placement.js";
import { thresholdFromCosts } from "../../driver/caching/metric-policy.js";
import type { IpsecSa } from "../../driver/intermediate/sadb.js";
import * as R from "../../hw/spec/registers.js";
import { spi } from "../../sim/ipsec/esp.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * Seed 003 in the running driver, a claim step each: the metric of each SA as the intermediate
 * driver's placement policy keeps it, while real packets go through the NIC or software ESP.
 * Customer i's tunnel has outbound SA 0x1000 + i and inbound SA 0x2000 + i, traffic class i.
 */
function metricSystem(metric: Record<string, unknown>, parameters: Record<string, unknown> = {}) {
  const prefixed = Object.fromEntries(Object.entries(metric).map(([key, value]) => [`top.driver.intermediate.metric.${key}`, value]));
  const run = tunnelledSystem(3, { "top.driver.intermediate.placement": "metric", "top.nic.sacache.txEntries": 1, "top.nic.sacache.rxEntries": 1, ...prefixed, ...parameters });
  const intermediate = run.top.driver.intermediate;
  const policy = intermediate.policy as MetricPlacement;
  const sa = (value: number): IpsecSa => intermediate.sadb.all().find((entry) => entry.parameters.spi === value)!;
  const metricOf = (value: number) => policy.metrics.metric(sa(value), run.kernel.now);
  /** Send `count` packets of customer `customer` from the host, `gap` µs apart, from `at` µs. */
  const send = (customer: number, count: number, at: number, gap = 2) =>
    run.kernel.process(`send${customer}_${at}`, function* () {
      yield run.top.driver.base.whenReady();
      yield delay(Math.max(0, us(at) - run.kernel.now));
      for (let index = 0; index < count; index++) {
        yield* intermediate.send(sequencedPacket("to-peer", customer, at * 1000 + index, 300));
        yield delay(us(gap));
      }
    });
  return { ...run, intermediate, policy, sa, metricOf, send };
}

// No decay unless a test asks for it: every metric below is then exact.
const STEADY = { decayFactor: 1, decayAmount: 0, policyPeriodNanoseconds: 0 };

describe("seed 003 in the running driver, claim by claim", () => {
  test("claim 7: every SA's metric is the initial value from the moment the driver receives it (negotiated, or a rekey's new SA)", () => {
    const run = metricSystem({ ...STEADY, initial: 5 });
    const known = [...run.policy.metrics.known()];
    expect(known).toHaveLength(6);
    expect(new Set(known)).toEqual(new Set(run.intermediate.sadb.all()));
    for (const entry of known) expect(run.policy.metrics.metric(entry, 0)).toBe(5);
    let fresh: IpsecSa | null = null;
    run.kernel.process("rekey", function* () {
      yield run.top.driver.base.whenReady();
      run.policy.packet(run.sa(0x1001), 300, run.kernel.now);
      fresh = yield* run.intermediate.rekeySa(run.sa(0x1001), spi(0x3001), new Uint8Array(20).fill(9));
    });
    run.kernel.run({ until: us(40) });
    // The new SA starts at the initial value; the old one, gone, is forgotten.
    expect(run.policy.metrics.metric(fresh!, run.kernel.now)).toBe(5);
    expect([...run.policy.metrics.known()]).toContain(fresh);
    expect([...run.policy.metrics.known()].map((entry) => entry.parameters.spi)).not.toContain(0x1001);
  });

  test("claims 8 and 9: each packet adds perPacket on either path and either way, and entering the NIC's table adds installBonus", () => {
    const run = metricSystem({ ...STEADY, initial: 0, installBonus: 10, perPacket: 2 });
    // Customer 0's outbound SA takes the one TX entry; customer 1's then stays in software.
    run.send(0, 4, 0);
    run.send(1, 3, 20);
    run.kernel.process("peer", function* () {
      yield run.top.driver.base.whenReady();
      for (let index = 0; index < 5; index++) {
        run.peer.send(2, sequencedPacket("to-host", 2, index, 300));
        yield delay(us(3));
      }
    });
    run.kernel.run({ until: us(80) });
    const counts = run.intermediate.counts;
    expect(counts.hardwareTx).toBeGreaterThan(0);
    expect(counts.softwareTx).toBeGreaterThan(0);
    expect(run.top.driver.base.saTable.isInstalled(run.sa(0x1000).record)).toBe(true);
    expect(run.top.driver.base.saTable.isInstalled(run.sa(0x1001).record)).toBe(false);
    expect(run.metricOf(0x1000)).toBe(4 * 2 + 10);
    expect(run.metricOf(0x1001)).toBe(3 * 2);
    // Received: the inbound SA counts too, and was installed into the free RX entry.
    expect(run.metricOf(0x2002)).toBe(5 * 2 + 10);
    expect(run.metricOf(0x1002)).toBe(0);
  });

  test("claims 10 and 44 (and 2): every decay period the metric is multiplied and reduced, traffic or not, down to 0", () => {
    const run = metricSystem({ initial: 0, installBonus: 0, perPacket: 1, decayFactor: 0.5, decayAmount: 1, decayPeriodNanoseconds: 10_000, policyPeriodNanoseconds: 0 });
    run.send(1, 20, 0, 0.2);
    let atEnd = 0;
    let endOfTraffic = 0;
    run.kernel.process("watch", function* () {
      yield run.top.driver.base.whenReady();
      while (run.intermediate.counts.softwareTx + run.intermediate.counts.hardwareTx < 20) yield delay(us(0.1));
      endOfTraffic = run.kernel.now;
      atEnd = run.metricOf(0x1001);
    });
    run.kernel.run({ until: us(200) });
    expect(atEnd).toBeGreaterThan(4);
    const expected = (periods: number) => {
      let value = atEnd;
      for (let period = 0; period < periods; period++) value = Math.max(0, value * 0.5 - 1);
      return value;
    };
    const periodsSince = (time: number) => Math.floor(time / us(10)) - Math.floor(endOfTraffic / us(10));
    for (const time of [us(60), us(75), us(200)]) expect(run.policy.metrics.metric(run.sa(0x1001), time)).toBe(expected(periodsSince(time)));
    expect(run.metricOf(0x1001)).toBe(0);
  });

  test("claims 5, 15 and 43: on a miss, an uncached SA replaces the lowest cached one once its metric leads by the threshold, and not a packet before", () => {
    // Customer 0's SA is cached with 1 + 4 = 5; customer 1's reaches 5 + 3 = 8 at its 8th packet.
    const run = metricSystem({ ...STEADY, initial: 0, installBonus: 4, perPacket: 1, threshold: 3, replaceOnMiss: true });
    run.send(0, 1, 0);
    const evictionsAfter: number[] = [];
    run.kernel.process("customer1", function* () {
      yield run.top.driver.base.whenReady();
      yield delay(us(20));
      for (let index = 0; index < 10; index++) {
        yield* run.intermediate.send(sequencedPacket("to-peer", 1, index, 300));
        yield delay(us(8));
        evictionsAfter.push(run.intermediate.counts.evictions);
      }
    });
    run.kernel.run({ until: us(200) });
    expect(evictionsAfter).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(run.intermediate.messages.counts.get("EVICT")).toBe(1);
    const table = run.top.driver.base.saTable;
    expect(table.isInstalled(run.sa(0x1001).record)).toBe(true);
    expect(table.isInstalled(run.sa(0x1000).record)).toBe(false);
    // The packets after the replacement went inline.
    expect(run.intermediate.trace.accesses.filter((access) => access.direction === "tx" && access.path === "hardware").length).toBeGreaterThanOrEqual(2);
  });

  test("claims 6 and 16: the threshold is the driver's install cost over what an inline packet saves, from its own parameters and the packet sizes it saw", () => {
    const run = metricSystem({ ...STEADY, perPacket: 2 }, { "top.driver.intermediate.cyclesPerPacket": 1000, "top.driver.intermediate.cyclesPerByte": 3, "top.driver.intermediate.offloadCyclesPerPacket": 200, "top.driver.base.mmioWriteNanoseconds": 50 });
    let before = run.intermediate.costs();
    run.send(0, 3, 0);
    run.kernel.run({ until: us(60) });
    // Before any install: the 33 MMIO writes of one (SA_STAGE and SA_COMMAND), at 3 GHz.
    expect(before.installCycles).toBe((R.SA_STAGE_WORDS + 1) * 50 * 3);
    expect(before.softwareCyclesPerPacket).toBe(1000);
    const after = run.intermediate.costs();
    // After: the install as the core spent it, the writes and the SA_STATUS read that waited for them (the NIC's 800 ns read round trip, the writes' 400 ns inside it).
    expect(after.installCycles).toBe(((R.SA_STAGE_WORDS + 1) * 50 + 800) * 3);
    // Every packet so far was 300 bytes on the wire side of the SPD (the inner packet the policy counts).
    expect(after.softwareCyclesPerPacket).toBe(1000 + 3 * 286);
    expect(after.hardwareCyclesPerPacket).toBe(200);
    expect(run.policy.threshold(after)).toBe(thresholdFromCosts(after, 2));
    expect(run.policy.threshold(after)).toBeCloseTo((after.installCycles / (1000 + 3 * 286 - 200)) * 2, 10);
    // A threshold set by hand overrides the analysis.
    before = after;
    expect(metricSystem({ threshold: 7 }).policy.threshold(before)).toBe(7);
  });

  test("claim 42: every policy period, without waiting for a miss, the best uncached SA that carried traffic replaces the lowest cached one when it leads, and fills a free entry", () => {
    // Misses only install into free entries (replaceOnMiss off): every replacement here is the periodic look's.
    const run = metricSystem({ initial: 8, installBonus: 0, perPacket: 1, decayFactor: 0.5, decayAmount: 0, decayPeriodNanoseconds: 50_000, policyPeriodNanoseconds: 10_000, threshold: 2 }, { "top.nic.sacache.txEntries": 2 });
    const cached = () =>
      run.top.driver.base.saTable
        .installed("tx")
        .map((pointer) => run.intermediate.sadb.byRecord(pointer)!.parameters.spi)
        .sort((a, b) => a - b);
    const snapshots: { cached: number[]; installs: number; evictions: number; notInTable: number }[] = [];
    const snapshot = () => snapshots.push({ cached: cached(), installs: run.intermediate.counts.periodicInstalls, evictions: run.intermediate.counts.periodicEvictions, notInTable: run.intermediate.counts.notInTable });
    // Customers 0 and 1 take the two entries at their first packets (metric 8 + 1 each); customer 2 then misses six times with the table full (8 + 6).
    // One after another once the driver is up (4 µs): sent at once, customer 2's "not in table" would go first, its class being the highest.
    run.send(0, 1, 4);
    run.send(1, 1, 4.2);
    run.send(2, 6, 4.6, 0.5);
    let shown: unknown = null;
    run.kernel.process("watch", function* () {
      yield run.policy.periodicLook;
      snapshot();
      shown = { tx: [run.policy.lowestCached.tx.value, run.policy.bestUncached.tx.value], rx: [run.policy.lowestCached.rx.value, run.policy.bestUncached.rx.value] };
      yield delay(us(8));
      snapshot();
      // Customer 1's SA goes away and frees its entry; nobody sends any more.
      yield* run.intermediate.deleteSa(run.sa(0x1001));
      yield run.policy.periodicLook;
      yield delay(us(8));
      snapshot();
    });
    run.kernel.run({ until: us(80) });
    // At the first look customer 2's SA (14) led the lowest cached one (customer 0's, 9; customer 1's ties and comes later) by the threshold: replaced.
    expect(snapshots[0]).toMatchObject({ cached: [0x1000, 0x1001], evictions: 0 });
    // The waveform shows each table's decision: TX's metrics compared (one signal for both showed RX's alone, the empty table's zeros, written after TX's).
    expect(shown).toEqual({ tx: [9, 14], rx: [0, 0] });
    expect(snapshots[1]).toMatchObject({ cached: [0x1001, 0x1002], evictions: 1 });
    // At a later look the entry the delete freed went to the best uncached SA that carried traffic, customer 0's, without a packet asking.
    expect(snapshots[2]).toMatchObject({ cached: [0x1000, 0x1002], installs: 1, evictions: 1, notInTable: snapshots[1]!.notInTable });
    // SAs that never carried a packet are not cached ahead of need (seed 002, claim 15): the RX table stays empty.
    expect(run.top.driver.base.saTable.installed("rx")).toEqual([]);
  });

  test("metrics are forgotten when the SA is deleted", () => {
    const run = metricSystem({ ...STEADY, initial: 3 });
    run.kernel.process("delete", function* () {
      yield run.top.driver.base.whenReady();
      yield* run.intermediate.deleteSa(run.sa(0x2001));
    });
    run.kernel.run({ until: us(30) });
    expect([...run.policy.metrics.known()].map((entry) => entry.parameters.spi).sort((a, b) => a - b)).toEqual([0x1000, 0x1001, 0x1002, 0x2000, 0x2002]);
  });
});
