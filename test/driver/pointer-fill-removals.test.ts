import { expect, test } from "vitest";
import { delay } from "../../sim/process.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { us } from "../../sim/time.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * Under pointer fill the device fills a TX entry from the pointer a descriptor carries, so a TX SA
 * ever handed to it may be held whatever the driver counts, and its deletion removes it by pointer.
 * An SA never handed to the device (an inbound one the RX table never took, or an outbound one
 * only ever in software) has nothing to remove: a REMOVE was sent and counted for each (an outside check).
 */
test("pointer fill: a deletion sends REMOVE only for an SA the device may hold", () => {
  const run = tunnelledSystem(3, { "top.driver.base.saFill": "pointer", "top.nic.sacache.txEntries": 1, "top.nic.sacache.rxEntries": 1, "top.driver.intermediate.placement": "metric" });
  const intermediate = run.top.driver.intermediate;
  const sa = (spi: number) => intermediate.sadb.all().find((entry) => entry.parameters.spi === spi)!;
  const removes = () => intermediate.messages.counts.get("REMOVE") ?? 0;
  const seen: Record<string, number> = {};
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    // Customer 0's outbound SA takes the one TX entry; customer 1's misses and stays in software.
    for (const customer of [0, 1]) {
      yield* intermediate.send(sequencedPacket("to-peer", customer, 0, 300));
      yield delay(us(5));
    }
    yield delay(us(20));
    const before = removes();
    yield* intermediate.deleteSa(sa(0x1001));
    seen.softwareOnly = removes() - before;
    yield* intermediate.deleteSa(sa(0x2002));
    seen.inboundNeverInstalled = removes() - seen.softwareOnly - before;
    yield* intermediate.deleteSa(sa(0x1000));
    seen.handedToTheDevice = removes() - seen.inboundNeverInstalled - seen.softwareOnly - before;
  });
  run.kernel.run({ until: us(200) });
  expect(seen).toEqual({ softwareOnly: 0, inboundNeverInstalled: 0, handedToTheDevice: 1 });
});

test("pointer fill: an SA evicted by a replacement is out of the device (invalidated through its pointer): its deletion sends no REMOVE (it did: an outside check)", () => {
  const run = tunnelledSystem(3, {
    "top.driver.base.saFill": "pointer",
    "top.nic.sacache.txEntries": 1,
    "top.driver.intermediate.placement": "metric",
    "top.driver.intermediate.metric.replaceOnMiss": true,
    "top.driver.intermediate.metric.threshold": 0,
    "top.driver.intermediate.metric.policyPeriodNanoseconds": 0,
    "top.driver.intermediate.metric.initial": 0,
    "top.driver.intermediate.metric.installBonus": 0,
    "top.driver.intermediate.metric.perPacket": 1,
    "top.driver.intermediate.metric.decayFactor": 1,
    "top.driver.intermediate.metric.decayAmount": 0,
  });
  const intermediate = run.top.driver.intermediate;
  const sa = (spi: number) => intermediate.sadb.all().find((entry) => entry.parameters.spi === spi)!;
  const removes = () => intermediate.messages.counts.get("REMOVE") ?? 0;
  let evicted: number | null = null;
  let removed: number | null = null;
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    // Customer 0's SA takes the one entry; customer 1's, sent more, replaces it on a miss.
    yield* intermediate.send(sequencedPacket("to-peer", 0, 0, 300));
    yield delay(us(10));
    for (let index = 0; index < 4; index++) {
      yield* intermediate.send(sequencedPacket("to-peer", 1, index, 300));
      yield delay(us(10));
    }
    evicted = intermediate.counts.evictions;
    const before = removes();
    yield* intermediate.deleteSa(sa(0x1000));
    removed = removes() - before;
  });
  run.kernel.run({ until: us(200) });
  expect(evicted).toBe(1);
  expect(run.top.driver.base.saTable.installed("tx").map((pointer) => intermediate.sadb.byRecord(pointer)!.parameters.spi)).toEqual([0x1001]);
  expect(removed).toBe(0);
});
