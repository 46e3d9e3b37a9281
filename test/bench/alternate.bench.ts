import { loadavg } from "node:os";
import { type Build, takeBenchOptions, thisBuild } from "./against.js";
import { benchSizeOf } from "./reference-rows.js";
import { checkedWorkload, parseWorkloadRate, typedSize, WORKLOADS, type WorkloadName, workloadList } from "./reference-workloads.js";
import { BenchFailure, runWorkloadProcess } from "./run-workload-process.js";
import { median } from "./bench-rounds.js";

/**
 * Wall time of two builds told apart by alternating them: `npm run bench:alternate -- <workload>
 * [<size> [<rounds>]] --against <checkout>` runs the workload's process of this build and of the
 * other (built with `npm run build`) one after the other, round by round, the order swapped each
 * round so that a machine slowing down or speeding up favours neither, and prints each round's
 * rates, their ratio, and the median ratio. On a shared machine whose rates move by 40 % between
 * benches, and whose instruction pairings moved by 16 % for the same build, the paired ratios of
 * neighbouring runs were the steadiest way to see a change of 5 %.
 */
const DEFAULT_ROUNDS = 6;
const USAGE = `usage: npm run bench:alternate -- <workload> [<size> [<rounds>]] --against <checkout built with npm run build>; size: npm run bench's for the workload when not given; rounds: ${DEFAULT_ROUNDS} when not given; workloads: ${workloadList()}`;

const args = process.argv.slice(2);
const options = takeBenchOptions(args, true);
const [name, sizeText, roundsText, ...extra] = args;
const defaultSize = sizeText === undefined && name !== undefined && Object.hasOwn(WORKLOADS, name);
const size = defaultSize ? benchSizeOf(name as WorkloadName) : typedSize(sizeText);
const rounds = roundsText === undefined ? DEFAULT_ROUNDS : typedSize(roundsText);
const checked = checkedWorkload(name, size, "size", defaultSize ? String(size) : sizeText);
// Every mistake at once, each naming its argument, the checkout's too (each gave the same usage line; from outside checks).
const problems = [
  checked.problem,
  Number.isSafeInteger(rounds) && rounds >= 1 ? null : `rounds ${JSON.stringify(roundsText)}: expected a whole number, 1 or more`,
  ...options.problems,
  extra.length > 0 ? `${extra.map((word) => JSON.stringify(word)).join(" ")}: more arguments than <workload> <size> <rounds>` : null,
].filter((problem) => problem !== null);
if (problems.length > 0 || checked.workload === null || options.build === null) {
  process.stderr.write(`${problems.join("\n")}\n${USAGE}\n`);
  process.exit(2);
}
const workload = checked.workload;
const own = thisBuild();
const other = options.build;

/** Wire frames per wall-second of one build's workload process. */
async function rate(build: Build): Promise<number> {
  const report = await runWorkloadProcess(build.workloadProcess, workload, size, build.label, parseWorkloadRate);
  return report.wireFrames / report.seconds;
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const benchSize = benchSizeOf(workload);
process.stdout.write(
  [
    `${WORKLOADS[workload].label}, ${size.toLocaleString("en-US")} ${WORKLOADS[workload].unit}, ${plural(rounds, "round")}; load average ${loadavg()[0]!.toFixed(2)}`,
    `  ${own.name}`,
    `  the other: ${other.name}`,
    `  frames on the wire per wall-second; each round runs both builds, one after the other, the other first in odd rounds; ratio: this build's rate ÷ the other's (above 1, this build is faster)`,
    "",
  ].join("\n"),
);
// Said, not refused: a round or three is a quick look (from an outside check; the README says why the default is even).
if (rounds % 2 === 1 && rounds > 1) process.stderr.write(`note: ${plural(rounds, "round")}: the other build goes first in ${(rounds + 1) / 2} of them; an even number gives each build the first place as often, so that a machine slowing down favours neither\n`);
if (size * 10 < benchSize) process.stderr.write(`note: npm run bench runs ${workload} at ${benchSize.toLocaleString("en-US")}; at a size this much smaller a run's start-up and a JIT not yet warm take much of its time (plain TX at 4,000 frames gave a fifth of its rate at 80,000)\n`);
const ratios: number[] = [];
const mine: number[] = [];
const theirs: number[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    // The other build first in the first round: a build that cannot run this workload fails before this one's run is spent.
    const otherFirst = round % 2 === 0;
    const first = otherFirst ? await rate(other) : await rate(own);
    const second = otherFirst ? await rate(own) : await rate(other);
    const [thisRate, otherRate] = otherFirst ? [second, first] : [first, second];
    mine.push(thisRate);
    theirs.push(otherRate);
    ratios.push(thisRate / otherRate);
    process.stdout.write(`  round ${round + 1} (${otherFirst ? "the other first" : "this build first"}): this build ${whole(thisRate)}, the other ${whole(otherRate)}, ratio ${(thisRate / otherRate).toFixed(3)}\n`);
  }
} catch (error) {
  BenchFailure.exit(error);
}
const faster = ratios.filter((ratio) => ratio > 1).length;
const spread = rounds > 1 ? ` (lowest ${Math.min(...ratios).toFixed(3)}, highest ${Math.max(...ratios).toFixed(3)})` : "";
process.stdout.write(
  `medians: this build ${whole(median(mine))}, the other ${whole(median(theirs))}; median of the rounds' ratios ${median(ratios).toFixed(3)}${spread}; this build faster in ${faster} of ${plural(rounds, "round")}; load average ${loadavg()[0]!.toFixed(2)}\n`,
);
