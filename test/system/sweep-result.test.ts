import { describe, expect, test } from "vitest";
import { describeEnding, endedWell, outcomeEndedWell, type RunEnding } from "../../system/scenario/run-ending.js";
import { type SweepResult, SweepResultSchema, sweepResultProblems } from "../../system/scenario/sweep-result.js";
import { formatSweep } from "../../system/scenario/sweep.js";

describe("a sweep row's outcome: the words a run's ending is given, and nothing else", () => {
  const endings: RunEnding[] = [
    { kind: "arrived" },
    { kind: "none-due", trafficMicroseconds: 0.5 },
    { kind: "none-due", trafficMicroseconds: 1e-6 },
    { kind: "accounted", quietMicroseconds: 100, dropped: 17 },
    { kind: "not-arrived", quietMicroseconds: 100.5 },
    { kind: "stopped", message: "scoreboard: TX sequence numbers went backwards on SPI 0x1001" },
    { kind: "drain-limit" },
    { kind: "accounted-at-drain-limit", dropped: 4 },
    { kind: "accounted-at-drain-limit", dropped: 0 },
  ];
  const outcome = SweepResultSchema.shape.outcome;

  test.each(endings.map((ending) => [ending.kind, describeEnding(ending)] as const))("%s: %s", (_, words) => {
    expect(outcome.safeParse(words).success).toBe(true);
  });

  test.each(endings.map((ending) => [ending.kind, ending] as const))("%s: its words say whether the run ended well, as a sweep judges its rows", (_, ending) => {
    expect(outcomeEndedWell(describeEnding(ending))).toBe(endedWell(ending));
  });

  test.each(["LEAKED every packet arrived", "every packet arrived\u001b[31m", "stopped: \n", ""])("refused: %j", (words) => {
    expect(outcome.safeParse(words).success).toBe(false);
  });
});

