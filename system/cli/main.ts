#!/usr/bin/env node
import { existsSync } from "node:fs";
import { redactArguments } from "../scenario/secret-paths.js";
import { Command, Help, Option } from "commander";
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
import { BULK_PACKET_BYTES, HIGH_PACKET_BYTES, MAXIMUM_LATENCY_PACKET_BYTES, MINIMUM_LATENCY_PACKET_BYTES } from "../latency-benchmark.js";
import { ScenarioError } from "../scenario/load.js";
import { scenarioFileOrDefault } from "../scenario/default-scenario.js";
import { buildScenario } from "../scenario/run.js";
import { MAX_SEED } from "../scenario/schema.js";
import { OptionMistakes, optionParsers } from "./option-parsers.js";
import { notTaken, noteCommandLineMistakes, noteExcessArguments, written } from "./command-line-words.js";
import { argumentProblems, inspectProblems, placeProblems } from "./place-checks.js";
import { inspectVcd, type InspectOptions } from "./inspect.js";
import { givenPlaceProblem, runCommand } from "./run-command.js";
import { runClashes } from "./run-clashes.js";
import { designProblems } from "./design-checks.js";
import { commandLineParameterError } from "./command-line-parameters.js";
import { nicsimVersion } from "../scenario/sweep-shard-file.js";
import { everyEdgeCommand, type EveryEdgeCommandOptions, everyEdgeOptionProblems } from "./every-edge-command.js";
import { shardProblems, sweepCommand, sweepMergeCommand, type SweepCommandOptions, sweepPlaceProblems } from "./sweep-command.js";
import { checkSweepPoints, sweepAxesProblems, sweepGrid } from "../scenario/sweep.js";
import { EXPERIMENTS, formatValidation, runValidation, validationSummary, writeValidation } from "../validation/suite.js";
import { replaceMarkedSection } from "../readme-section.js";
import { serveCommand, type ServeCommandOptions, serveWhereProblems, stdout } from "./serve-command.js";
import { protocolCHeader } from "../serve/protocol-c-header.js";
import { protocolMarkdown } from "../serve/protocol-docs.js";
import { protocolPython } from "../serve/protocol-python.js";
import { devicePython } from "../serve/device-python.js";

// Each option's mistakes are noted, not thrown, so that every one is reported at once (see the preAction hook).
const mistakes = new OptionMistakes();
const parse = optionParsers(mistakes);

const seedOption = () => new Option("--seed <n>", "random seed (0 to 4294967295)").argParser(parse.integer("--seed", 0, MAX_SEED));
const quietOption = () => new Option("--quiet", "no progress bar");

// A reader that stops early (`nicsim run | head`) ends the output, not with a stack trace; under `serve --stdio` the server takes it as the client gone.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  if (!stdout.carriesProtocol) process.exit(process.exitCode ?? 0);
});

const program = new Command("nicsim")
  .description("Cycle-level co-simulation of an IPsec-offload NIC and its driver stack")
  // nicsim's own options (-V) only before the command: after it, `-V` may be an option's value (`run --out -V`).
  .enablePositionalOptions()
  .version(nicsimVersion(), "-V, --version", "print the version")
  .showHelpAfterError()
  // A repeatable option starts from an empty list or mapping: "(default: [])" and "(default: {})" say nothing to a reader.
  .configureHelp({ optionDescription: (option) => new Help().optionDescription(option).replace(/ \(default: (\[\]|\{\})\)$/, "") })
  .configureOutput({ outputError: (text, write) => write(redactArguments(text)) });

/** Mistakes in a command's options, every one: reported before the command does anything. */
class OptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/** A command given after options (`nicsim --seed 1 datasheet`): the line is no run's, and is said as nicsim's. */
class CommandLineError extends OptionsError {}

