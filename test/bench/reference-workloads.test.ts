import { describe, expect, test } from "vitest";
import { parseWorkloadReport, runWorkload, type WorkloadName, type WorkloadReport } from "./reference-workloads.js";
import { type BenchRow, renderEvaluations, renderTable } from "./reference-table.js";
import { benchRounds, medianRounds, roundLines } from "./bench-rounds.js";

/**
 * `npm run bench`'s workloads, run in-process on a tiny size, so that the benchmark cannot rot
 * silently: each produces the JSON line the bench parses, with every frame it offered counted on
 * the wire and delivered. No timing is asserted.
 */
const viaJson = (report: WorkloadReport) => parseWorkloadReport(JSON.stringify(report));

describe("the reference workloads, on a tiny size", () => {
  test.each(["plain-tx-60", "plain-tx-1500", "plain-rx-60", "plain-rx-1500", "esp-tx-1400"] as const)("%s: 200 frames offered, 200 on the wire and delivered", (name: WorkloadName) => {
    const report = viaJson(runWorkload(name, 200));
    expect(report).toMatchObject({ workload: name, size: 200, offered: 200, wireFrames: 200, delivered: 200 });
    expect(report.timesteps).toBeGreaterThan(0);
    expect(report.nicCycles).toBeGreaterThan(0);
    expect(report.simulatedPicoseconds).toBeGreaterThan(0);
    // Split by block, the evaluations are the NIC's: its TX engine and MAC ran for every TX frame, its RX engine for every RX one
    // (the MAC only draws a received frame, and with no waveform it does not run for that).
    const direction = name.includes("rx") ? "rx" : "tx";
    expect(report.evaluationsByBlock[`top.nic.${direction}`]).toBeGreaterThanOrEqual(200);
    if (direction === "tx") expect(report.evaluationsByBlock["top.nic.mac"]).toBeGreaterThanOrEqual(200);
    else expect(report.evaluationsByBlock["top.nic.mac"]).toBeLessThan(200);
    expect(report.seconds).toBeGreaterThan(0);
    expect(report.peakResidentKilobytes).toBeGreaterThan(0);
  });

  test.each(["default-scenario", "default-scenario-waveform"] as const)("%s, 20 µs: frames on the wire both ways, packets delivered", (name: WorkloadName) => {
    const report = viaJson(runWorkload(name, 20));
    expect(report.offered).toBeNull();
    expect(report.delivered).toBeGreaterThan(0);
    // Each delivered packet crossed the wire, and IKE's exchanges too.
    expect(report.wireFrames).toBeGreaterThan(report.delivered);
    expect(report.timesteps).toBeGreaterThan(0);
    expect(report.nicCycles).toBeGreaterThan(0);
  }, 60_000);
});

describe("the workload report line", () => {
  const good = { workload: "plain-tx-60", size: 8, offered: 8, wireFrames: 8, delivered: 8, seconds: 0.5, simulatedPicoseconds: 1, nicCycles: 1, timesteps: 3, evaluationsByBlock: { "top.nic.tx": 20, "top.nic.mac": 12 }, peakResidentKilobytes: 1024, liveMemoryBytes: 2 ** 20 };

  test("a good line is read back as it was written", () => {
    expect(parseWorkloadReport(JSON.stringify(good))).toEqual(good);
  });

  test("a bad line is refused naming the field, or as not JSON", () => {
    expect(() => parseWorkloadReport(JSON.stringify({ ...good, wireFrames: undefined }))).toThrow(/wireFrames/);
    expect(() => parseWorkloadReport(JSON.stringify({ ...good, workload: "plain-tx-61" }))).toThrow(/workload/);
    expect(() => parseWorkloadReport(JSON.stringify({ ...good, evaluationsByBlock: { "top.nic.tx": -1 } }))).toThrow(/evaluationsByBlock/);
    expect(() => parseWorkloadReport("Error: out of memory")).toThrow(/not JSON/);
  });
});

