import { loadScenarioFile } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";

// `npm run long-run`: scenarios/long-run.yaml (100 million core cycles, waveform on for one scope
// and a window), with the peak resident memory at 10 M and at 100 M cycles.
const file = process.argv[2] ?? "scenarios/long-run.yaml";
const loaded = loadScenarioFile(file);
const corePeriod = 4000; // ps at the default 250 MHz
const checkpoints = [10_000_000, 100_000_000];
const peaks: string[] = [];
const started = performance.now();
const megabytes = (kilobytes: number) => (kilobytes / 1024).toFixed(1);
runScenario(loaded, {
  onProgress: (now) => {
    while (checkpoints.length > 0 && now >= checkpoints[0]! * corePeriod) {
      const cycles = checkpoints.shift()!;
      global.gc?.();
      const line = `${(cycles / 1e6).toFixed(0)} M cycles: peak resident ${megabytes(process.resourceUsage().maxRSS)} MB, heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MB, wall ${((performance.now() - started) / 1000).toFixed(1)} s`;
      peaks.push(line);
      console.log(line);
    }
  },
});
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
