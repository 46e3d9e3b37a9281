import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { describePlacement } from "../../system/scenario/summary.js";
import { runScenario } from "../../system/scenario/run.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";

const summary = (decided: number, done: number) =>
  ({ ipsec: { notInTableMessages: 10, messages: { EVICT: decided }, evictions: { total: done, byDriver: done, byPointerFetch: 0 }, evictionsCarriedOut: done, periodic: { installs: 0, evictions: 0 }, messageChannel: { busyMicroseconds: 1, longestWaitMicroseconds: 0.5 } } }) as unknown as Parameters<typeof describePlacement>[0];

// From an architect's check: "22 evictions decided" beside the SA table's "6 evictions" read as one count disagreeing with the other.
test("the placement line says how many of the evictions it decided were carried out, when not all were", () => {
  expect(describePlacement(summary(22, 6))).toContain(", 22 evictions decided (6 carried out; the others were moot when the table came to them: ");
  expect(describePlacement(summary(6, 6))).toContain(", 6 evictions decided; the periodic look");
  expect(describePlacement(summary(1, 1))).toContain(", 1 eviction decided; the periodic look");
});

// From a reviewer's check: under pointer fill a TX replacement is an invalidation and a fetch into the emptied entry, which the NIC does not count as an
// eviction; the line took "carried out" from the NIC's count and said 3 of 6 were, where the SA trace and the waveform showed all 6 done.
test("under pointer fill, the replacements the driver carried out are counted as carried out, though the NIC counts them as invalidations and fetches", () => {
  const run = runScenario(defaultScenario({ durationMicroseconds: 300, "driver.base.saFill": "pointer", "outputs.waveform": false, "outputs.pcap": false }), { directory: mkdtempSync(join(tmpdir(), "nicsim-pointer-placement-")) });
  const { ipsec } = run.summary;
  expect(ipsec.messages.EVICT).toBeGreaterThan(0);
  // The NIC's evictions are the RX ones the driver made with REPLACE: fewer than the driver's.
  expect(ipsec.evictions.byDriver).toBeLessThan(ipsec.evictionsCarriedOut);
  expect(ipsec.evictionsCarriedOut).toBeGreaterThanOrEqual(ipsec.periodic.evictions);
  expect(ipsec.evictionsCarriedOut).toBe(run.design.top.driver.intermediate.counts.evictions);
  const line = describePlacement(run.summary);
  if (ipsec.evictionsCarriedOut === ipsec.messages.EVICT) expect(line).toContain(`, ${ipsec.messages.EVICT} evictions decided, `);
  else expect(line).toContain(`(${ipsec.evictionsCarriedOut} carried out;`);
  // From an architect's check: the periodic look "cached" 86 SAs in place of others where 9 ever reached the NIC; the line says how the replacements were made.
  expect(line).toContain(`, ${ipsec.evictionsCarriedOut - ipsec.evictions.total} of them carried out by emptying the victim's TX entry for the newcomer's next packet to fill through its pointer`);
});