/** `run` is the default command, so a misspelt command (the first argument) would arrive as a scenario file: what it was, or null. */
function misspeltCommand(file: string | undefined): string | null {
  const names = program.commands.map((command) => command.name());
  if (file !== undefined && [...names, "help"].includes(file)) return null;
  // A file of that name does not make it a scenario: run takes only .yaml, .yml and .json.
  if (file === undefined || /\.(ya?ml|json)$/i.test(file)) return null;
  if (closestName(file, names) !== undefined) return `unknown command '${file}'${commandMeant(file, names)}`;
  // A plain word first on the line, naming no file, is a command meant, not a scenario (the first word is no word of a --set value, so it may be shown).
  if (!/^[a-z][\w-]*$/i.test(file) || existsSync(file)) return null;
  return `unknown command '${file}'${commandMeant(file, names)}`;
}

/** What an unknown command was meant as: the version, or the nearest command. */
function commandMeant(word: string, names: readonly string[]): string {
  return ["version", "--version", "-V"].includes(word) ? " (nicsim --version gives the version)" : didYouMean(word, names);
}

/** A sweep's or every-edge's option mistakes (with `problems`, its own) and its configurations', found with the options that were right; throws. */
function gridMistakes(file: string | undefined, options: Pick<SweepCommandOptions, "grid" | "set">, problems: readonly string[]): never {
  const noted = [...mistakes.noted, ...problems];
  try {
    checkSweepPoints(file ?? null, sweepGrid(options.grid, options.set), noted);
  } catch (error) {
    // The options' mistakes alone are said as such, not as the scenario's.
    if (error instanceof ScenarioError && error.problems.length === noted.length) throw new OptionsError(error.problems);
    throw error;
  }
  throw new OptionsError(noted);
}

// Every option's mistake at once; a run's and a sweep's with their scenario's, found with the options that were right.
program.hook("preAction", (_, command) => {
  // Options before the command (`nicsim --seed 1 datasheet`) make it the default command's scenario file, and the words after it (its own options) arguments.
  const misplaced = command.name() === "run" && [...program.commands.map((other) => other.name()), "help"].includes(command.args[0] ?? "") ? command.args[0] : undefined;
  if (misplaced === undefined) noteExcessArguments(command, mistakes);
  else mistakes.note(`'${misplaced}' is a command: give it first, and its options after it (nicsim ${misplaced} [options])${notTaken(program.commands, misplaced, process.argv.slice(2))}`, null);
  // Where the files go, and options that do not go together: with the other mistakes, before any work.
  mistakes.noted.push(...placeProblems(command.name(), command.opts()), ...(command.name() === "inspect" ? inspectProblems(command) : []), ...(command.name() === "serve" ? serveWhereProblems(command.args, command.opts<ServeCommandOptions>(), written(process.argv.slice(2), "--stdio", "--socket")) : []));
  // Asked for when none was written; a --grid refused is said as such.
  if (command.name() === "sweep" && command.opts<SweepCommandOptions>().grid.length === 0 && !written(process.argv.slice(2), "--grid")) mistakes.note("--grid: give at least one axis (path=v1,v2,...); one configuration alone is `nicsim run`", null);
  if (command.name() === "run") mistakes.noted.push(...runClashes(command.opts<Parameters<typeof runClashes>[0]>()));
  if (command.name() === "sweep") mistakes.noted.push(...shardProblems(command.opts<SweepCommandOptions>()));
  if (mistakes.noted.length === 0) return;
  // The options were meant for the command named after them, not for a run of the default scenario: it is not judged.
  if (misplaced !== undefined) throw new CommandLineError(mistakes.noted);
  if (command.name() === "sweep") {
    const options = command.opts<SweepCommandOptions>();
    gridMistakes(command.args[0], options, [...sweepAxesProblems(options.grid, options.set), ...sweepPlaceProblems(options, command.args[0])]);
  }
  if (command.name() === "every-edge") gridMistakes(command.args[0], command.opts<EveryEdgeCommandOptions>(), everyEdgeOptionProblems(command.opts<EveryEdgeCommandOptions>()));
  if (command.name() !== "run") {
    const design = designProblems(command.name(), command.opts<{ set: Record<string, unknown> }>());
    throw design.length === 0 ? new OptionsError([...mistakes.noted, ...argumentProblems(command.name(), command.opts(), command.args)]) : new ScenarioError([...mistakes.noted, ...design]);
  }
  const options = command.opts<{ seed?: number | string; set: Record<string, unknown> }>();
  const file = misplaced === undefined ? command.args[0] : undefined;
  // A refused --seed stands as commander's '' (for a parser's undefined): it is no seed.
  const overrides = { ...options.set, ...(typeof options.seed === "number" ? { seed: options.seed } : {}) };
  const scenarioProblems = (() => {
    try {
      buildScenario(scenarioFileOrDefault(file || null, overrides));
      return [];
    } catch (error) {
      // Any other error is the model's own, not the scenario's mistake: said, not dropped with the scenario's mistakes.
      if (!(error instanceof ScenarioError)) throw error;
      return error.problems;
    }
  })();
  const place = givenPlaceProblem(command.opts<{ out?: string }>().out, options.set, file);
  const problems = [...mistakes.noted, ...scenarioProblems, ...(place === null ? [] : [place])];
  throw scenarioProblems.length === 0 ? new OptionsError(problems) : new ScenarioError(problems);
});

