import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkedWorkload, isWorkloadName, parseWorkloadRate, typedSize, warmUpSize, type WorkloadName, workloadList, workloadSizeProblem } from "./reference-workloads.js";
import { type Build, takeBenchOptions, thisBuild } from "./against.js";
import { BenchFailure, ranTooLong, readReport, REFUSED, startChild, stopChildren, timeLimitMinutes } from "./run-workload-process.js";

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
const options = takeBenchOptions(args, false);
const [name, smallerText, largerText, ...extra] = args;
const smaller = typedSize(smallerText);
const larger = typedSize(largerText);
const atSmallerSize = checkedWorkload(name, smaller, "smaller size", smallerText);
const atLargerSize = name !== undefined && isWorkloadName(name) ? workloadSizeProblem(name, larger, "larger size", largerText) : null;
// Every mistake at once, each naming its argument (the same mistake in bench:alternate was named, here dropped or found one run at a time; from an outside check).
const problems = [
  atSmallerSize.problem,
  atLargerSize,
  atSmallerSize.problem === null && atLargerSize === null && larger <= smaller ? `sizes ${smaller} and ${larger}: the larger must be larger` : null,
  atSmallerSize.workload?.startsWith("default-scenario") && smaller < 100 ? `smaller size ${smaller}: a scenario's sizes are µs of traffic: give 100 or more, so that both warm-up runs are the same (100 µs) and cancel` : null,
  ...options.problems,
  extra.length > 0 ? `${extra.map((word) => JSON.stringify(word)).join(" ")}: more arguments than <workload> <smaller size> <larger size>` : null,
].filter((problem) => problem !== null);
if (problems.length > 0 || atSmallerSize.workload === null) {
  process.stderr.write(`${problems.join("\n")}\nusage: npm run bench:instructions -- <workload> <smaller size> <larger size> [--against <checkout built with npm run build>]; workloads: ${workloadList()}\n`);
  process.exit(2);
}
const workload = atSmallerSize.workload;
if (spawnSync("valgrind", ["--version"], { encoding: "utf8" }).error !== undefined) {
  process.stderr.write("valgrind is not installed: apt-get install valgrind\n");
  process.exit(2);
}

const own = thisBuild();
const other = options.build;
const scratch = mkdtempSync(join(tmpdir(), "nicsim-instructions-"));
// However the bench ends, a Ctrl-C included (its callgrind files were left behind; from an outside check).
process.once("exit", () => rmSync(scratch, { recursive: true, force: true }));

interface Count {
  readonly instructions: number;
  readonly frames: number;
}

/** Minutes a valgrind run may take: about 50 times the workload process's own time. */
const VALGRIND_MINUTES = 60;

/** Instructions one build's workload process ran at a size, and the frames it put on the wire (its warm-up's included); `label` names its callgrind file. */
async function count(build: Build, label: string, workload: WorkloadName, size: number): Promise<Count> {
  // V8 single-threaded: its compiler and garbage collector threads, run concurrently, made the same build's count differ by 2.5 times between two days.
  const minutes = timeLimitMinutes(VALGRIND_MINUTES);
  const { status, stdout, stderr, timedOut } = await startChild("valgrind", ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${join(scratch, `${label}-${size}.out`)}`, process.execPath, "--single-threaded", "--expose-gc", build.workloadProcess, workload, String(size)], minutes, true).done;
  if (timedOut) throw new BenchFailure(ranTooLong(build.label, `its valgrind run of ${workload} at ${size}`, minutes));
  // valgrind's banner and summary are its lines starting ==pid==: what the workload process said is the rest.
  const said = stderr.split("\n").filter((line) => !/^==\d+==/.test(line)).join("\n").trim();
  if (status !== 0) throw new BenchFailure(`valgrind run of ${workload} at ${size} for ${build.label} ended with ${status === null ? "a signal" : `status ${status}`}${status === 2 ? `: ${REFUSED}` : ""}${said === "" ? "" : `; it said: ${said.slice(-1500)}`}`);
  const collected = /Collected\s*:\s*(\d+)/.exec(stderr);
  if (collected === null) throw new BenchFailure(`valgrind run of ${workload} at ${size} for ${build.label}: no instruction count in its output`);
  const report = readReport(stdout, build.label, workload, parseWorkloadRate);
  // A scenario's warm-up is the same at both sizes; a frame workload's warm-up offers warmUpSize frames, one each on the wire.
  const warmUpFrames = workload.startsWith("default-scenario") ? 0 : warmUpSize(workload, size);
  return { instructions: Number(collected[1]), frames: report.wireFrames + warmUpFrames };
}

function perFrame(label: string, first: Count, second: Count): number {
  const figure = (second.instructions - first.instructions) / (second.frames - first.frames);
  process.stdout.write(`${label}: ${first.instructions.toLocaleString("en-US")} instructions at ${smaller}, ${second.instructions.toLocaleString("en-US")} at ${larger}; ${Math.round(figure).toLocaleString("en-US")} a frame on the wire over the ${(second.frames - first.frames).toLocaleString("en-US")} frames between\n`);
  return figure;
}

try {
  process.stdout.write(`${workload}: counting instructions under valgrind at ${smaller} and ${larger}${other !== null ? `, this build and ${other.label} side by side` : ""} (minutes)…\n`);
  const builds = other === null ? [own] : [own, other];
  const atSmaller = await Promise.all(builds.map((build, index) => count(build, `${index}`, workload, smaller)));
  const atLarger = await Promise.all(builds.map((build, index) => count(build, `${index}`, workload, larger)));
  const figures = builds.map((build, index) => perFrame(`${workload}, ${build.name}`, atSmaller[index]!, atLarger[index]!));
  if (other !== null) process.stdout.write(`${workload}: this build ${((figures[0]! / figures[1]! - 1) * 100).toFixed(1)} % against ${other.label} (fewer instructions a frame: negative)\n`);
} catch (error) {
  // One build's count failed: the other's valgrind, minutes from its end, is no longer wanted (it ran on, orphaned, after the bench had quit; from an outside check).
  stopChildren();
  BenchFailure.exit(error);
}
