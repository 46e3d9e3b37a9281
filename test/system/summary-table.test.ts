import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { formatScenarioSummary } from "../../system/scenario/summary.js";
import { sweepResultProblems } from "../../system/scenario/sweep-result.js";

describe("the table nicsim run prints", () => {
  test("its columns line up when a class's name is longer than the heading's column (class-default (0))", () => {
    const { summary } = runScenario(
      checkScenario({
        name: "untagged",
        durationMicroseconds: 20,
        customers: [{ name: "a", identity: { type: "ID_KEY_ID", value: "a" } }],
        traffic: [{ name: "s", customer: "a", direction: "both", packetBytes: 200, gapMicroseconds: 5 }],
        outputs: { waveform: false, pcap: false, html: false },
      }),
      { directory: null },
    );
    const lines = formatScenarioSummary(summary).split("\n");
    const heading = lines.find((line) => line.includes("direction  received"))!;
    const rows = lines.filter((line) => / to-(peer|host) /.test(line));
    expect(rows.some((row) => row.includes("class-default (0)"))).toBe(true);
    for (const row of rows) expect(row.indexOf(" to-"), row).toBe(heading.indexOf(" direction"));
  });
});

/** Two customers for 20 µs, b's traffic in gold (priority 10), a's in class-default; `more` sets the rest (its name and traffic first). */
function goldAndDefault(more: Record<string, unknown>) {
  return runScenario(
    checkScenario({
      durationMicroseconds: 20,
      customers: [
        { name: "a", identity: { type: "ID_KEY_ID", value: "a" } },
        { name: "b", identity: { type: "ID_KEY_ID", value: "b" } },
      ],
      qos: "crypto isakmp profile b\n match identity group b\n set ipsec-qos-group 1\nclass-map match-any gold\n match qos-group 1\npolicy-map edge\n class gold\n  priority percent 10\n",
      outputs: { waveform: false, pcap: false, html: false },
      ...more,
    }),
    { directory: null },
  );
}

describe("a class that delivered nothing", () => {
  // The second stream's first packet is due after the traffic ends: its class is in the run, with no packet.
  const { summary } = goldAndDefault({
    name: "silent-class",
    traffic: [
      { name: "s", customer: "a", direction: "both", packetBytes: 200, gapMicroseconds: 5 },
      { name: "quiet", customer: "b", direction: "to-peer", packetBytes: 200, gapMicroseconds: 1000 },
    ],
  });
  const quiet = summary.classes.find((entry) => entry.className === "gold")!;

  test("has no latency, not a latency of 0: null in the summary, a dash in the table", () => {
    expect(quiet.received).toBe(0);
    expect(quiet.latency).toEqual({ count: 0, p50: null, p99: null, max: null });
    expect(quiet.host).toEqual({ count: 0, p50: null, p99: null, max: null });
    const row = formatScenarioSummary(summary).split("\n").find((line) => line.includes("gold (7)"))!;
    expect(row.trim().split(/\s+/).slice(-4)).toEqual(["–", "–", "–", "–"]);
    // The classes that did deliver keep their figures.
    for (const entry of summary.classes.filter((other) => other.received > 0)) expect(entry.latency.p99).toBeGreaterThan(0);
  });

  test("its sweep row passes sweep-merge's check, and one that claims a latency for no packets does not", () => {
    const row = { index: 0, overrides: {}, outcome: summary.outcome, classes: summary.classes, cache: summary.ipsec.cache, softwareTx: 0, softwareRx: 0, preemptions: { tx: 0, rx: 0 }, preemptionCost: { tx: { busyMicroseconds: 0, lostMicroseconds: 0, switchMicroseconds: 0 }, rx: { busyMicroseconds: 0, lostMicroseconds: 0, switchMicroseconds: 0 } }, host: { busy: 0, preemptions: 0 }, lost: 0, injectedCopies: { replays: 0, cleartext: 0, crossTunnel: 0, crossTunnelUnsent: 0 }, drops: {} };
    expect(sweepResultProblems(row)).toBeNull();
    const at = summary.classes.indexOf(quiet);
    const claimed = { ...row, classes: summary.classes.map((entry) => (entry === quiet ? { ...entry, latency: { ...entry.latency, p99: 0 } } : entry)) };
    expect(sweepResultProblems(claimed)).toEqual([`classes[${at}].latency: p50, p99 and max are null when count is 0, and only then`]);
  });
});

// From the last session's open points: with fewer queues than classes, a queue's interrupts and polls run at the highest class it carries, which the host line named "class 3" though no traffic had it.
test("the host line names a class no traffic has by what runs at it: a queue's interrupts and polls", () => {
  const { summary } = goldAndDefault({
    name: "two-queues",
    nic: { queues: 2 },
    traffic: [
      { name: "s", customer: "a", direction: "both", packetBytes: 200, gapMicroseconds: 2 },
      { name: "g", customer: "b", direction: "both", packetBytes: 200, gapMicroseconds: 2 },
    ],
  });
  const host = formatScenarioSummary(summary).split("\n").find((line) => line.includes("mean wait for a core"))!;
  // Queue 0 carries classes 0 to 3: its work waits at class 3.
  expect(summary.host.waits.map((wait) => wait.trafficClass)).toContain(3);
  expect(host).toContain("class 3 (a queue's interrupts and polls)");
  expect(host).toContain("gold ");
  expect(host).toContain("class-default ");
});
