import { fileURLToPath } from "node:url";
import { percentiles } from "../../sim/stats/percentiles.js";
import { isWorkloadName, WORKLOADS, type WorkloadName } from "./reference-workloads.js";
import { runWorkloadProcess } from "./run-workload-process.js";
import { otherWorkloadProcess, takeAgainst } from "./against.js";

/**
 * Wall time of two builds told apart by alternating them: `npm run bench:alternate -- <workload>
 * <size> <rounds> --against <checkout>` runs the workload's process of this build and of the
 * other (built with `npm run build`) one after the other, round by round, the order swapped each
 * round so that a machine slowing down or speeding up favours neither, and prints each round's
 * rates, their ratio, and the median ratio. On a shared machine whose rates move by 40 % between
 * benches, and whose instruction pairings moved by 16 % for the same build, the paired ratios of
 * neighbouring runs were the steadiest way to see a change of 5 %.
 */
const args = process.argv.slice(2);
const against = takeAgainst(args);
const [name, sizeText, roundsText] = args;
const size = Number(sizeText);
const rounds = Number(roundsText);
if (name === undefined || !isWorkloadName(name) || !Number.isSafeInteger(size) || size <= 0 || !Number.isSafeInteger(rounds) || rounds < 1 || typeof against !== "string") {
  process.stderr.write(`usage: npm run bench:alternate -- <workload> <size> <rounds> --against <checkout built with npm run build>; workloads: ${Object.keys(WORKLOADS).join(", ")}\n`);
  process.exit(2);
}
const workload: WorkloadName = name;
const own = fileURLToPath(new URL("./workload-process.js", import.meta.url));
const other = otherWorkloadProcess(against);

/** Wire frames per wall-second of one build's workload process. */
function rate(child: string, label: string): number {
  const report = runWorkloadProcess(child, workload, size, label);
  return report.wireFrames / report.seconds;
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
process.stdout.write(`${name} at ${size}, ${rounds} rounds alternating this build and ${against} (frames on the wire per wall-second):\n`);
const ratios: number[] = [];
const mine: number[] = [];
const theirs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const thisFirst = round % 2 === 0;
  const first = thisFirst ? rate(own, "this build") : rate(other, against);
  const second = thisFirst ? rate(other, against) : rate(own, "this build");
  const [thisRate, otherRate] = thisFirst ? [first, second] : [second, first];
  mine.push(thisRate);
  theirs.push(otherRate);
  ratios.push(thisRate / otherRate);
  process.stdout.write(`  round ${round + 1} (${thisFirst ? "this build first" : "the other first"}): this build ${whole(thisRate)}, the other ${whole(otherRate)}, ratio ${(thisRate / otherRate).toFixed(3)}\n`);
}
const faster = ratios.filter((ratio) => ratio > 1).length;
process.stdout.write(`medians (nearest rank, as npm run bench's): this build ${whole(percentiles(mine).p50)}, the other ${whole(percentiles(theirs).p50)}; median ratio ${percentiles(ratios).p50.toFixed(3)}; this build faster in ${faster} of ${rounds} rounds\n`);
