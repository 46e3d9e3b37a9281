import { expect, test } from "vitest";
import { delay } from "../../sim/process.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { spi } from "../../sim/ipsec/esp.js";
import { us } from "../../sim/time.js";
import type { SaEntry } from "../../hw/ipsec/sa-cache.js";
import type { Mutex } from "../../sim/mutex.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * The driver finds SAs in the NIC's table by their record's address, and the host's allocator gives a freed record's
 * address to the next record it makes. A replacement whose victim is deleted while it waits must not act on the SA whose
 * record takes the victim's address (outside checks: it emptied that SA's entry, or took its place in the driver's view so
 * that the SA's own replacement was refused, its entry counted free while the device held it, and its deletion sent nothing).
 */
type Direction = "tx" | "rx";

function system(fill: "driver" | "pointer", entries: number) {
  const run = tunnelledSystem(4, { "top.driver.base.saFill": fill, "top.nic.sacache.txEntries": entries, "top.nic.sacache.rxEntries": entries });
  const intermediate = run.top.driver.intermediate;
  const sa = (direction: Direction, number: number) => intermediate.sadb.find(direction === "tx" ? "outbound" : "inbound", number)!;
  // The device's tables, as its own SA cache holds them.
  const device = (direction: Direction) => (run.top.nic.saCache as unknown as Record<Direction, readonly (SaEntry | null)[]>)[direction].map((entry) => entry?.spi ?? null);
  return { run, intermediate, table: run.top.driver.base.saTable, sa, device };
}

test.each([
  ["driver", "tx"],
  ["driver", "rx"],
  ["pointer", "tx"],
  ["pointer", "rx"],
] as const)("%s fill, %s: a replacement whose victim was deleted while it waited leaves the SA at the victim's address, itself being replaced, to its own replacement", (fill, direction) => {
  const { run, intermediate, table, sa, device } = system(fill, 3);
  const base = direction === "tx" ? 0x1000 : 0x2000;
  const seen: Record<string, unknown> = {};
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer, rekeyed, last] = [0, 1, 2, 3].map((offset) => sa(direction, base + offset));
    yield* table.install(direction, victim!.record, 0);
    // The first replacement waits 20 µs for the victim's packets; the victim is deleted meanwhile, and its record freed.
    run.kernel.process("first", function* () {
      yield* table.replace(direction, victim!.record, newcomer!.record, 0, function* () {
        yield delay(us(20));
      }, () => true);
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(victim!);
    // A rekey's new SA takes the freed record's address, is installed, and (TX) carries a packet; then a second replacement makes it its victim.
    const fresh = (yield* intermediate.rekeySa(rekeyed!, spi(base + 0x100), rekeyed!.parameters.keyMaterial))!;
    seen.sameAddress = fresh.record === victim!.record;
    yield* table.install(direction, fresh.record, 0);
    if (direction === "tx") {
      yield* intermediate.send(sequencedPacket("to-peer", 2, 0, 300));
      yield delay(us(5));
    }
    run.kernel.process("second", function* () {
      seen.secondHandle = yield* table.replace(direction, fresh.record, last!.record, 0, function* () {
        yield delay(us(40));
      }, () => true);
    });
    // The first replacement's turn has come and gone; the fresh SA's own replacement still waits for its packets.
    yield delay(us(30));
    seen.freshHeldWhileItsReplacementWaits = device(direction).includes(base + 0x100);
    yield delay(us(30));
    seen.freshInTheView = table.inAnEntry(fresh.record);
    seen.freshInTheDevice = device(direction).includes(base + 0x100);
    seen.freeEntries = table.freeEntries(direction);
    yield* intermediate.deleteSa(fresh);
    seen.freeEntriesAfterItsDeletion = table.freeEntries(direction);
  });
  run.kernel.run({ until: us(150) });
  // The second replacement put its newcomer in the fresh SA's entry; the first its own in the victim's; one entry is free.
  expect(seen).toEqual({ sameAddress: true, freshHeldWhileItsReplacementWaits: true, secondHandle: expect.any(Number), freshInTheView: false, freshInTheDevice: false, freeEntries: 1, freeEntriesAfterItsDeletion: 1 });
  expect(seen.secondHandle).not.toBe(0);
  expect(run.top.nic.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([]);
});