program
  .command("run", { isDefault: true })
  .description("run a scenario (a .yaml or .json file; the built-in default scenario without one) and write its waveform, capture, summary and HTML report")
  .argument("[scenario]", "scenario file", parse.named("the scenario file"))
  .addOption(seedOption())
  .option("--set <path=value>", "set a scenario value, e.g. nic.crypto_tx.bytesPerCycle=8 or durationMicroseconds=100 (`top.` before a path is optional; repeatable)", parse.scenarioAssignment, {})
  .option("--out <directory>", "where the files go (default: the scenario's outputs.directory)", parse.outputPath("--out"))
  .option("--no-waveform", "do not write the VCD and .gtkw")
  .addOption(quietOption())
  .action(async (file: string | undefined, options: { seed?: number; set: Record<string, unknown>; out?: string; waveform: boolean; quiet?: boolean }) => {
    const overrides = { ...options.set, ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.waveform ? {} : { "outputs.waveform": false }) };
    await runCommand(file, { overrides, out: options.out, quiet: options.quiet });
  });

program
  .command("sweep")
  .description("run a scenario over a grid of values across worker threads, or one shard's share of it; JSON lines and a table")
  .argument("[scenario]", "scenario file (default: the built-in default scenario)")
  .requiredOption("--grid <path=v1,v2,...>", "one axis of the grid (repeatable), e.g. nic.crypto_tx.bytesPerCycle=4,8 or seed=1,2,3 (seeds are an axis like any value)", parse.axis, [])
  .option("--set <path=value>", "set a value in every configuration (repeatable)", parse.scenarioAssignment, {})
  .option("--workers <n>", "worker threads (default: one per core)", parse.integer("--workers", 1))
  .option("--shard <k/n>", "run only shard k of n: the configurations whose index is k modulo n (also from SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX); join the shards with sweep-merge")
  .option("--shard-count <n>", "the number of shards, when JOB_COMPLETION_INDEX gives this one's number (or set NICSIM_SHARD_COUNT)")
  .option("--out <file>", "JSON lines output (default: waveforms/sweep.jsonl; a shard's: waveforms/sweep.shard-<k>-of-<n>.jsonl)", parse.outputFile("--out"))
  .option("--keep <directory>", "also write each run's files (waveform, capture, summary, report) under <directory>/<index>", parse.outputPath("--keep"))
  .option("--resume", "keep the finished runs an interrupted or failed run of this same sweep left in <out>.partial, and run only the others")
  .addOption(quietOption())
  .action((file: string | undefined, options: SweepCommandOptions) => sweepCommand(file, options));

