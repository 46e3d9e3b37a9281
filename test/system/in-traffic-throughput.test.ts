import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { formatScenarioSummary } from "../../system/scenario/summary.js";
import { tunnelFrameBytes } from "../../system/ipsec-setup.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { goldBesideBulk } from "../support/gold-beside-bulk.js";

const TRAFFIC_MICROSECONDS = 1000;
const LINE_GIGABITS = 25;

// Gold at priority percent 10 offering 14.4 Gb/s in 9000-byte packets, beside bulk at the line: gold is policed while both are offered, and its
// backlog drains at the line after. Over the delivery window gold showed 9.23 Gb/s and bulk 15.36, read in an outside check as gold taking bulk's
// share; while the streams competed gold had its 10 % and bulk the rest.
const scenario = goldBesideBulk({ name: "in-traffic-throughput", durationMicroseconds: TRAFFIC_MICROSECONDS, gold: "packetBytes: 9000, gapMicroseconds: 5", bulk: "packetBytes: 9000, load: 1.0" });

test("a class's Gb/s in traffic is its share while the streams competed: a policed priority class gets its percent of the line, where over the delivery window its drained backlog counts too", () => {
  const { summary } = runScenario(parseScenarioText(scenario, "in-traffic-throughput.yaml"), { directory: null });
  const row = (className: string) => summary.classes.find((entry) => entry.className === className && entry.direction === "to-peer")!;
  const gold = row("gold");
  const bulk = row("bulk");
  // Inner bits (the packet's own, as the flows count them: no Ethernet header) per bit of line time, for a 9000-byte packet in its tunnel.
  const innerPerLine = 9000 / wireBytes(tunnelFrameBytes(9000));
  const goldClosedForm = 0.1 * LINE_GIGABITS * innerPerLine;
  // Over it: the start, before bulk's backlog makes the line congested, and the policers' buckets (two jumbo frames each), a fixed number of frames.
  const excessFrames = ((gold.gigabitsPerSecondInTraffic - goldClosedForm) * 1e3 * TRAFFIC_MICROSECONDS) / (9000 * 8);
  expect(excessFrames).toBeGreaterThanOrEqual(0);
  expect(excessFrames).toBeLessThan(6);
  // The two fill the line while both are offered.
  expect(gold.gigabitsPerSecondInTraffic + bulk.gigabitsPerSecondInTraffic).toBeGreaterThan(0.95 * LINE_GIGABITS * innerPerLine);
  expect(gold.gigabitsPerSecondInTraffic + bulk.gigabitsPerSecondInTraffic).toBeLessThanOrEqual(LINE_GIGABITS * innerPerLine);
  // Over the delivery window gold's backlog, drained at the line once bulk stopped, counts: over three times its share.
  expect(gold.gigabitsPerSecond).toBeGreaterThan(3 * gold.gigabitsPerSecondInTraffic);
  expect(bulk.gigabitsPerSecond).toBeLessThan(bulk.gigabitsPerSecondInTraffic);
  // Each flow's figure adds up to its class's.
  const flows = summary.flows.filter((flow) => flow.className === "gold" && flow.direction === "to-peer");
  expect(flows.reduce((sum, flow) => sum + flow.gigabitsPerSecondInTraffic, 0)).toBeCloseTo(gold.gigabitsPerSecondInTraffic, 3);
  const table = formatScenarioSummary(summary);
  expect(table).toMatch(/received\s+Gb\/s\s+in traffic/);
  expect(table).toContain(` ${gold.gigabitsPerSecond.toFixed(3)} ${gold.gigabitsPerSecondInTraffic.toFixed(3).padStart(11)} `);
}, 60_000);
