import { isWorkloadName, runWorkload, warmUpSize, WORKLOADS } from "./reference-workloads.js";

/**
 * One reference workload in a process of its own (`npm run bench` starts one per row), so that its
 * peak memory is its own and no other workload's JIT state helps or hinders it:
 * `node --expose-gc dist/test/bench/workload-process.js <workload> <size>`. A warm-up run first,
 * then the timed one; prints one JSON line.
 */
const [name, sizeText] = process.argv.slice(2);
const size = Number(sizeText);
if (name === undefined || !isWorkloadName(name) || !Number.isSafeInteger(size) || size <= 0) {
  process.stderr.write(`usage: workload-process.js <workload> <size>; workloads: ${Object.keys(WORKLOADS).join(", ")}; size a positive integer (got ${JSON.stringify(sizeText)})\n`);
  process.exit(2);
}
runWorkload(name, warmUpSize(name, size));
// What the warm-up left behind is not the timed run's.
globalThis.gc?.();
process.stdout.write(`${JSON.stringify(runWorkload(name, size))}\n`);
