#!/usr/bin/env node
import { performance } from "node:perf_hooks";
import { buildPipelineDemo } from "../demo/build.js";
import { parameterTable } from "../parameter-table.js";
import { formatTime } from "../time.js";
import { recordWaveform } from "../vcd/waveform.js";

const usage = `usage: nicsim <command>
  demo [--seed N] [--out waveforms/demo]   run the demonstration design; write its VCD, .gtkw and filters
  params                                   print the parameter table (defaults and descriptions)`;

function option(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = args[index + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
}

function demo(args: string[]): void {
  const seed = Number(option(args, "--seed", "1"));
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed ${option(args, "--seed", "")}: expected a non-negative integer`);
  const base = option(args, "--out", "waveforms/demo");
  const { kernel, top } = buildPipelineDemo({ seed });
  const waveform = recordWaveform(kernel, base, { comment: `demonstration pipeline, seed ${seed}` });
  const started = performance.now();
  const result = kernel.run({ until: 1_000_000_000 });
  const wall = performance.now() - started;
  const files = waveform.finish();
  const stats = kernel.statistics;
  console.log(`demo: ${result.message ?? result.reason} at ${formatTime(result.time)} (seed ${seed})`);
  console.log(`  words requested ${top.requested.value}, sent ${top.producer.wordsSent.value}`);
  console.log(`  edges evaluated ${stats.edgesEvaluated}, component evaluations ${stats.componentEvaluations}, wall ${wall.toFixed(1)} ms`);
  console.log(`  VCD value changes ${waveform.tracer.writer.changesWritten}, ${waveform.tracer.writer.bytesWritten} bytes`);
  console.log(`wrote ${files.vcd}\n      ${files.gtkw}\n      ${files.filters.join("\n      ")}`);
  console.log(`open with: gtkwave ${files.gtkw}`);
}

function params(): void {
  process.stdout.write(parameterTable(buildPipelineDemo().top));
}

const [command = "demo", ...rest] = process.argv.slice(2);
try {
  if (command === "demo") demo(rest);
  else if (command === "params") params();
  else {
    console.error(`unknown command '${command}'\n${usage}`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(`nicsim ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
