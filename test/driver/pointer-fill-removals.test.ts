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