describe("the table", () => {
  const report = (workload: WorkloadName, wireFrames: number, seconds: number, liveHeapMegabytes = 20): WorkloadReport => ({
    workload,
    size: wireFrames,
    offered: wireFrames,
    wireFrames,
    delivered: wireFrames,
    seconds,
    simulatedPicoseconds: 1,
    nicCycles: 1_000_000,
    timesteps: 10 * wireFrames,
    evaluationsByBlock: { "top.nic.tx": 4 * wireFrames, "top.nic.dma": 3 * wireFrames, "top.nic.rx": 0, "top.nic.interrupts": wireFrames / 1000 },
    peakResidentKilobytes: 102_400,
    liveMemoryBytes: liveHeapMegabytes * 2 ** 20,
  });
  const row = (id: string, workload: WorkloadName, goal: BenchRow["goal"]): BenchRow => ({ id, workload, size: workload.startsWith("default") ? 10_000 : 1000, goal });

  test("goals met and not met, ratios to the seal rate, the memory row", () => {
    const lines = renderTable(
      500_000,
      [
        { row: row("fast", "plain-tx-60", { kind: "frames-per-second", atLeast: 200_000 }), report: report("plain-tx-60", 1000, 0.004) },
        { row: row("slow", "plain-tx-60", { kind: "frames-per-second", atLeast: 200_000 }), report: report("plain-tx-60", 1000, 0.01) },
        { row: row("plain", "default-scenario", { kind: "none" }), report: report("default-scenario", 1000, 1, 20) },
        { row: row("traced", "default-scenario-waveform", { kind: "slower-than", baseline: "plain", atMost: 1.5 }), report: report("default-scenario-waveform", 1000, 2, 24) },
      ],
      { short: "plain", long: "traced", atMost: 1.25 },
      1000,
    );
    expect(lines).toHaveLength(2 + 4 + 1);
    // 250,000 frames/s is half the seal rate; 100,000 a fifth.
    expect(lines[2]).toContain("| 250,000 | 0.500 |");
    // Scaled: a seal rate of 500,000 against the goals' 208,333 makes the goal 480,000.
    expect(lines[2]).toMatch(/>= 200,000 frames\/wall-s: met; scaled to this run's seal rate, >= 480,000: NOT met \|$/);
    expect(lines[3]).toContain("| 100,000 | 0.200 |");
    expect(lines[3]).toMatch(/>= 200,000 frames\/wall-s: NOT met; scaled to this run's seal rate, >= 480,000: NOT met \|$/);
    expect(lines[4]).toContain("| 10x (10,000 µs) |");
    expect(lines[5]).toMatch(/2\.00x, NOT met \|$/);
    expect(lines[6]).toMatch(/\| 100, 100 \| 20\.0, 24\.0 \| <= 1.25x: 1.20x, met \|$/);
  });

  test("evaluations by block: per frame on the wire, the most first, blocks under 0.005 a frame left out but counted in the total", () => {
    expect(renderEvaluations([{ row: row("tx-60", "plain-tx-60", { kind: "none" }), report: report("plain-tx-60", 1000, 1) }])).toEqual(["  tx-60: 7.00 a frame; top.nic.tx 4.00, top.nic.dma 3.00"]);
  });

  test("rounds: each row's median round, whole, and a line per row with its rounds and, for a cost against another row, that cost round by round", () => {
    const plain = row("plain", "default-scenario", { kind: "none" });
    const traced = row("traced", "default-scenario-waveform", { kind: "slower-than", baseline: "plain", atMost: 1.5 });
    // Seconds for 1000 frames in three rounds: plain 1, 2, 1.25 s; traced 2, 2.2, 1.5 s.
    const byRound = [
      [{ row: plain, report: report("default-scenario", 1000, 1, 20) }, { row: traced, report: report("default-scenario-waveform", 1000, 2, 21) }],
      [{ row: plain, report: report("default-scenario", 1000, 2, 22) }, { row: traced, report: report("default-scenario-waveform", 1000, 2.2, 23) }],
      [{ row: plain, report: report("default-scenario", 1000, 1.25, 24) }, { row: traced, report: report("default-scenario-waveform", 1000, 1.5, 25) }],
    ];
    const medians = medianRounds(byRound);
    // The median rate's round, with that round's other figures (its memory) too.
    expect(medians.map(({ report: { seconds, liveMemoryBytes } }) => [seconds, liveMemoryBytes / 2 ** 20])).toEqual([[1.25, 24], [2, 21]]);
    expect(roundLines([plain, traced], byRound)).toEqual([
      "  plain: 1,000 / 500 / 800 (highest ÷ lowest 2.00)",
      "  traced: 500 / 455 / 667 (highest ÷ lowest 1.47); wall time per frame against plain in the same round: 2.00x / 1.10x / 1.20x",
    ]);
    // Of two rounds, the slower.
    expect(medianRounds(byRound.slice(0, 2)).map(({ report: { seconds } }) => seconds)).toEqual([2, 2.2]);
    expect(benchRounds(undefined)).toBe(3);
    expect(benchRounds("1")).toBe(1);
    for (const bad of ["0", "-1", "1.5", "x", ""]) expect(() => benchRounds(bad)).toThrow(/BENCH_ROUNDS=.*: expected a whole number of rounds, 1 or more/);
  });
});
