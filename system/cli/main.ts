#!/usr/bin/env node
import { buildPipelineDemo } from "../../sim/demo/build.js";
import { formatTime } from "../../sim/time.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { datasheetMarkdown } from "../../hw/spec/datasheet.js";
import { readmeParameterTables, replaceReadmeParameterTables } from "../parameter-tables.js";
import { runPlainTraffic } from "../run-scenario.js";
import { runPolicyEvaluation } from "../policy-eval.js";

const usage = `usage: nicsim <command>
  run [--seed N] [--out waveforms/plain-traffic] [--set path=value ...] [--no-waveform]
        run the plain-traffic scenario (driver, NIC, wire, peer); write its VCD, .gtkw, pcap and report
  demo [--seed N] [--out waveforms/demo]    run the kernel demonstration design
  params [--readme README.md]               print the parameter table (defaults and descriptions), or rewrite it in the README
  datasheet                                 print the NIC datasheet (registers, descriptors, error codes)
  policy-eval [--out waveforms/policy-eval] [--trace file.jsonl ...]
        compare SA caching policies with Belady's MIN on generated workloads, or on recorded SA traces`;

function option(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  if (index < 0) return fallback;
  const value = args[index + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
}

function seedOf(args: string[]): number {
  const text = option(args, "--seed", "1");
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed ${text}: expected a non-negative integer`);
  return seed;
}

/** `--set top.nic.queues=4`: values parse as JSON when they can (numbers, booleans), else stay strings. */
function overrides(args: string[]): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  args.forEach((arg, index) => {
    if (arg !== "--set") return;
    const assignment = args[index + 1];
    const equals = assignment?.indexOf("=") ?? -1;
    if (!assignment || equals <= 0) throw new Error(`--set needs path=value, got '${assignment ?? ""}'`);
    const text = assignment.slice(equals + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: a plain string such as a choice
    }
    parameters[assignment.slice(0, equals)] = value;
  });
  return parameters;
}

function run(args: string[]): void {
  const out = option(args, "--out", "waveforms/plain-traffic");
  const result = runPlainTraffic({ seed: seedOf(args), parameters: overrides(args), parametersSource: "--set", out, waveform: !args.includes("--no-waveform") });
  process.stdout.write(result.text);
  const simulated = result.report.simulatedNanoseconds;
  console.log(`wall ${result.wallMilliseconds.toFixed(0)} ms for ${formatTime(simulated * 1000)} simulated`);
  console.log(`wrote ${result.files.join("\n      ")}`);
  if (result.files.some((file) => file.endsWith(".gtkw"))) console.log(`open with: gtkwave ${out}.gtkw    (capture: wireshark ${out}.pcap)`);
  if (result.report.outcome.startsWith("stopped by the time limit")) process.exitCode = 1;
}

function demo(args: string[]): void {
  const seed = seedOf(args);
  const base = option(args, "--out", "waveforms/demo");
  const { kernel, top } = buildPipelineDemo({ seed });
  const waveform = recordWaveform(kernel, base, { comment: `demonstration pipeline, seed ${seed}` });
  const result = kernel.run({ until: 1_000_000_000 });
  const files = waveform.finish();
  console.log(`demo: ${result.message ?? result.reason} at ${formatTime(result.time)} (seed ${seed})`);
  console.log(`  words requested ${top.requested.value}, sent ${top.producer.wordsSent.value}`);
  console.log(`wrote ${files.vcd}\n      ${files.gtkw}\n      ${files.filters.join("\n      ")}`);
}

const [command = "run", ...rest] = process.argv.slice(2);
try {
  if (command === "run") run(rest);
  else if (command === "demo") demo(rest);
  else if (command === "params") {
    const readme = rest.includes("--readme") ? option(rest, "--readme", "README.md") : null;
    if (readme) console.log(`${replaceReadmeParameterTables(readme) ? "updated" : "unchanged"}: ${readme}`);
    else process.stdout.write(readmeParameterTables());
  }
  else if (command === "datasheet") process.stdout.write(datasheetMarkdown());
  else if (command === "policy-eval") {
    const traces = rest.flatMap((arg, index) => (arg === "--trace" && rest[index + 1] ? [rest[index + 1]!] : []));
    const result = runPolicyEvaluation(option(rest, "--out", "waveforms/policy-eval"), traces);
    process.stdout.write(result.text);
    console.log(`wrote ${result.files.join("\n      ")}`);
  }
  else {
    console.error(`unknown command '${command}'\n${usage}`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(`nicsim ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
