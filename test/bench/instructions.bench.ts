import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isWorkloadName, parseWorkloadReport, warmUpSize, WORKLOADS, type WorkloadName } from "./reference-workloads.js";

/**
 * Instructions a frame of one reference workload, counted by valgrind rather than timed: on a
 * machine whose wall time varies by 2x within minutes (this one), the only figure that tells two
 * builds apart by less than that. `npm run bench:instructions -- <workload> <smaller> <larger>`
 * runs the workload's process under callgrind at both sizes, V8 single-threaded, and divides the difference of the
 * instructions by the difference of the frames, which leaves out start-up and most of the JIT's
 * compiling (valgrind counts it; it still shows at sizes of a few thousand frames). Slow: about
 * 50 times the workload's own time.
 */
const [name, smallerText, largerText] = process.argv.slice(2);
const smaller = Number(smallerText);
const larger = Number(largerText);
if (name === undefined || !isWorkloadName(name) || !Number.isSafeInteger(smaller) || !Number.isSafeInteger(larger) || smaller <= 0 || larger <= smaller) {
  process.stderr.write(`usage: npm run bench:instructions -- <workload> <smaller size> <larger size>; workloads: ${Object.keys(WORKLOADS).join(", ")}\n`);
  process.exit(2);
}
if (name.startsWith("default-scenario") && smaller < 100) {
  process.stderr.write("a scenario's sizes are µs of simulated time: give 100 or more, so that both warm-up runs are the same (100 µs) and cancel\n");
  process.exit(2);
}
if (spawnSync("valgrind", ["--version"], { encoding: "utf8" }).error !== undefined) {
  process.stderr.write("valgrind is not installed: apt-get install valgrind\n");
  process.exit(2);
}

const child = fileURLToPath(new URL("./workload-process.js", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "nicsim-instructions-"));

/** Instructions the workload's process ran at a size, and the frames it put on the wire (its warm-up's included). */
function count(workload: WorkloadName, size: number): { instructions: number; frames: number } {
  // V8 single-threaded: its compiler and garbage collector threads, run concurrently, made the same build's count differ by 2.5 times between two days; so, two runs agree to 0.01 %.
  const result = spawnSync("valgrind", ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${join(scratch, `${size}.out`)}`, process.execPath, "--single-threaded", "--expose-gc", child, workload, String(size)], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`valgrind run of ${workload} at ${size} ended with status ${String(result.status)}: ${result.stderr.slice(-2000)}`);
  const collected = /Collected\s*:\s*(\d+)/.exec(result.stderr);
  if (collected === null) throw new Error(`valgrind run of ${workload} at ${size}: no instruction count in its output`);
  const report = parseWorkloadReport(result.stdout.trim().split("\n").at(-1)!);
  // A scenario's warm-up is the same at both sizes; a frame workload's warm-up offers warmUpSize frames, one each on the wire.
  const warmUpFrames = workload.startsWith("default-scenario") ? 0 : warmUpSize(workload, size);
  return { instructions: Number(collected[1]), frames: report.wireFrames + warmUpFrames };
}

try {
  process.stdout.write(`${name}: counting instructions under valgrind at ${smaller} and ${larger} (minutes)…\n`);
  const first = count(name, smaller);
  const second = count(name, larger);
  const perFrame = (second.instructions - first.instructions) / (second.frames - first.frames);
  process.stdout.write(`${name}: ${first.instructions.toLocaleString("en-US")} instructions at ${smaller}, ${second.instructions.toLocaleString("en-US")} at ${larger}; ${Math.round(perFrame).toLocaleString("en-US")} a frame on the wire over the ${(second.frames - first.frames).toLocaleString("en-US")} frames between\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
