import { expect, test } from "vitest";
import { delay } from "../../sim/process.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { ns, us } from "../../sim/time.js";
import * as R from "../../hw/spec/registers.js";
import { spi } from "../../sim/ipsec/esp.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * Under pointer fill the device fills a TX entry from the pointer a descriptor carries, so a TX SA
 * ever handed to it may be held whatever the driver counts, and its deletion removes it by pointer.
 * An SA never handed to the device (an inbound one the RX table never took, an outbound one only
 * ever in software, or one installed whose pointer no descriptor carried) has nothing to remove: a
 * REMOVE was sent and counted for each (outside checks).
 */
/** A tunnelled system of `customers` under pointer fill with `txEntries` TX entries, and its outbound SAs by SPI. */
function pointerFill(customers: number, txEntries: number) {
  const run = tunnelledSystem(customers, { "top.driver.base.saFill": "pointer", "top.nic.sacache.txEntries": txEntries });
  const intermediate = run.top.driver.intermediate;
  const outbound = (spi: number) => intermediate.sadb.find("outbound", spi)!;
  return { run, intermediate, table: run.top.driver.base.saTable, outbound };
}

test("pointer fill: a deletion sends REMOVE only for an SA the device may hold", () => {
  const run = tunnelledSystem(3, { "top.driver.base.saFill": "pointer", "top.nic.sacache.txEntries": 1, "top.nic.sacache.rxEntries": 1, "top.driver.intermediate.placement": "metric" });
  const intermediate = run.top.driver.intermediate;
  const sa = (spi: number) => intermediate.sadb.all().find((entry) => entry.parameters.spi === spi)!;
  const removes = () => intermediate.messages.counts.get("REMOVE") ?? 0;
  const seen: Record<string, number> = {};
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    // Customer 0's outbound SA takes the one TX entry, and its second packet carries the pointer; customer 1's misses and stays in software.
    for (const customer of [0, 1]) {
      yield* intermediate.send(sequencedPacket("to-peer", customer, 0, 300));
      yield delay(us(5));
    }
    yield* intermediate.send(sequencedPacket("to-peer", 0, 1, 300));
    yield delay(us(20));
    seen.fetched = Number(run.top.nic.saCache.txCachedByPointer(sa(0x1000).record) !== null);
    for (const [name, spi] of [["softwareOnly", 0x1001], ["inboundNeverInstalled", 0x2002], ["handedToTheDevice", 0x1000]] as const) {
      const before = removes();
      yield* intermediate.deleteSa(sa(spi));
      seen[name] = removes() - before;
    }
  });
  run.kernel.run({ until: us(200) });
  expect(seen).toEqual({ fetched: 1, softwareOnly: 0, inboundNeverInstalled: 0, handedToTheDevice: 1 });
});

test("pointer fill: an outbound SA installed whose pointer no descriptor carried is not in the device: its deletion sends nothing, and frees its entry", () => {
  const { run, intermediate, table, outbound } = pointerFill(2, 1);
  const seen: Record<string, unknown> = {};
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    // The first packet misses and goes through software; the SA is installed beside it, and no packet follows.
    yield* intermediate.send(sequencedPacket("to-peer", 0, 0, 300));
    yield delay(us(10));
    seen.installed = table.isInstalled(outbound(0x1000).record);
    const before = intermediate.messages.counts.get("REMOVE") ?? 0;
    yield* intermediate.deleteSa(outbound(0x1000));
    seen.removes = (intermediate.messages.counts.get("REMOVE") ?? 0) - before;
    seen.freeEntries = table.freeEntries("tx");
  });
  run.kernel.run({ until: us(100) });
  expect(seen).toEqual({ installed: true, removes: 0, freeEntries: 1 });
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

/** Pointer fill, every INVALIDATE_POINTER the driver writes to SA_COMMAND, counted. */
function countingPointerInvalidations(run: ReturnType<typeof tunnelledSystem>) {
  const counted = { invalidations: 0 };
  const mmioWrite = run.top.nic.mmioWrite.bind(run.top.nic);
  run.top.nic.mmioWrite = (offset, value) => {
    if (offset === R.SA_COMMAND && R.SA_COMMAND_FIELDS.OPERATION.get(value) === R.SA_COMMAND_FIELDS.OPERATION.values.INVALIDATE_POINTER) counted.invalidations++;
    mmioWrite(offset, value);
  };
  return counted;
}

