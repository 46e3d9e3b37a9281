import { type ShardFile, SweepMergeError } from "./sweep-shard-file.js";
import { isTemporaryName } from "../../sim/output-files.js";
import type { SweepResult } from "./sweep.js";

/** The shards joined: the whole sweep's JSON lines (as an unsharded sweep writes them) and its results, in configuration order. */
export interface MergedSweep {
  readonly text: string;
  readonly results: SweepResult[];
  readonly shards: number;
}

/**
 * Join the outputs of every shard of one sweep. Refused: shards of another sweep (version, grid
 * size or fingerprint), of another split, a shard given twice or missing, and a shard whose rows are
 * not exactly its share of the grid (cut off, or edited).
 */
export function mergeShards(shards: readonly ShardFile[]): MergedSweep {
  if (shards.length === 0) throw new SweepMergeError("no shard outputs given");
  const first = shards[0]!;
  const name = (shard: ShardFile) => `${shard.file} (shard ${shard.header.index}/${shard.header.count})`;
  for (const shard of shards.slice(1)) {
    const [a, b] = [shard.header, first.header];
    const differ = (what: string) => new SweepMergeError(`${name(shard)} and ${name(first)} are not shards of one sweep: ${what}`);
    if (a.nicsim !== b.nicsim) throw differ(`written by nicsim ${a.nicsim} and ${b.nicsim}`);
    if (a.points !== b.points) throw differ(`grids of ${a.points} and ${b.points} configurations`);
    if (a.fingerprint !== b.fingerprint) throw differ(`grid fingerprints ${a.fingerprint.slice(0, 19)}… and ${b.fingerprint.slice(0, 19)}… (another scenario, grid values or --set, or another build of nicsim)`);
    if (a.count !== b.count) throw differ(`split into ${a.count} and ${b.count} shards`);
  }
  const { count, points } = first.header;
  const byIndex = new Map<number, ShardFile>();
  for (const shard of shards) {
    const earlier = byIndex.get(shard.header.index);
    if (earlier) throw new SweepMergeError(`shard ${shard.header.index}/${count} given twice: ${earlier.file} and ${shard.file}`);
    byIndex.set(shard.header.index, shard);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) throw new SweepMergeError(`shard${missing.length > 1 ? "s" : ""} ${missing.map((index) => `${index}/${count}`).join(", ")} missing (given: ${[...byIndex.keys()].sort((x, y) => x - y).map((index) => `${index}/${count}`).join(", ")})`);
  for (const shard of shards) checkRows(shard, points);
  const rows = shards.flatMap((shard) => shard.rows).sort((x, y) => x.result.index - y.result.index);
  return { text: rows.map((row) => `${row.text}\n`).join(""), results: rows.map((row) => row.result), shards: count };
}

/** A shard holds its share of the grid (configurations k, k + n, …), each once, in order. */
function checkRows(shard: ShardFile, points: number): void {
  const { index, count } = shard.header;
  const expected = Array.from({ length: Math.max(0, Math.ceil((points - index) / count)) }, (_, position) => index + position * count);
  for (const [position, row] of shard.rows.entries()) {
    if (position >= expected.length) throw new SweepMergeError(`${shard.file}:${row.line}: configuration ${row.result.index}, beyond shard ${index}/${count}'s ${expected.length} of a ${points}-configuration grid`);
    if (row.result.index !== expected[position]) throw new SweepMergeError(`${shard.file}:${row.line}: configuration ${row.result.index} where shard ${index}/${count} has configuration ${expected[position]} (rows missing, repeated or out of order)`);
  }
  if (shard.rows.length < expected.length) throw new SweepMergeError(`${shard.file}: holds ${shard.rows.length} of shard ${index}/${count}'s ${expected.length} configurations (configuration ${expected[shard.rows.length]} onwards missing): the file is incomplete${isTemporaryName(shard.file) ? ` (a sweep's results while it runs, or as it stopped: finish it with nicsim sweep --resume and the command that made it)` : ""}`);
}
