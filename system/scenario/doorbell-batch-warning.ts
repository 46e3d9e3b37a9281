import { driverBaseSettings } from "./driver-base-settings.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/**
 * A scenario's senders post one packet at a time, never saying more follow (the library's
 * `transmit(…, { more: true })` does), so each post rings the doorbell at once, shared only by
 * senders that post together: driver.base.doorbellBatch changes nothing there, and a sweep over it
 * gave identical runs without a word (from a driver developer's check).
 */
export function doorbellBatchWarning(scenario: Scenario, source: SourceMap): string[] {
  const base = driverBaseSettings(scenario);
  if (base?.doorbellBatch === undefined) return [];
  return [
    source.at(
      ["driver", "base", "doorbellBatch"],
      "warning: driver.base.doorbellBatch has no effect in a scenario: its senders post one packet at a time and ring the doorbell as they post (a batch is for a driver that says more frames follow, as the library's transmit(…, { more: true }) does)",
    ),
  ];
}