program
  .command("every-edge")
  .description("run a scenario (or each configuration of a grid) skipping idle blocks and evaluating every block on every edge, and say where their capture, keys, SA trace, summary and waveform first differ; and again skipping idle blocks without the waveform, compared with the first on the rest; exit status 1 if any differ, or a run fails or does not end well")
  .argument("[scenario]", "scenario file (default: the built-in default scenario)")
  .option("--set <path=value>", "set a scenario value, seed=N included (repeatable)", parse.scenarioAssignment, {})
  .option("--grid <path=v1,v2,...>", "one axis of a grid of configurations, as nicsim sweep takes it, e.g. seed=1,2,3 (repeatable)", parse.axis, [])
  .option("--keep <directory>", "leave the runs' files under <directory>/skip-idle, <directory>/every-edge and <directory>/no-waveform (with --grid, under <directory>/<index>/, one value or several)", parse.outputPath("--keep"))
  .option("--workers <n>", "configurations run at once, each in a thread of its own (default: one per core)", parse.integer("--workers", 1))
  .addOption(quietOption())
  .action((file: string | undefined, options: EveryEdgeCommandOptions) => everyEdgeCommand(file, options));

program
  .command("sweep-merge")
  .description("join the outputs of every shard of a sweep into the JSON lines and table the unsharded sweep gives")
  .argument("<shards...>", "the shards' JSON lines outputs", (text: string, previous: string[] = []) => [...previous, parse.named("a shard's file name")(text) ?? text])
  .option("--out <file>", "JSON lines output", parse.outputFile("--out"), "waveforms/sweep.jsonl")
  .action((files: string[], options: { out: string }) => sweepMergeCommand(files, options));

program
  .command("inspect")
  .description("list a VCD's signals, or print one signal's changes in a window")
  .argument("<vcd>", "VCD file", parse.named("the VCD file"))
  .option("--signal <path>", "the signal whose changes to print (e.g. top.nic.crypto_tx.engine0.state)", parse.named("--signal", "a signal's path", false))
  .option("--from <us>", "window start, µs (in the file's own $timescale)", parse.microseconds("--from"), 0)
  .option("--to <us>", "window end, µs (default: the end of the file)", parse.microseconds("--to"))
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
  .option("--set <path=value>", "parameter value, e.g. nic.queues=4 (`top.` before a path is optional; repeatable)", parse.parameterAssignment, {})
  .option("--out <base>", "output base", parse.outputBase("--out"), "waveforms/plain-traffic")
  .option("--no-waveform", "do not write the VCD")
  .action((options: { seed?: number; set: Record<string, unknown>; out: string; waveform: boolean }) => {
    let result;
    try {
      result = runPlainTraffic({ seed: options.seed ?? 1, parameters: options.set, parametersSource: "--set", out: options.out, waveform: options.waveform, warn: (warning) => process.stderr.write(`nicsim plain-traffic: ${warning}\n`) });
    } catch (error) {
      throw commandLineParameterError(error, options.set, "plain-traffic");
    }
    // As run does: on one terminal the warnings were just shown, and the report leaves them out.
    const shown = process.stdout.isTTY && process.stderr.isTTY ? result.warnings.map((warning) => `${warning}\n`).join("").length : 0;
    process.stdout.write(result.text.slice(shown));
    console.log(`wall ${result.wallMilliseconds.toFixed(0)} ms for ${formatTime(Math.round(result.report.simulatedNanoseconds * 1000))} simulated`);
    console.log(`wrote ${result.files.join("\n      ")}`);
    if (result.report.outcome.startsWith("stopped by the time limit")) process.exitCode = 1;
  });

program
  .command("serve")
  .description("the NIC as a device server for a driver in another process (C, Python): a Unix domain socket or stdin/stdout; writes the run's waveform, capture and summary when the client leaves")
  .argument("[command...]", "a client program to start (after --), with NICSIM_SOCKET set; the exit status is its own when it is not 0, else 1 if it left without GOODBYE")
  .option("--socket <path>", "serve on this Unix domain socket", parse.named("--socket", "a socket's path"))
  .option("--stdio", "serve the process that started the server, on stdin and stdout")
  .option("--scenario <file>", "take the name, seed, nic, wire and peer parameters and outputs from a scenario file (durationMicroseconds, customers and traffic may be left out: serve does not use them)", parse.named("--scenario"))
  .addOption(seedOption())
  .option("--set <path=value>", "parameter value, e.g. nic.queues=1 (`top.` before a path is optional; repeatable)", parse.parameterAssignment, {})
  .option("--name <name>", "the run's name: its files are <out>/<name>.* (default: the scenario's, or serve)", parse.name)
  .option("--out <directory>", "where the files go (default: the scenario's outputs.directory, or waveforms)", parse.outputPath("--out"))
  .option("--call-ns <ns>", "simulated CPU time every client request costs (default 20)", parse.integer("--call-ns", 0, 1_000_000_000))
  .option("--no-waveform", "do not write the VCD and .gtkw")
  .action((command: string[], options: ServeCommandOptions) => serveCommand(command, options));