test("an eviction whose EVICT message waited while its victim was deleted, and the victim's record taken by a new SA in use, evicts nothing", () => {
  const { run, intermediate, table, sa, device } = system("pointer", 2);
  const seen: Record<string, unknown> = {};
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const [newcomer, victim, rekeyed] = [0x1000, 0x1001, 0x1002].map((number) => sa("tx", number));
    yield* table.install("tx", victim!.record, 1);
    // Messages of a higher class hold the channel between the layers for 20 µs.
    const turn = (intermediate.messages as unknown as { readonly turn: Mutex }).turn;
    run.kernel.process("higher messages", function* () {
      yield* turn.acquire(7);
      yield delay(us(20));
      turn.release();
    });
    yield delay(1);
    run.kernel.process("eviction", function* () {
      seen.handle = yield* intermediate.placement.replace("tx", victim!, newcomer!);
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(victim!);
    const fresh = (yield* intermediate.rekeySa(rekeyed!, spi(0x1100), rekeyed!.parameters.keyMaterial))!;
    seen.sameAddress = fresh.record === victim!.record;
    yield* table.install("tx", fresh.record, 2);
    yield* intermediate.send(sequencedPacket("to-peer", 2, 0, 300));
    yield delay(us(40));
    seen.freshInTheView = table.isInstalled(fresh.record);
    seen.freshInTheDevice = device("tx").includes(0x1100);
  });
  run.kernel.run({ until: us(100) });
  expect(seen).toEqual({ handle: 0, sameAddress: true, freshInTheView: true, freshInTheDevice: true });
  expect(intermediate.placement.counts.evictions).toBe(0);
});

/** Wait until `done` holds, looking every 10 ns. */
function* until(done: () => boolean) {
  while (!done()) yield delay(10_000);
}

test.each([
  ["driver", "tx"],
  ["driver", "rx"],
  ["pointer", "rx"],
] as const)("%s fill, %s: a replacement for a newcomer deleted meanwhile, ending while a new SA at the newcomer's address waits to be installed, leaves that SA's deletion waiting for its install (its install landed after its deletion, and stayed)", (fill, direction) => {
  const { run, intermediate, table, sa, device } = system(fill, 3);
  const base = direction === "tx" ? 0x1000 : 0x2000;
  // Which records' install commands have started, seen at the command registers.
  const started = new Set<number>();
  const internals = table as unknown as { installCommand: (...args: unknown[]) => Generator; readonly waitingClasses: readonly number[] };
  const installCommand = internals.installCommand;
  internals.installCommand = function* (this: unknown, ...args: unknown[]) {
    started.add(args[2] as number);
    return yield* installCommand.apply(this, args);
  };
  const seen: Record<string, unknown> = {};
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer, rekeyed, other] = [0, 1, 2, 3].map((offset) => sa(direction, base + offset));
    yield* table.install(direction, victim!.record, 0);
    let go = false;
    run.kernel.process("replacement", function* () {
      yield* table.replace(direction, victim!.record, newcomer!.record, 0, () => until(() => go), () => intermediate.lifecycle.usable(newcomer!));
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(newcomer!);
    const fresh = (yield* intermediate.rekeySa(rekeyed!, spi(0x7777), rekeyed!.parameters.keyMaterial))!;
    seen.sameAddress = fresh.record === newcomer!.record;
    // Another install holds the command registers while the replacement and the fresh SA's install queue behind it.
    run.kernel.process("other", function* () {
      yield* table.install(direction, other!.record, 0);
    });
    yield* until(() => started.has(other!.record));
    go = true;
    yield* until(() => internals.waitingClasses.length === 1);
    run.kernel.process("fresh install", function* () {
      yield* table.install(direction, fresh.record, 0, () => intermediate.lifecycle.usable(fresh));
    });
    yield* until(() => started.has(fresh.record) && internals.waitingClasses.length === 0);
    // Deleted while its install command runs: the deletion waits for it, then empties the entry.
    yield* intermediate.deleteSa(fresh);
    yield delay(us(5));
    seen.freshInTheDevice = device(direction).includes(0x7777);
    seen.freshInTheView = table.isInstalled(fresh.record);
    seen.freeEntries = table.freeEntries(direction);
  });
  run.kernel.run({ until: us(80) });
  expect(seen).toEqual({ sameAddress: true, freshInTheDevice: false, freshInTheView: false, freeEntries: 1 });
  expect(run.top.nic.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([]);
});

