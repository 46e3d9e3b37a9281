import { expect, test } from "vitest";
import { us } from "../../sim/time.js";
import * as R from "../../hw/spec/registers.js";
import type { SaEntry } from "../../hw/ipsec/sa-cache.js";
import { tunnelledSystem } from "../support/tunnels.js";

/**
 * A deletion asked while the SA's install waits at the command registers waits for that install (the
 * device may be reading the record). When the install is then given up, the SA no longer wanted, the
 * device never held it: the removal sends no command and no REMOVE (it sent both: an outside check).
 * When the install goes ahead, the removal empties the entry it filled.
 */
test.each([
  { install: "given up", wanted: false, removes: 0, commands: 0 },
  // By the entry's index, and any entry the device filled through the pointer.
  { install: "done", wanted: true, removes: 1, commands: 2 },
])("a removal that waited for an install $install: REMOVE $removes times, $commands invalidations", ({ wanted, removes, commands }) => {
  const run = tunnelledSystem(2, {});
  const intermediate = run.top.driver.intermediate;
  const table = run.top.driver.base.saTable;
  const inbound = (spi: number) => intermediate.sadb.find("inbound", spi)!;
  // The removal's commands as the device is sent them: SA_COMMAND written with an invalidation.
  const operations = R.SA_COMMAND_FIELDS.OPERATION.values;
  let invalidations = 0;
  const mmioWrite = run.top.nic.mmioWrite.bind(run.top.nic);
  run.top.nic.mmioWrite = (offset, value) => {
    if (offset === R.SA_COMMAND && [operations.INVALIDATE as number, operations.INVALIDATE_POINTER].includes(R.SA_COMMAND_FIELDS.OPERATION.get(value))) invalidations++;
    mmioWrite(offset, value);
  };
  const removeCommands = () => invalidations;
  const seen: { removes?: number; held?: boolean; invalidations?: number } = {};
  let stillWanted = true;
  run.kernel.process("installs", function* () {
    yield run.top.driver.base.whenReady();
    // The first install holds the command registers; the second waits behind it.
    run.kernel.process("first", function* () {
      yield* table.install("rx", inbound(0x2000).record, 0);
    });
    yield* table.install("rx", inbound(0x2001).record, 0, () => stillWanted);
  });
  run.kernel.process("deletion", function* () {
    yield run.top.driver.base.whenReady();
    const before = intermediate.messages.counts.get("REMOVE") ?? 0;
    const invalidationsBefore = removeCommands();
    stillWanted = wanted;
    expect(table.mayHold(inbound(0x2001).record), "the second install is waiting").toBe(true);
    yield* intermediate.placement.remove(inbound(0x2001));
    seen.removes = (intermediate.messages.counts.get("REMOVE") ?? 0) - before;
    seen.invalidations = removeCommands() - invalidationsBefore;
    // The device's table, as its own SA cache holds it.
    const deviceTable = (run.top.nic.saCache as unknown as { readonly rx: readonly (SaEntry | null)[] }).rx;
    seen.held = deviceTable.some((entry) => entry !== null && entry.spi === 0x2001);
  });
  run.kernel.run({ until: us(100) });
  expect(seen).toEqual({ removes, held: false, invalidations: commands });
});