test.each([0, 400, 800, 2400])("pointer fill: an SA deleted %i ns after a replacement of it began is emptied once, by the replacement: no second invalidation, no REMOVE (an outside check: one of each up to 800 ns)", (lagNanoseconds) => {
  const { run, intermediate, table, outbound } = pointerFill(2, 1);
  const commands = countingPointerInvalidations(run);
  const seen: Record<string, unknown> = {};
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer] = [outbound(0x1000), outbound(0x1001)];
    // The first packet misses (the SA installed beside it), the second carries the pointer: the device fetches the SA.
    for (const sequence of [0, 1]) {
      yield* intermediate.send(sequencedPacket("to-peer", 0, sequence, 300));
      yield delay(us(5));
    }
    yield delay(us(5));
    seen.fetched = run.top.nic.saCache.txCachedByPointer(victim.record) !== null;
    const before = { removes: intermediate.messages.counts.get("REMOVE") ?? 0, invalidations: commands.invalidations };
    run.kernel.process("replacement", function* () {
      yield* table.replace("tx", victim.record, newcomer.record, 0, function* () {}, () => true);
    });
    yield delay(ns(lagNanoseconds));
    yield* intermediate.deleteSa(victim);
    seen.removes = (intermediate.messages.counts.get("REMOVE") ?? 0) - before.removes;
    seen.invalidations = commands.invalidations - before.invalidations;
    seen.heldAfter = run.top.nic.saCache.txCachedByPointer(victim.record) !== null;
  });
  run.kernel.run({ until: us(60) });
  expect(seen).toEqual({ fetched: true, removes: 0, invalidations: 1, heldAfter: false });
});

test("pointer fill: a replacement whose victim was deleted while it waited sends nothing through the victim's pointer, which a new SA's record has taken (it emptied that SA's entry: an outside check)", () => {
  const { run, intermediate, table, outbound } = pointerFill(3, 3);
  const seen: Record<string, unknown> = {};
  run.kernel.process("sender", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer] = [outbound(0x1000), outbound(0x1001)];
    yield* table.install("tx", victim.record, 0);
    yield* intermediate.send(sequencedPacket("to-peer", 0, 0, 300));
    yield delay(us(5));
    const victimPointer = victim.record;
    // The replacement waits 20 µs for the victim's holders; the victim is deleted meanwhile, and its record freed.
    run.kernel.process("replacement", function* () {
      yield* table.replace("tx", victim.record, newcomer.record, 0, function* () {
        yield delay(us(20));
      }, () => true);
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(victim);
    // A rekey of customer 2's outbound SA: the new SA's record is allocated where the victim's was.
    const rekeyed = (yield* intermediate.rekeySa(outbound(0x1002), spi(0x1100), outbound(0x1002).parameters.keyMaterial))!;
    seen.sameAddress = rekeyed.record === victimPointer;
    yield* intermediate.send(sequencedPacket("to-peer", 2, 0, 300));
    yield delay(us(3));
    yield* intermediate.send(sequencedPacket("to-peer", 2, 1, 300));
    yield delay(us(40));
    seen.heldAfterTheReplacement = run.top.nic.saCache.txCachedByPointer(rekeyed.record)?.spi;
    seen.driverSaysInstalled = table.isInstalled(rekeyed.record);
  });
  run.kernel.run({ until: us(80) });
  expect(seen).toEqual({ sameAddress: true, heldAfterTheReplacement: 0x1100, driverSaysInstalled: true });
  expect(run.top.nic.diagnostics).toEqual([]);
});

test("pointer fill: a replacement whose newcomer is deleted before the victim is emptied leaves the victim its entry, as under driver fill (it was evicted for nothing: an outside check)", () => {
  const { run, intermediate, table, outbound } = pointerFill(2, 3);
  const seen: Record<string, unknown> = {};
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer] = [outbound(0x1000), outbound(0x1001)];
    yield* table.install("tx", victim.record, 0);
    yield* intermediate.send(sequencedPacket("to-peer", 0, 0, 300));
    yield delay(us(5));
    run.kernel.process("replacement", function* () {
      seen.handle = yield* table.replace("tx", victim.record, newcomer.record, 0, function* () {
        yield delay(us(10));
      }, () => intermediate.lifecycle.usable(newcomer));
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(newcomer);
    yield delay(us(20));
    seen.victimInTheView = table.isInstalled(victim.record);
    seen.victimInTheDevice = run.top.nic.saCache.txCachedByPointer(victim.record) !== null;
    seen.freeEntries = table.freeEntries("tx");
  });
  run.kernel.run({ until: us(60) });
  expect(seen).toEqual({ handle: 0, victimInTheView: true, victimInTheDevice: true, freeEntries: 2 });
});