test.each([
  ["driver", "tx"],
  ["pointer", "rx"],
] as const)("%s fill, %s: the REMOVE of a replacement's victim, deleted before it was overwritten, names the entry it emptied (it showed handle 0)", (fill, direction) => {
  const { run, intermediate, table, sa } = system(fill, 3);
  const base = direction === "tx" ? 0x1000 : 0x2000;
  const removes: number[] = [];
  const send = intermediate.messages.send.bind(intermediate.messages);
  intermediate.messages.send = function* (kind, handle, trafficClass) {
    if (kind === "REMOVE") removes.push(handle);
    yield* send(kind, handle, trafficClass);
  };
  let installed = 0;
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer] = [sa(direction, base), sa(direction, base + 1)];
    installed = yield* table.install(direction, victim!.record, 0);
    run.kernel.process("replacement", function* () {
      yield* table.replace(direction, victim!.record, newcomer!.record, 0, function* () {
        yield delay(us(20));
      }, () => intermediate.lifecycle.usable(newcomer!));
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(victim!);
  });
  run.kernel.run({ until: us(40) });
  expect(installed).not.toBe(0);
  expect(removes).toEqual([installed]);
});

test("the periodic look sends no EVICT for a victim being deleted: it leaves its entry soon anyway (an EVICT went, for nothing, at each look while it died)", () => {
  const run = tunnelledSystem(2, {
    "top.nic.sacache.txEntries": 1,
    "top.driver.intermediate.placement": "metric",
    "top.driver.intermediate.metric.threshold": 0,
    "top.driver.intermediate.metric.policyPeriodNanoseconds": 1000,
  });
  const intermediate = run.top.driver.intermediate;
  const outbound = (number: number) => intermediate.sadb.find("outbound", number)!;
  const evicts: number[] = [];
  const send = intermediate.messages.send.bind(intermediate.messages);
  intermediate.messages.send = function* (kind, handle, trafficClass) {
    if (kind === "EVICT") evicts.push(run.kernel.now);
    yield* send(kind, handle, trafficClass);
  };
  let dyingFrom = 0;
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const victim = outbound(0x1000);
    yield* run.top.driver.base.saTable.install("tx", victim.record, 0);
    // A packet holds the victim for 20 µs, so that its deletion waits; customer 1's traffic goes through software meanwhile.
    const lease = intermediate.lifecycle.lease(victim)!;
    dyingFrom = run.kernel.now;
    run.kernel.process("deletion", () => intermediate.deleteSa(victim));
    for (let sequence = 0; sequence < 6; sequence++) {
      yield* intermediate.send(sequencedPacket("to-peer", 1, sequence, 200));
      yield delay(us(0.5));
    }
    yield delay(us(20));
    lease.release();
  });
  run.kernel.run({ until: us(60) });
  expect(evicts.filter((time) => time >= dyingFrom)).toEqual([]);
});

test("a replacement whose victim was deleted while it waited does not wait for the frames of the new SA at the victim's address (its fence waited for them, for as long as that SA kept sending)", () => {
  const { run, intermediate, table, sa } = system("driver", 3);
  const seen: Record<string, unknown> = {};
  let began = 0;
  let replaced = -1;
  run.kernel.process("changes", function* () {
    yield run.top.driver.base.whenReady();
    const [victim, newcomer, rekeyed] = [0x1000, 0x1001, 0x1002].map((number) => sa("tx", number));
    yield* table.install("tx", victim!.record, 0);
    began = run.kernel.now;
    run.kernel.process("replacement", function* () {
      yield* table.replace("tx", victim!.record, newcomer!.record, 0, function* () {
        yield delay(us(10));
      }, () => true);
      replaced = run.kernel.now;
    });
    yield delay(us(1));
    yield* intermediate.deleteSa(victim!);
    const fresh = (yield* intermediate.rekeySa(rekeyed!, spi(0x1100), rekeyed!.parameters.keyMaterial))!;
    seen.sameAddress = fresh.record === victim!.record;
    yield* table.install("tx", fresh.record, 0);
    seen.freshInline = table.isInstalled(fresh.record);
    // The new SA sends inline without a pause until 80 µs after the replacement began.
    for (let sequence = 0; run.kernel.now < began + us(80); sequence++) yield* intermediate.send(sequencedPacket("to-peer", 2, sequence, 1400));
  });
  run.kernel.run({ until: us(150) });
  expect(seen).toEqual({ sameAddress: true, freshInline: true });
  // Its 10 µs wait for the victim's packets, then its install: well before the new SA stops sending.
  expect(replaced).toBeGreaterThan(0);
  expect(replaced - began).toBeLessThan(us(30));
});