program
  .command("latency")
  .description("high-priority latency by stage under bulk load, per crypto policy, and the bulk cost of preemption")
  .addOption(new Option("--direction <direction>", "tx, rx or both").argParser(parse.choice("--direction", ["tx", "rx", "both"] as const)).default("both"))
  .option("--packets <n>", "high-priority packets per run", parse.integer("--packets", 1), 200)
  .option("--gap-ns <ns>", "mean gap between high-priority packets", parse.integer("--gap-ns", 100), 10_000)
  .option("--load <fraction>", "bulk offered load, fraction of the line", parse.fraction, 0.9)
  .option("--bulk-bytes <n>", "bulk inner packet bytes, IPv4 and UDP headers included", parse.integer("--bulk-bytes", MINIMUM_LATENCY_PACKET_BYTES, MAXIMUM_LATENCY_PACKET_BYTES), BULK_PACKET_BYTES)
  .option("--high-bytes <n>", "high-priority inner packet bytes, IPv4 and UDP headers included", parse.integer("--high-bytes", MINIMUM_LATENCY_PACKET_BYTES, MAXIMUM_LATENCY_PACKET_BYTES), HIGH_PACKET_BYTES)
  .option("--set <path=value>", "parameter value, e.g. nic.crypto_tx.bytesPerCycle=8 (`top.` before a path is optional; repeatable)", parse.parameterAssignment, {})
  .addOption(seedOption())
  .option("--out <base>", "output base", parse.outputBase("--out"), "waveforms/latency")
  .action((options: { direction: string; packets: number; gapNs: number; load: number; bulkBytes: number; highBytes: number; set: Record<string, unknown>; seed?: number; out: string }) => {
    let reports;
    try {
      reports = runLatencyReport({
        directions: options.direction === "both" ? ["tx", "rx"] : [options.direction as "tx" | "rx"],
        highPackets: options.packets,
        highGapNanoseconds: options.gapNs,
        load: options.load,
        bulkPacketBytes: options.bulkBytes,
        highPacketBytes: options.highBytes,
        parameters: options.set,
        parametersSource: "--set",
        seed: options.seed ?? 1,
        onRun: (label) => process.stderr.write(`  running ${label}\n`),
        warn: (warning) => process.stderr.write(`nicsim latency: ${warning}\n`),
      });
    } catch (error) {
      throw commandLineParameterError(error, options.set, "latency");
    }
    process.stdout.write(latencyReportMarkdown(reports));
    console.log(`wrote ${writeLatencyReport(reports, options.out).join("\n      ")}`);
  });

program
  .command("validate")
  .description("run the model against closed forms (wire, DMA, crypto, shares on transmit and at the RX crypto engines, preemption, the host's cores, accounting, the kernel's work) and print every quantity beside its expected value")
  .option("--fast", "the subset npm test runs (fewer sizes and configurations, shorter windows)")
  .option("--only <name>", `run only this experiment (repeatable): ${EXPERIMENTS.map((experiment) => experiment.name).join(", ")}`, (value: string, previous: string[] = []) => {
    const name = parse.choice("--only", EXPERIMENTS.map((experiment) => experiment.name))(value);
    return name === undefined ? previous : [...previous, name];
  }, [])
  .option("--markdown <file>", "also write the report as Markdown (npm run validate: docs/validation.md)", parse.named("--markdown"))
  .option("--json <file>", "also write the report as JSON", parse.named("--json"))
  .option("--readme <file>", "rewrite the summary table between the README's validation markers", parse.markedFile("--readme", "validation"))
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
  .option("--out <base>", "output base", parse.outputBase("--out"), "waveforms/policy-eval")
  .option("--trace <file>", "an SA trace (.jsonl) to evaluate (repeatable)", (value: string, previous: string[] = []) => (value.trim() === "" ? mistakes.note(`--trace '${value}': expected a file`, previous) : [...previous, value]), [])
  .option("--table-entries <tx[,rx]>", "SA table sizes to replay traces at (default: the sizes of each trace's run)", parse.checked(parseTableEntries, "--table-entries"))
  .action((options: { out: string; trace: string[]; tableEntries?: TableEntries }) => {
    const result = runPolicyEvaluation(options.out, options.trace, "--out", options.tableEntries);
    for (const warning of result.warnings) process.stderr.write(`nicsim policy-eval: warning: ${warning}\n`);
    process.stdout.write(result.text);
    console.log(`wrote ${result.files.join("\n      ")}`);
  });

