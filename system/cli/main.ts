#!/usr/bin/env node
import { redactArguments } from "../scenario/secret-paths.js";
import { existsSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { closestName, didYouMean } from "../../sim/suggest.js";
import { buildPipelineDemo } from "../../sim/demo/build.js";
import { formatTime } from "../../sim/time.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { datasheetMarkdown } from "../../hw/spec/datasheet.js";
import { cHeader } from "../../hw/spec/c-header.js";
import { readmeParameterTables, replaceReadmeParameterTables } from "../parameter-tables.js";
import { runPlainTraffic } from "../run-scenario.js";
import { parseTableEntries, runPolicyEvaluation } from "../policy-eval.js";
import type { TableEntries } from "../../driver/caching/trace.js";
import { latencyReportMarkdown, runLatencyReport, writeLatencyReport } from "../latency-report.js";
import { ScenarioError } from "../scenario/load.js";
import { enclosingPath, parameterPath, scenarioPath, segmentProblem } from "../scenario/overrides.js";
import { MAX_SEED, runName } from "../scenario/schema.js";
import { inspectVcd, type InspectOptions } from "./inspect.js";
import { runCommand } from "./run-command.js";
import { commandLineParameterError } from "./command-line-parameters.js";
import { nicsimVersion } from "../scenario/sweep-shard-file.js";
import { sweepCommand, sweepMergeCommand, type SweepCommandOptions } from "./sweep-command.js";
import { formatValidation, runValidation, validationSummary, writeValidation } from "../validation/suite.js";
import { replaceMarkedSection } from "../readme-section.js";
import { serveCommand, type ServeCommandOptions } from "./serve-command.js";
import { protocolCHeader } from "../serve/protocol-c-header.js";
import { protocolMarkdown } from "../serve/protocol-docs.js";
import { protocolPython } from "../serve/protocol-python.js";
import { devicePython } from "../serve/device-python.js";

/** `path=value` for a scenario (values parse as JSON when they can, else stay strings); whether the path names a place in it is checked when the scenario is loaded, with its other mistakes. */
const scenarioAssignment = assignment(scenarioPath, segmentProblem);
/** `path=value` for a design's parameter, the same path as a scenario's (`nic.queues` or `top.nic.queues`); the parameters check it themselves. */
// Parameters go to the design as they are, with no scenario loader to find one --set inside another: refused here.
const parameterAssignment = assignment(parameterPath, segmentProblem, true);

function assignment(spelling: (path: string) => string, pathProblem: (path: string) => string | null, refuseNested = false) {
  return (text: string, previous: Record<string, unknown> = {}): Record<string, unknown> => {
    const equals = text.indexOf("=");
    if (equals <= 0) throw new InvalidArgumentError(`--set: expected path=value, with a path before the '=' (the argument is not shown: it may hold a key)`);
    const path = spelling(text.slice(0, equals));
    const problem = pathProblem(path);
    if (problem !== null) throw new InvalidArgumentError(`--set ${text.slice(0, equals)}: ${problem}`);
    // The same place twice (in either spelling): the later would silently replace the earlier.
    if (Object.hasOwn(previous, path)) throw new InvalidArgumentError(`--set ${text.slice(0, equals)}: ${path} is given by an earlier --set too; give it once`);
    const around = refuseNested ? enclosingPath(path, Object.keys(previous)) : undefined;
    if (around !== undefined) throw new InvalidArgumentError(`--set ${text.slice(0, equals)}: inside ${scenarioPath(around)}, which an earlier --set gives whole; give one or the other`);
    const inside = refuseNested ? Object.keys(previous).find((other) => enclosingPath(other, [path]) !== undefined) : undefined;
    if (inside !== undefined) throw new InvalidArgumentError(`--set ${text.slice(0, equals)}: gives whole ${scenarioPath(path)}, which holds ${scenarioPath(inside)} of an earlier --set; give one or the other`);
    return { ...previous, [path]: parseValue(text.slice(equals + 1), `--set ${text.slice(0, equals)}`) };
  };
}

/**
 * A value as JSON when it parses, else a plain string such as a choice; one that starts as JSON's
 * list, mapping or string must parse (as a string it would hide the slip). The message shows no
 * part of it, as it may hold a key.
 */
function parseValue(text: string, option: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (/^\s*[[{"]/.test(text)) throw new InvalidArgumentError(`${option}: the value starts as JSON (with [, { or ") but does not parse as JSON`);
    return text;
  }
}

/** `path=v1,v2,…`: one axis of a sweep. */
function axis(text: string, previous: Array<[string, unknown[]]> = []): Array<[string, unknown[]]> {
  const equals = text.indexOf("=");
  if (equals <= 0) throw new InvalidArgumentError(`--grid: expected path=value,value,…, with a path before the '=' (the argument is not shown: it may hold a key)`);
  if (equals === text.length - 1) throw new InvalidArgumentError(`--grid ${text.slice(0, equals)}: expected path=value,value,…, with values after the '='`);
  const path = scenarioPath(text.slice(0, equals));
  const problem = segmentProblem(path);
  if (problem !== null) throw new InvalidArgumentError(`--grid ${text.slice(0, equals)}: ${problem}`);
  // Whether the path names a place in the scenario is checked with each configuration's other mistakes.
  // Values are split at the commas between them: not those inside a JSON list, mapping or string.
  return [...previous, [path, splitValues(text.slice(equals + 1)).map((value) => parseValue(value, `--grid ${text.slice(0, equals)}`))]];
}

/** `a,{"b":1,"c":2},"d,e"`: the values of an axis, split at commas outside brackets and quotes. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === "\\") index++;
      else if (character === '"') quoted = false;
    } else if (character === '"') quoted = true;
    else if (character === "[" || character === "{") depth++;
    else if ((character === "]" || character === "}") && depth > 0) depth--;
    else if (character === "," && depth === 0) {
      values.push(text.slice(start, index));
      start = index + 1;
    }
  }
  values.push(text.slice(start));
  return values;
}

/** A run's name, as a scenario's name must be. */
function nameOption(text: string): string {
  const checked = runName.safeParse(text);
  if (!checked.success) throw new InvalidArgumentError(`--name: expected ${checked.error.issues.map((issue) => issue.message).join("; ")}`);
  return text;
}

/** A whole number written in decimal digits (no sign, exponent, fraction or blank), within its range. */
function integer(name: string, minimum: number, maximum = Number.MAX_SAFE_INTEGER) {
  return (text: string) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
      throw new InvalidArgumentError(`${name} '${text}': expected a whole number from ${minimum} to ${maximum}`);
    }
    return value;
  };
}

/** A time in µs: a non-negative decimal number. */
function microseconds(name: string) {
  return (text: string) => {
    const value = Number(text);
    if (!/^\s*\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(text) || !Number.isFinite(value)) throw new InvalidArgumentError(`${name} '${text}': expected a time in µs, a non-negative number`);
    return value;
  };
}

/** A path to write to: an empty or blank one would quietly mean the current directory (or a file named by spaces). */
function outputPath(name: string) {
  return (text: string) => {
    if (text.trim() === "") throw new InvalidArgumentError(`${name} '${text}': expected a path (say '.' for the current directory)`);
    return text;
  };
}

function fraction(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !(value > 0 && value <= 1)) throw new InvalidArgumentError(`--load '${text}': expected a fraction of the line rate in (0, 1]`);
  return value;
}

const seedOption = () => new Option("--seed <n>", "random seed (0 to 4294967295)").argParser(integer("--seed", 0, MAX_SEED));
const quietOption = () => new Option("--quiet", "no progress bar");

// A reader that stops early (`nicsim run | head`) ends the output, not with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command("nicsim")
  .description("Cycle-level co-simulation of an IPsec-offload NIC and its driver stack")
  .version(nicsimVersion(), "-V, --version", "print the version")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(redactArguments(text)) });

program
  .command("run", { isDefault: true })
  .description("run a scenario (a .yaml or .json file; the built-in default scenario without one) and write its waveform, capture, summary and HTML report")
  .argument("[scenario]", "scenario file")
  .addOption(seedOption())
  .option("--set <path=value>", "set a scenario value, e.g. nic.crypto_tx.bytesPerCycle=8 or durationMicroseconds=100 (`top.` before a path is optional; repeatable)", scenarioAssignment, {})
  .option("--out <directory>", "where the files go (default: the scenario's outputs.directory)", outputPath("--out"))
  .option("--no-waveform", "do not write the VCD and .gtkw")
  .addOption(quietOption())
  .action(async (file: string | undefined, options: { seed?: number; set: Record<string, unknown>; out?: string; waveform: boolean; quiet?: boolean }) => {
    // `run` is the default command, so a misspelt command arrives here as a scenario file: say which it was.
    if (file !== undefined && !/\.(ya?ml|json)$/i.test(file) && !existsSync(file) && closestName(file, program.commands.map((command) => command.name())) !== undefined) {
      throw new InvalidArgumentError(`unknown command '${file}'${didYouMean(file, program.commands.map((command) => command.name()))}`);
    }
    // An option and a --set of the same field: which should stand is not for the command to guess.
    const clashes = [
      ...(options.seed !== undefined && Object.hasOwn(options.set, "seed") ? ["--set seed: also given by --seed; drop one"] : []),
      ...(!options.waveform && Object.hasOwn(options.set, "outputs.waveform") ? ["--set outputs.waveform: also given by --no-waveform; drop one"] : []),
      ...(options.out !== undefined && Object.hasOwn(options.set, "outputs.directory") ? ["--set outputs.directory: also given by --out; drop one"] : []),
    ];
    if (clashes.length > 0) throw new ScenarioError(clashes);
    const overrides = { ...options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.waveform ? {} : { "outputs.waveform": false }) };
    await runCommand(file, { overrides, out: options.out, quiet: options.quiet });
  });

program
  .command("sweep")
  .description("run a scenario over a grid of values across worker threads, or one shard's share of it; JSON lines and a table")
  .argument("[scenario]", "scenario file (default: the built-in default scenario)")
  .requiredOption("--grid <path=v1,v2,...>", "one axis of the grid (repeatable)", axis, [])
  .option("--set <path=value>", "set a value in every configuration (repeatable)", scenarioAssignment, {})
  .option("--workers <n>", "worker threads (default: one per core)", integer("--workers", 1))
  .option("--shard <k/n>", "run only shard k of n: the configurations whose index is k modulo n (also from SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX); join the shards with sweep-merge")
  .option("--shard-count <n>", "the number of shards, when JOB_COMPLETION_INDEX gives this one's number (or set NICSIM_SHARD_COUNT)")
  .option("--out <file>", "JSON lines output (default: waveforms/sweep.jsonl; a shard's: waveforms/sweep.shard-<k>-of-<n>.jsonl)", outputPath("--out"))
  .option("--keep <directory>", "also write each run's files (waveform, capture, summary, report) under <directory>/<index>", outputPath("--keep"))
  .addOption(quietOption())
  .action((file: string | undefined, options: SweepCommandOptions) => sweepCommand(file, options));

program
  .command("sweep-merge")
  .description("join the outputs of every shard of a sweep into the JSON lines and table the unsharded sweep gives")
  .argument("<shards...>", "the shards' JSON lines outputs")
  .option("--out <file>", "JSON lines output", outputPath("--out"), "waveforms/sweep.jsonl")
  .action((files: string[], options: { out: string }) => sweepMergeCommand(files, options));

program
  .command("inspect")
  .description("list a VCD's signals, or print one signal's changes in a window")
  .argument("<vcd>", "VCD file")
  .option("--signal <path>", "the signal whose changes to print (e.g. top.nic.crypto_tx.engine0.state)")
  .option("--from <us>", "window start, µs (in the file's own $timescale)", microseconds("--from"), 0)
  .option("--to <us>", "window end, µs (default: the end of the file)", microseconds("--to"))
  .option("--match <text>", "list only signals whose path contains this")
  .action(async (file: string, options: Omit<InspectOptions, "to"> & { to?: number }) => {
    const { lines, warnings } = await inspectVcd(file, { ...options, to: options.to ?? Infinity });
    for (const line of lines) console.log(line);
    // On stderr for a person, and in the listing too, so that output kept in a file says it.
    for (const warning of warnings) {
      console.error(`nicsim inspect: warning: ${warning}`);
      console.log(`# warning: ${warning}`);
    }
  });

program
  .command("plain-traffic")
  .description("the plain-traffic scenario (IMIX over four customers)")
  .addOption(seedOption())
  .option("--set <path=value>", "parameter value, e.g. nic.queues=4 (`top.` before a path is optional; repeatable)", parameterAssignment, {})
  .option("--out <base>", "output base", outputPath("--out"), "waveforms/plain-traffic")
  .option("--no-waveform", "do not write the VCD")
  .action((options: { seed?: number; set: Record<string, unknown>; out: string; waveform: boolean }) => {
    let result;
    try {
      result = runPlainTraffic({ seed: options.seed ?? 1, parameters: options.set, parametersSource: "--set", out: options.out, waveform: options.waveform });
    } catch (error) {
      throw commandLineParameterError(error, options.set, "plain-traffic");
    }
    process.stdout.write(result.text);
    console.log(`wall ${result.wallMilliseconds.toFixed(0)} ms for ${formatTime(result.report.simulatedNanoseconds * 1000)} simulated`);
    console.log(`wrote ${result.files.join("\n      ")}`);
    if (result.report.outcome.startsWith("stopped by the time limit")) process.exitCode = 1;
  });

program
  .command("serve")
  .description("the NIC as a device server for a driver in another process (C, Python): a Unix domain socket or stdin/stdout; writes the run's waveform, capture and summary when the client leaves")
  .argument("[command...]", "a client program to start (after --), with NICSIM_SOCKET set; the exit status is its own")
  .option("--socket <path>", "serve on this Unix domain socket")
  .option("--stdio", "serve the process that started the server, on stdin and stdout")
  .option("--scenario <file>", "take the name, seed, nic and wire parameters and outputs from a scenario file (durationMicroseconds, customers and traffic may be left out: serve does not use them)")
  .addOption(seedOption())
  .option("--set <path=value>", "parameter value, e.g. nic.queues=1 (`top.` before a path is optional; repeatable)", parameterAssignment, {})
  .option("--name <name>", "the run's name: its files are <out>/<name>.* (default: the scenario's, or serve)", nameOption)
  .option("--out <directory>", "where the files go (default: the scenario's outputs.directory, or waveforms)", outputPath("--out"))
  .option("--call-ns <ns>", "simulated CPU time every client request costs (default 20)", integer("--call-ns", 0, 1_000_000_000))
  .option("--no-waveform", "do not write the VCD and .gtkw")
  .action((command: string[], options: ServeCommandOptions) => serveCommand(command, options));

program
  .command("latency")
  .description("high-priority latency by stage under bulk load, per crypto policy, and the bulk cost of preemption")
  .addOption(new Option("--direction <direction>", "tx, rx or both").choices(["tx", "rx", "both"]).default("both"))
  .option("--packets <n>", "high-priority packets per run", integer("--packets", 1), 200)
  .option("--gap-ns <ns>", "mean gap between high-priority packets", integer("--gap-ns", 100), 10_000)
  .option("--load <fraction>", "bulk offered load, fraction of the line", fraction, 0.9)
  .option("--set <path=value>", "parameter value, e.g. nic.crypto_tx.bytesPerCycle=8 (`top.` before a path is optional; repeatable)", parameterAssignment, {})
  .addOption(seedOption())
  .option("--out <base>", "output base", outputPath("--out"), "waveforms/latency")
  .action((options: { direction: string; packets: number; gapNs: number; load: number; set: Record<string, unknown>; seed?: number; out: string }) => {
    let reports;
    try {
      reports = runLatencyReport({
        directions: options.direction === "both" ? ["tx", "rx"] : [options.direction as "tx" | "rx"],
        highPackets: options.packets,
        highGapNanoseconds: options.gapNs,
        load: options.load,
        parameters: options.set,
        parametersSource: "--set",
        seed: options.seed ?? 1,
        onRun: (label) => process.stderr.write(`  running ${label}\n`),
      });
    } catch (error) {
      throw commandLineParameterError(error, options.set, "latency");
    }
    process.stdout.write(latencyReportMarkdown(reports));
    console.log(`wrote ${writeLatencyReport(reports, options.out).join("\n      ")}`);
  });

program
  .command("validate")
  .description("run the model against closed forms (wire, DMA, crypto, shares, preemption, accounting, the kernel's work) and print every quantity beside its expected value")
  .option("--fast", "the subset npm test runs (fewer sizes and configurations, shorter windows)")
  .option("--only <name>", "run only this experiment (repeatable)", (value: string, previous: string[] = []) => [...previous, value], [])
  .option("--markdown <file>", "also write the report as Markdown (npm run validate: docs/validation.md)")
  .option("--json <file>", "also write the report as JSON")
  .option("--readme <file>", "rewrite the summary table between the README's validation markers")
  .addOption(quietOption())
  .action(async (options: { fast?: boolean; only: string[]; markdown?: string; json?: string; readme?: string; quiet?: boolean }) => {
    const started = performance.now();
    // Progress only where someone watches: a terminal, not CI.
    const watched = !options.quiet && process.stderr.isTTY && !process.env.CI;
    const report = await runValidation({ scale: options.fast ? "fast" : "full", only: options.only, onExperiment: (experiment) => watched && process.stderr.write(`  running ${experiment.name}: ${experiment.title}\n`) });
    process.stdout.write(formatValidation(report));
    const command = ["nicsim validate", options.fast ? "--fast" : "", ...options.only.map((name) => `--only ${name}`)].filter(Boolean).join(" ");
    const files = writeValidation(report, options.markdown ?? null, options.json ?? null, command);
    if (options.readme && replaceMarkedSection(options.readme, "validation", validationSummary(report))) files.push(options.readme);
    console.log(`wall ${((performance.now() - started) / 1000).toFixed(1)} s${files.length > 0 ? `; wrote ${files.join(", ")}` : ""}`);
    if (report.failed > 0) process.exitCode = 1;
  });

program
  .command("policy-eval")
  .description("compare SA caching policies with Belady's MIN on generated workloads, or on recorded SA traces")
  .option("--out <base>", "output base", outputPath("--out"), "waveforms/policy-eval")
  .option("--trace <file>", "an SA trace (.jsonl) to evaluate (repeatable)", (value: string, previous: string[] = []) => [...previous, value], [])
  .option("--table-entries <tx[,rx]>", "SA table sizes to replay traces at (default: the sizes of each trace's run)", (text: string) => {
    const entries = parseTableEntries(text);
    if (typeof entries === "string") throw new InvalidArgumentError(`--table-entries '${text}': ${entries}`);
    return entries;
  })
  .action((options: { out: string; trace: string[]; tableEntries?: TableEntries }) => {
    const result = runPolicyEvaluation(options.out, options.trace, "--out", options.tableEntries);
    for (const warning of result.warnings) process.stderr.write(`nicsim policy-eval: warning: ${warning}\n`);
    process.stdout.write(result.text);
    console.log(`wrote ${result.files.join("\n      ")}`);
  });

program
  .command("params")
  .description("print the parameter tables (defaults and descriptions), or rewrite them in a README")
  .option("--readme <file>", "rewrite the table between the README's markers")
  .action((options: { readme?: string }) => {
    if (options.readme) console.log(`${replaceReadmeParameterTables(options.readme) ? "updated" : "unchanged"}: ${options.readme}`);
    else process.stdout.write(readmeParameterTables());
  });

program
  .command("datasheet")
  .description("print the NIC datasheet (registers, descriptors, error codes)")
  .action(() => {
    process.stdout.write(datasheetMarkdown());
  });

program
  .command("c-header")
  .description("print the C header of the device interface (clients/c/nicsim_device.h: registers, layouts, error codes)")
  .action(() => {
    process.stdout.write(cHeader());
  });

program
  .command("protocol")
  .description("print the device protocol of nicsim serve (its documentation, C header or Python constants), or the device's constants for Python")
  .addOption(new Option("--format <format>", "docs (docs/device-protocol.md), c (clients/c/nicsim_protocol.h), python (clients/python/nicsim_protocol.py) or python-device (clients/python/nicsim_device.py)").choices(["docs", "c", "python", "python-device"]).default("docs"))
  .action((options: { format: "docs" | "c" | "python" | "python-device" }) => {
    process.stdout.write({ docs: protocolMarkdown, c: protocolCHeader, python: protocolPython, "python-device": devicePython }[options.format]());
  });

program
  .command("demo")
  .description("run the kernel demonstration design")
  .addOption(seedOption())
  .option("--out <base>", "output base", outputPath("--out"), "waveforms/demo")
  .action((options: { seed?: number; out: string }) => {
    const seed = options.seed ?? 1;
    const { kernel, top } = buildPipelineDemo({ seed });
    const waveform = recordWaveform(kernel, options.out, { comment: `demonstration pipeline, seed ${seed}` });
    const result = kernel.run({ until: 1_000_000_000 });
    const files = waveform.finish();
    console.log(`demo: ${result.message ?? result.reason} at ${formatTime(result.time)} (seed ${seed})`);
    console.log(`  words requested ${top.requested.value}, sent ${top.producer.wordsSent.value}`);
    console.log(`wrote ${files.vcd}\n      ${files.gtkw}\n      ${files.filters.join("\n      ")}`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const command = process.argv[2] ?? "run";
  if (error instanceof ScenarioError) console.error(`nicsim ${command}: the scenario cannot run:\n  ${error.problems.join("\n  ")}`);
  else console.error(`nicsim ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
