import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkedWorkload, parseWorkloadRate, warmUpSize, type WorkloadName, workloadList } from "./reference-workloads.js";
import { type Build, otherBuildOrExit, takeAgainst, thisBuild } from "./against.js";
import { BenchFailure } from "./run-workload-process.js";

/**
 * Instructions a frame of one reference workload, counted by valgrind rather than timed: on a
 * machine whose wall time varies by 2x within minutes (this one), the only figure that tells two
 * builds apart by less than that. `npm run bench:instructions -- <workload> <smaller> <larger>
 * [--against <checkout>]` runs the workload's process under callgrind at both sizes, V8
 * single-threaded, and divides the difference of the instructions by the difference of the frames,
 * which leaves out start-up and most of the JIT's compiling (valgrind counts it; it still shows at
 * sizes of a few thousand frames). V8's heuristics that go by time still make a count depend on
 * the machine's load (one build's moved by a third when the run beside it ended early), so a build
 * is compared with another (`--against`, a checkout built with `npm run build`) by running the two
 * side by side at each size. Slow: about 50 times the workload's own time.
 */
const args = process.argv.slice(2);
const against = takeAgainst(args);
const [name, smallerText, largerText] = args;
const smaller = Number(smallerText);
const larger = Number(largerText);
const atSmallerSize = checkedWorkload(name, smaller);
const atLargerSize = checkedWorkload(name, larger);
const problems = [
  atSmallerSize.problem,
  atLargerSize.problem === atSmallerSize.problem ? null : atLargerSize.problem,
  atSmallerSize.problem === null && atLargerSize.problem === null && larger <= smaller ? `sizes ${smaller} and ${larger}: the larger must be larger` : null,
  against === null ? "--against: no checkout after it" : null,
].filter((problem) => problem !== null);
if (problems.length > 0 || atSmallerSize.workload === null) {
  process.stderr.write(`${problems.join("\n")}\nusage: npm run bench:instructions -- <workload> <smaller size> <larger size> [--against <checkout built with npm run build>]; workloads: ${workloadList()}\n`);
  process.exit(2);
}
const workload = atSmallerSize.workload;
if (workload.startsWith("default-scenario") && smaller < 100) {
  process.stderr.write("a scenario's sizes are µs of simulated time: give 100 or more, so that both warm-up runs are the same (100 µs) and cancel\n");
  process.exit(2);
}
if (spawnSync("valgrind", ["--version"], { encoding: "utf8" }).error !== undefined) {
  process.stderr.write("valgrind is not installed: apt-get install valgrind\n");
  process.exit(2);
}

const own = thisBuild();
const other = against === undefined || against === null ? undefined : otherBuildOrExit(against);
const scratch = mkdtempSync(join(tmpdir(), "nicsim-instructions-"));

interface Count {
  readonly instructions: number;
  readonly frames: number;
}

/** Instructions one build's workload process ran at a size, and the frames it put on the wire (its warm-up's included); `label` names its callgrind file. */
function count(build: Build, label: string, workload: WorkloadName, size: number): Promise<Count> {
  const child = build.workloadProcess;
  // V8 single-threaded: its compiler and garbage collector threads, run concurrently, made the same build's count differ by 2.5 times between two days.
  const valgrind = spawn("valgrind", ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${join(scratch, `${label}-${size}.out`)}`, process.execPath, "--single-threaded", "--expose-gc", child, workload, String(size)]);
  let stdout = "";
  let stderr = "";
  valgrind.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  valgrind.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    valgrind.on("error", fail);
    valgrind.on("close", (status) => {
      if (status !== 0) return fail(new BenchFailure(`valgrind run of ${build.name}'s ${workload} at ${size} ended with status ${String(status)}: ${stderr.slice(-2000)}`));
      const collected = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (collected === null) return fail(new BenchFailure(`valgrind run of ${build.name}'s ${workload} at ${size}: no instruction count in its output`));
      let report: ReturnType<typeof parseWorkloadRate>;
      try {
        report = parseWorkloadRate(stdout.trim().split("\n").at(-1) ?? "");
      } catch (error) {
        return fail(new BenchFailure(`${build.name}: its ${workload} process's report is not one this bench reads (${(error as Error).message})`));
      }
      // A scenario's warm-up is the same at both sizes; a frame workload's warm-up offers warmUpSize frames, one each on the wire.
      const warmUpFrames = workload.startsWith("default-scenario") ? 0 : warmUpSize(workload, size);
      done({ instructions: Number(collected[1]), frames: report.wireFrames + warmUpFrames });
    });
  });
}

function perFrame(label: string, first: Count, second: Count): number {
  const figure = (second.instructions - first.instructions) / (second.frames - first.frames);
  process.stdout.write(`${label}: ${first.instructions.toLocaleString("en-US")} instructions at ${smaller}, ${second.instructions.toLocaleString("en-US")} at ${larger}; ${Math.round(figure).toLocaleString("en-US")} a frame on the wire over the ${(second.frames - first.frames).toLocaleString("en-US")} frames between\n`);
  return figure;
}

let failure: unknown = null;
try {
  process.stdout.write(`${workload}: counting instructions under valgrind at ${smaller} and ${larger}${other ? `, this build and ${against} side by side` : ""} (minutes)…\n`);
  const builds = other === undefined ? [own] : [own, other];
  const atSmaller = await Promise.all(builds.map((build, index) => count(build, `${index}`, workload, smaller)));
  const atLarger = await Promise.all(builds.map((build, index) => count(build, `${index}`, workload, larger)));
  const figures = builds.map((build, index) => perFrame(`${workload}, ${build.name}`, atSmaller[index]!, atLarger[index]!));
  if (figures.length === 2) process.stdout.write(`${workload}: this build ${((figures[0]! / figures[1]! - 1) * 100).toFixed(1)} % against ${against} (fewer instructions a frame: negative)\n`);
} catch (error) {
  failure = error;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failure !== null) BenchFailure.exit(failure);