program
  .command("params")
  .description("print the parameter tables (defaults and descriptions), or rewrite them in a README")
  .option("--readme <file>", "rewrite the table between the README's markers", parse.markedFile("--readme", "parameters"))
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
  .addOption(new Option("--format <format>", "docs (docs/device-protocol.md), c (clients/c/nicsim_protocol.h), python (clients/python/nicsim_protocol.py) or python-device (clients/python/nicsim_device.py)").argParser(parse.choice("--format", ["docs", "c", "python", "python-device"] as const)).default("docs"))
  .action((options: { format: "docs" | "c" | "python" | "python-device" }) => {
    process.stdout.write({ docs: protocolMarkdown, c: protocolCHeader, python: protocolPython, "python-device": devicePython }[options.format]());
  });

program
  .command("demo")
  .description("run the kernel demonstration design")
  .addOption(seedOption())
  .option("--out <base>", "output base", parse.outputBase("--out"), "waveforms/demo")
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

for (const command of program.commands) noteCommandLineMistakes(command, mistakes);

// Before commander sees the rest: a misspelt command's options and arguments are another command's, which run would judge as its own (`swep --grid …` was "unknown option").
const helpFor = process.argv[2] === "help" ? process.argv[3] : undefined;
// `help` takes only a command (commander printed the general help, as an error, for any other word).
const helpBeyond = process.argv[2] === "help" ? process.argv.length - 4 : 0;
const misspelt =
  helpFor !== undefined && ![...program.commands.map((command) => command.name()), "help", "--help", "-h"].includes(helpFor)
    ? `unknown command ${/^[\w-]+$/.test(helpFor) ? `'${helpFor}'${commandMeant(helpFor, program.commands.map((command) => command.name()))}` : "(not shown: it may hold a key)"}`
    : // Words after help's command were ignored without a word.
      helpBeyond > 0
      ? `help takes one command; ${helpBeyond} argument${helpBeyond === 1 ? "" : "s"} more (not shown: an argument may hold a key)`
      : misspeltCommand(helpFor ?? process.argv[2]);
// Help on help is the general help (commander printed it as an error).
if (helpFor === "help") process.argv.splice(3, 1);
if (misspelt !== null) {
  console.error(`nicsim: ${misspelt}; nicsim --help lists the commands`);
  process.exitCode = 1;
} else program.parseAsync(process.argv).catch((error: unknown) => {
  // The command that ran: the first argument only when it names one (it may be a scenario, an option, or a path=value holding a key).
  const first = process.argv[2];
  const command = first !== undefined && program.commands.some((known) => known.name() === first) ? first : "run (the command when none is named)";
  if (error instanceof CommandLineError) console.error(`nicsim: the command line has mistakes:\n  ${error.problems.join("\n  ")}`);
  else if (error instanceof ScenarioError) console.error(`nicsim ${command}: ${command === "serve" ? "the server cannot start" : "the scenario cannot run"}:\n  ${error.problems.join("\n  ")}`);
  else if (error instanceof OptionsError) console.error(`nicsim ${command}: its options have mistakes:\n  ${error.problems.join("\n  ")}`);
  else console.error(`nicsim ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
