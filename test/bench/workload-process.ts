import { checkedWorkload, runWorkload, typedSize, warmUpSize, workloadList } from "./reference-workloads.js";

/**
 * One reference workload in a process of its own (`npm run bench` starts one per row), so that its
 * peak memory is its own and no other workload's JIT state helps or hinders it:
 * `node --expose-gc dist/test/bench/workload-process.js <workload> <size>`. A warm-up run first,
 * then the timed one; prints one JSON line.
 */
const [name, sizeText] = process.argv.slice(2);
const size = typedSize(sizeText);
const { workload, problem } = checkedWorkload(name, size, "size", sizeText);
if (workload === null) {
  process.stderr.write(`${problem}\nusage: workload-process.js <workload> <size>; workloads: ${workloadList()}\n`);
  process.exit(2);
}
runWorkload(workload, warmUpSize(workload, size));
// What the warm-up left behind is not the timed run's.
globalThis.gc?.();
process.stdout.write(`${JSON.stringify(runWorkload(workload, size))}\n`);
