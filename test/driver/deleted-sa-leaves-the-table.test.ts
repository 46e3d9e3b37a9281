import { readFileSync } from "node:fs";
import { afterAll, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { IntermediateDriver } from "../../driver/intermediate/driver.js";
import type { IpsecSa } from "../../driver/intermediate/sadb.js";
import type { SaEntry } from "../../hw/ipsec/sa-cache.js";
import type { Nic } from "../../hw/nic.js";

const scenarioFile = new URL("../system/fuzz-found/rx-install-pointer-reads-a-record-freed-meanwhile.json", import.meta.url);

const original = IntermediateDriver.prototype.deleteSa;
afterAll(() => {
  IntermediateDriver.prototype.deleteSa = original;
});

/**
 * An SA deleted while its install was under way (pointer fill, tables of one entry, SA changes overlapping): its deletion waits for the
 * install and then empties the entry, before it is done. The removal found no entry as it was asked, and left the entry to a second
 * removal after the install, so the deletion finished with the NIC still holding the SA (from an outside check).
 */
test("when the driver has deleted an SA, no entry of the NIC holds it", () => {
  const deleted: IpsecSa[] = [];
  const stillHeld: string[] = [];
  IntermediateDriver.prototype.deleteSa = function* (this: IntermediateDriver, sa: IpsecSa) {
    yield* original.call(this, sa);
    deleted.push(sa);
    // The device's tables, as its own SA cache holds them.
    const cache = (this.base.bus as Nic).saCache as unknown as { readonly tx: readonly (SaEntry | null)[]; readonly rx: readonly (SaEntry | null)[] };
    const table = sa.direction === "outbound" ? cache.tx : cache.rx;
    if (table.some((entry) => entry !== null && entry.spi === sa.parameters.spi)) stillHeld.push(`${sa.direction} SA ${sa.uniqueId} at ${this.kernel.now} ps`);
  } as typeof original;
  const { summary } = runScenario(parseScenarioText(readFileSync(scenarioFile, "utf8"), "fuzz-found.json"), { directory: null });
  expect(summary.violations).toEqual([]);
  expect(deleted.length).toBeGreaterThan(0);
  expect(stillHeld).toEqual([]);
});
