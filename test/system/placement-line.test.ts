import { expect, test } from "vitest";
import { describePlacement } from "../../system/scenario/summary.js";

const summary = (decided: number, done: number) =>
  ({ ipsec: { notInTableMessages: 10, messages: { EVICT: decided }, evictions: { total: done, byDriver: done, byPointerFetch: 0 }, periodic: { installs: 0, evictions: 0 }, messageChannel: { busyMicroseconds: 1, longestWaitMicroseconds: 0.5 } } }) as unknown as Parameters<typeof describePlacement>[0];

// From an architect's check: "22 evictions decided" beside the SA table's "6 evictions" read as one count disagreeing with the other.
test("the placement line says how many of the evictions it decided were carried out, when not all were", () => {
  expect(describePlacement(summary(22, 6))).toContain(", 22 evictions decided (6 carried out; the others were moot when the table came to them: ");
  expect(describePlacement(summary(6, 6))).toContain(", 6 evictions decided; the periodic look");
});
