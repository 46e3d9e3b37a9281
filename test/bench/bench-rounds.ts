import { percentiles } from "../../sim/stats/percentiles.js";
import { type BenchRow, type Measured, whole } from "./reference-table.js";

/** Frames on the wire per wall-second of one measurement. */
export const frameRate = ({ report }: Measured) => report.wireFrames / report.seconds;

/** BENCH_ROUNDS: the rounds of every row (3 when not given). */
export function benchRounds(text: string | undefined): number {
  const rounds = Number(text ?? 3);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError(`BENCH_ROUNDS=${text}: expected a whole number of rounds, 1 or more`);
  return rounds;
}

/** Each row's median round (nearest rank: of two, the slower), whole, so that a row's figures are all one run's. `byRound[round][row]`. */
export function medianRounds(byRound: readonly (readonly Measured[])[]): Measured[] {
  return byRound[0]!.map((_, index) => {
    const runs = byRound.map((round) => round[index]!);
    const median = percentiles(runs.map(frameRate)).p50;
    return runs.find((run) => frameRate(run) === median)!;
  });
}

/**
 * A line per row: its frame rate in each round, their spread, and for a row with a cost against
 * another (the waveform's) that cost round by round: the table's ratio is of two medians, often of
 * different rounds.
 */
export function roundLines(rows: readonly BenchRow[], byRound: readonly (readonly Measured[])[]): string[] {
  return rows.map((row, index) => {
    const rates = byRound.map((round) => frameRate(round[index]!));
    const goal = row.goal;
    const baseline = goal.kind === "slower-than" ? rows.findIndex((other) => other.id === goal.baseline) : -1;
    const against = baseline < 0 ? "" : `; wall time per frame against ${rows[baseline]!.id} in the same round: ${byRound.map((round) => `${(frameRate(round[baseline]!) / frameRate(round[index]!)).toFixed(2)}x`).join(" / ")}`;
    return `  ${row.id}: ${rates.map(whole).join(" / ")}${rates.length > 1 ? ` (highest ÷ lowest ${(Math.max(...rates) / Math.min(...rates)).toFixed(2)})` : ""}${against}`;
  });
}

/** The middle value, or the mean of the middle two (bench:alternate's rounds: nearest rank gave the worse of two rounds as their median; from an outside check). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
