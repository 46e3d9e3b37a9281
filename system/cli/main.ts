#!/usr/bin/env node
import { buildPipelineDemo } from "../../sim/demo/build.js";
import { formatTime } from "../../sim/time.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { datasheetMarkdown } from "../../hw/spec/datasheet.js";
import { readmeParameterTables, replaceReadmeParameterTables } from "../parameter-tables.js";
import { runPlainTraffic } from "../run-scenario.js";
import { runPolicyEvaluation } from "../policy-eval.js";
import { latencyReportMarkdown, runLatencyReport, writeLatencyReport } from "../latency-report.js";

const usage = `usage: nicsim <command>
  run [--seed N] [--out waveforms/plain-traffic] [--set path=value ...] [--no-waveform]
        run the plain-traffic scenario (driver, NIC, wire, peer); write its VCD, .gtkw, pcap and report
  demo [--seed N] [--out waveforms/demo]    run the kernel demonstration design
  params [--readme README.md]               print the parameter table (defaults and descriptions), or rewrite it in the README
  datasheet                                 print the NIC datasheet (registers, descriptors, error codes)
  latency [--direction tx|rx] [--packets 200] [--gap-ns 10000] [--load 0.9] [--set path=value ...] [--out waveforms/latency]
        high-priority latency by stage under bulk load, per crypto policy, and the bulk cost of preemption
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

function number(args: string[], name: string, fallback: number, check: (value: number) => boolean, expected: string): number {
  const text = option(args, name, String(fallback));
  const value = Number(text);
  if (!check(value)) throw new Error(`${name} ${text}: expected ${expected}`);
  return value;
}

function latency(args: string[]): void {
  const direction = option(args, "--direction", "both");
  if (!["tx", "rx", "both"].includes(direction)) throw new Error(`--direction ${direction}: expected tx, rx or both`);
  const reports = runLatencyReport({
    directions: direction === "both" ? ["tx", "rx"] : [direction as "tx" | "rx"],
    highPackets: number(args, "--packets", 200, (value) => Number.isSafeInteger(value) && value > 0, "a positive integer"),
    highGapNanoseconds: number(args, "--gap-ns", 10_000, (value) => Number.isFinite(value) && value >= 100, "at least 100"),
    load: number(args, "--load", 0.9, (value) => value > 0 && value <= 1, "a fraction of the line rate in (0, 1]"),
    parameters: overrides(args),
    seed: seedOf(args),
    onRun: (label) => process.stderr.write(`  running ${label}\n`),
  });
  process.stdout.write(latencyReportMarkdown(reports));
  console.log(`wrote ${writeLatencyReport(reports, option(args, "--out", "waveforms/latency")).join("\n      ")}`);
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
  else if (command === "latency") latency(rest);
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
