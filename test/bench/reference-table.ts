import { WORKLOADS, type WorkloadName, type WorkloadReport } from "./reference-workloads.js";

/** A row's goal (issue 17): a rate of frames on the wire per wall-second, or a cost against another row. */
export type Goal =
  | { readonly kind: "frames-per-second"; readonly atLeast: number }
  | { readonly kind: "slower-than"; readonly baseline: string; readonly atMost: number }
  | { readonly kind: "none" };

export interface BenchRow {
  readonly id: string;
  readonly workload: WorkloadName;
  readonly size: number;
  readonly goal: Goal;
}

/** Memory of two runs of one workload, one several times the other's length: flat when the long one's live memory at its end is at most `atMost` times the short one's. */
export interface MemoryFlatCheck {
  readonly short: string;
  readonly long: string;
  readonly atMost: number;
}

export interface Measured {
  readonly row: BenchRow;
  readonly report: WorkloadReport;
}

export const whole = (value: number) => Math.round(value).toLocaleString("en-US");

/** A row's size as the table says it: frames or packets offered, or the scenario's length against its own (`scenarioMicroseconds`). */
function sizeLabel(row: BenchRow, scenarioMicroseconds: number): string {
  if (row.workload.startsWith("default-scenario")) return `${Number((row.size / scenarioMicroseconds).toFixed(2))}x (${whole(row.size)} µs)`;
  return `${whole(row.size)} ${row.workload.startsWith("esp") ? "packets" : "frames"}`;
}
const megabytes = (kilobytes: number) => (kilobytes / 1024).toFixed(0);
const liveMegabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const verdict = (met: boolean) => (met ? "met" : "NOT met");
const secondsPerFrame = (report: WorkloadReport) => report.seconds / report.wireFrames;

/**
 * The seal rate of the machine issue 17's goals were set on: it measured node:crypto's 1400-byte
 * seal at 4.8 µs. This machine's speed moves by 2x from day to day, so each rate goal is also
 * given scaled by this run's seal rate against that one: the same goal, on a machine as fast as
 * the one it was set on.
 */
export const GOALS_SEALS_PER_SECOND = 1e6 / 4.8;

function goalCell(goal: Goal, report: WorkloadReport, byId: ReadonlyMap<string, WorkloadReport>, sealsPerSecond: number): string {
  switch (goal.kind) {
    case "none":
      return "-";
    case "frames-per-second": {
      const rate = report.wireFrames / report.seconds;
      const scaled = (goal.atLeast * sealsPerSecond) / GOALS_SEALS_PER_SECOND;
      return `>= ${whole(goal.atLeast)} frames/wall-s: ${verdict(rate >= goal.atLeast)}; scaled to this run's seal rate, >= ${whole(scaled)}: ${verdict(rate >= scaled)}`;
    }
    case "slower-than": {
      const baseline = byId.get(goal.baseline);
      if (!baseline) throw new Error(`goal of ${report.workload}: no row ${goal.baseline} to compare with`);
      const ratio = secondsPerFrame(report) / secondsPerFrame(baseline);
      return `<= ${goal.atMost}x the wall time per frame of ${goal.baseline}: ${ratio.toFixed(2)}x, ${verdict(ratio <= goal.atMost)}`;
    }
  }
}

/**
 * The Markdown table: one line per row, then the memory check's row. Ratios are to
 * `sealsPerSecond`; scenario lengths are given against `scenarioMicroseconds`, the scenario's own.
 */
export function renderTable(sealsPerSecond: number, measured: readonly Measured[], memory: MemoryFlatCheck, scenarioMicroseconds: number): string[] {
  const byId = new Map(measured.map(({ row, report }) => [row.id, report]));
  const lines = [
    "| workload | size | wall s | frames on the wire | frames/wall-s | frames ÷ seals | NIC cycles/wall-s | cycles ÷ seals | timesteps/frame | peak RSS MB | live memory MB | goal |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const { row, report } of measured) {
    const frames = report.wireFrames / report.seconds;
    const cycles = report.nicCycles / report.seconds;
    lines.push(
      `| ${WORKLOADS[row.workload].label} | ${sizeLabel(row, scenarioMicroseconds)} | ${report.seconds.toFixed(2)} | ${whole(report.wireFrames)} | ${whole(frames)} | ${(frames / sealsPerSecond).toFixed(3)} | ` +
        `${whole(cycles)} | ${(cycles / sealsPerSecond).toFixed(2)} | ${(report.timesteps / report.wireFrames).toFixed(1)} | ${megabytes(report.peakResidentKilobytes)} | ${liveMegabytes(report.liveMemoryBytes)} | ${goalCell(row.goal, report, byId, sealsPerSecond)} |`,
    );
  }
  const short = byId.get(memory.short);
  const long = byId.get(memory.long);
  if (!short || !long) throw new Error(`memory check: rows ${memory.short} and ${memory.long} are both needed`);
  const growth = long.liveMemoryBytes / short.liveMemoryBytes;
  lines.push(
    `| memory flat in run length: ${memory.short} and ${memory.long} | | | | | | | | | ${megabytes(short.peakResidentKilobytes)}, ${megabytes(long.peakResidentKilobytes)} | ${liveMegabytes(short.liveMemoryBytes)}, ${liveMegabytes(long.liveMemoryBytes)} | ` +
      `<= ${memory.atMost}x: ${growth.toFixed(2)}x, ${verdict(growth <= memory.atMost)} |`,
  );
  return lines;
}

/**
 * Where each row's component evaluations went, per frame on the wire and by clocked block, the
 * most first (blocks under 0.005 a frame left out): deterministic, unlike the wall time, so a
 * block that starts running more shows here whatever the machine's speed.
 */
export function renderEvaluations(measured: readonly Measured[]): string[] {
  return measured.map(({ row, report }) => {
    const blocks = Object.entries(report.evaluationsByBlock).map(([path, evaluations]) => ({ path, perFrame: evaluations / report.wireFrames }));
    const total = blocks.reduce((sum, { perFrame }) => sum + perFrame, 0);
    const shown = blocks.filter(({ perFrame }) => perFrame >= 0.005).sort((a, b) => b.perFrame - a.perFrame || a.path.localeCompare(b.path));
    return `  ${row.id}: ${total.toFixed(2)} a frame; ${shown.map(({ path, perFrame }) => `${path} ${perFrame.toFixed(2)}`).join(", ")}`;
  });
}
