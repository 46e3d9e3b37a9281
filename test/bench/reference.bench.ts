import { cpus, loadavg } from "node:os";
import { thisBuild } from "./against.js";
import { ROWS, scenarioMicroseconds } from "./reference-rows.js";
import { BenchFailure, runWorkloadProcess } from "./run-workload-process.js";
import { parseWorkloadReport } from "./reference-workloads.js";
import { type BenchRow, type Measured, renderEvaluations, renderTable, whole } from "./reference-table.js";
import { sealRate } from "./seal-rate.js";
import { percentiles } from "../../sim/stats/percentiles.js";
import { benchRounds, medianRounds, roundLines } from "./bench-rounds.js";

/**
 * `npm run bench`: the reference workloads of issue 17 in one table, each run in a process of its
 * own, beside this machine's raw node:crypto seal rate measured in the same run (and each rate's
 * ratio to it, which compares across machines and loads better than the rate does).
 * Every row runs BENCH_ROUNDS times (3 by default), round by round, each round after a seal-rate
 * measurement of its own: this machine's figures swing by up to 40 % from one run to the next
 * (plain RX at 60 bytes gave 95,208 then 67,401 frames/s), so the table gives each row's median
 * round against the median seal rate, and a line per row its rounds. Sizes keep the whole under
 * about 3 minutes on a 2-core machine.
 */

const child = thisBuild().workloadProcess;

async function measureRow(row: BenchRow): Promise<Measured> {
  return { row, report: await runWorkloadProcess(child, row.workload, row.size, row.id, parseWorkloadReport) };
}

const started = performance.now();
const rounds = benchRounds(process.env.BENCH_ROUNDS);
console.log(`\nreference workloads (issue 17): each in its own process after a warm-up run; tracing off but in the waveform row; scenario rows without capture or HTML report; node:crypto registered; ${rounds} round(s); Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`);
const seals: number[] = [];
const byRound: Measured[][] = [];
for (let round = 0; round < rounds; round++) {
  seals.push(sealRate(1400, 1));
  const measured: Measured[] = [];
  for (const row of ROWS) {
    process.stderr.write(`  round ${round + 1} of ${rounds}: ${row.id}…\n`);
    try {
      measured.push(await measureRow(row));
    } catch (error) {
      BenchFailure.exit(error);
    }
  }
  byRound.push(measured);
}
const medianSeals = percentiles(seals).p50;
console.log(`raw node:crypto AES-128-GCM seal, 1400 bytes, 8-byte AAD, 16-byte tag: ${whole(medianSeals)} seals/s, the median of ${seals.map(whole).join(", ")} (this machine, this run, one before each round)\n`);
for (const line of renderTable(medianSeals, medianRounds(byRound), { short: "default-3x", long: "default-10x", atMost: 1.25 }, scenarioMicroseconds)) console.log(line);
console.log(`\nframes/wall-s of each round (the table gives the median):`);
for (const line of roundLines(ROWS, byRound)) console.log(line);
console.log(`\ncomponent evaluations per frame on the wire, by clocked block (deterministic: the same in every round and on every machine):`);
for (const line of renderEvaluations(byRound[0]!)) console.log(line);
console.log(`\nframes on the wire: the workload's direction for plain and ESP rows, both ways (IKE included) for the scenario; ` +
  `NIC cycles/wall-s: the NIC core clock's cycles simulated per second of wall time; frames ÷ seals and cycles ÷ seals: each rate divided by the raw seal rate above (a machine-independent figure); ` +
  `timesteps/frame over the whole run, start-up included (nicsim validate's kernel-work counts the plain and ESP workloads between the 50th and the 550th frame, so its figures for them are lower, and the default scenario over its whole run, as here); ` +
  `peak RSS: the workload's process, warm-up included (V8 grows its heap with a longer run even when what it holds does not); live memory: after a collection at the run's end, what the model still held, the heap and the byte buffers outside it, which the memory row compares from 3x (by when the channels, histograms and compiled code have reached their size) to 10x. Total ${((performance.now() - started) / 1000).toFixed(0)} s.`);