describe("a sweep's table", () => {
  const row = (index: number, overrides: Record<string, unknown>, p99: number | null): SweepResult => ({
    index,
    overrides,
    outcome: "every packet arrived",
    classes: [{ trafficClass: 7, className: "gold", direction: "to-peer", received: p99 === null ? 0 : 10, gigabitsPerSecond: 1, gigabitsPerSecondInTraffic: 1, latency: { count: p99 === null ? 0 : 10, p50: p99, p99, max: p99 }, host: { count: 0, p50: null, p99: null, max: null } }],
    cache: { txHits: 1, txMisses: 0, rxHits: 1, rxMisses: 0, fetches: 0, staleHandles: 0 },
    softwareTx: 0,
    softwareRx: 0,
    preemptions: { tx: 0, rx: 0 },
    preemptionCost: { tx: { busyMicroseconds: 10, lostMicroseconds: 0, switchMicroseconds: 0 }, rx: { busyMicroseconds: 0, lostMicroseconds: 0, switchMicroseconds: 0 } },
    host: { busy: 0.5, preemptions: 0 },
    lost: 0,
    injectedCopies: { replays: 0, cleartext: 0, crossTunnel: 0, crossTunnelUnsent: 0 },
    drops: {},
  });

  test("starts each row with its run's index, which tells apart rows whose values show as <secret>", () => {
    const lines = formatSweep([row(0, { "customers.0.ike.preSharedKey": "<secret>" }, 2.5), row(1, { "customers.0.ike.preSharedKey": "<secret>" }, 3.5)]).trimEnd().split("\n");
    expect(lines[0]!.trim().split(/\s{2,}/).slice(0, 3)).toEqual(["run", "customers.0.ike.preSharedKey", "gold to-peer p99 µs"]);
    expect(lines.slice(1).map((line) => line.trim().split(/\s+/).slice(0, 3))).toEqual([["0", "<secret>", "2.5"], ["1", "<secret>", "3.5"]]);
  });

  // From the last session's note: a sweep over crypto policies showed how many preemptions each run had, and not what they cost.
  test("a column gives what preemption cost the crypto engines, TX/RX, in percents of their busy time, as the run's summary says it", () => {
    const costly = { ...row(0, {}, 1), preemptions: { tx: 9, rx: 0 }, preemptionCost: { tx: { busyMicroseconds: 10, lostMicroseconds: 3, switchMicroseconds: 1 }, rx: { busyMicroseconds: 4, lostMicroseconds: 0, switchMicroseconds: 0 } } };
    const lines = formatSweep([costly, row(1, {}, 1)]).trimEnd().split("\n");
    const column = lines[0]!.trim().split(/\s{2,}/).indexOf("preemption cost %");
    expect(column).toBeGreaterThan(0);
    expect(lines.slice(1).map((line) => line.trim().split(/\s{2,}/)[column])).toEqual(["40/0", "0/0"]);
  });

  test("the last column names the commonest drop reason and where it was; the JSON lines keep every one", () => {
    const lossy = { ...row(0, {}, 1), lost: 12, drops: { ipsec: { NO_SA: 5, UNKNOWN_SPI: 7 }, gateway: { NO_SA: 3 } } };
    const tie = { ...row(1, {}, 1), drops: { nic: { RX_NO_DESCRIPTOR: 2 }, driver: { QUEUE_RESET: 2 } } };
    const lines = formatSweep([lossy, tie, row(2, {}, 1)]).trimEnd().split("\n");
    expect(lines[0]).toMatch(/ lost +most drops$/);
    expect(lines[1]).toMatch(/ 12 {2}host IPsec UNKNOWN_SPI 7 \(\+2 more\)$/);
    // Equal counts: the first place in the report's order, so the same row always reads the same.
    expect(lines[2]).toMatch(/NIC RX_NO_DESCRIPTOR 2 \(\+1 more\)$/);
    expect(lines[3]).toMatch(/ 0 +none$/);
    expect(SweepResultSchema.safeParse(lossy).success).toBe(true);
  });

  test.each([
    [{ wire: { NO_SA: 1 } }, "drops: field"],
    [{ ipsec: { "no sa": 1 } }, "a drop reason as nicsim names one"],
    [{ ipsec: { NO_SA: 0 } }, "drops.ipsec.NO_SA"],
  ])("a row's drops are checked when read back: %j", (drops, message) => {
    const problems = sweepResultProblems({ ...row(0, {}, 1), drops });
    expect(problems?.join("; ")).toContain(message);
  });

  test("after the latencies, a column per class gives what it carried, Gb/s as the summary gives it", () => {
    const faster = { ...row(1, {}, 1), classes: [{ ...row(1, {}, 1).classes[0]!, gigabitsPerSecond: 7.2039 }] };
    const lines = formatSweep([row(0, {}, 1), faster]).trimEnd().split("\n");
    const column = lines[0]!.trim().split(/\s{2,}/).indexOf("gold to-peer Gb/s");
    expect(column).toBe(2);
    expect(lines.slice(1).map((line) => line.trim().split(/\s{2,}/)[column])).toEqual(["1", "7.2039"]);
  });

  test("after those, a column per class gives its Gb/s in traffic; a row from before it was kept reads back, and shows a blank", () => {
    const overloaded = { ...row(1, {}, 1), classes: [{ ...row(1, {}, 1).classes[0]!, gigabitsPerSecond: 9.2312, gigabitsPerSecondInTraffic: 2.8089 }] };
    const { gigabitsPerSecondInTraffic: _, ...older } = row(2, {}, 1).classes[0]!;
    const olderRow = { ...row(2, {}, 1), classes: [older] };
    expect(sweepResultProblems(olderRow)).toBeNull();
    const lines = formatSweep([overloaded, olderRow]).trimEnd().split("\n");
    const start = lines[0]!.indexOf("gold to-peer Gb/s in traffic");
    expect(start).toBeGreaterThan(lines[0]!.indexOf("gold to-peer Gb/s "));
    const cell = (line: string) => line.slice(start, start + "gold to-peer Gb/s in traffic".length).trim();
    expect(lines.slice(1).map(cell)).toEqual(["2.8089", ""]);
  });

  test("a class no packet of which arrived shows a dash, one not in a configuration a blank", () => {
    const other = { ...row(1, {}, 1), classes: [{ ...row(1, {}, 1).classes[0]!, className: "silver", trafficClass: 6 }] };
    const lines = formatSweep([row(0, {}, null), other]).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^run {2}gold to-peer p99 µs {2}silver to-peer p99 µs/);
    const cells = (line: string) => [line.slice(0, 3).trim(), line.slice(5, 24).trim(), line.slice(26, 47).trim()];
    expect(cells(lines[1]!)).toEqual(["0", "–", ""]);
    expect(cells(lines[2]!)).toEqual(["1", "", "1"]);
  });
});
