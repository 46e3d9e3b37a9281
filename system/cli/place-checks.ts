import { statSync } from "node:fs";
import type { Command } from "commander";
import { outputNameProblems } from "../../sim/output-files.js";
import { cannotRead } from "../../sim/unreadable.js";
import { latencyReportFiles } from "../latency-report.js";
import { plainTrafficFileNames } from "../run-scenario.js";
import { policyEvaluationProblems } from "../policy-eval.js";
import type { TableEntries } from "../../driver/caching/trace.js";
import { sweepMergeProblems } from "./sweep-command.js";
import { emptyWindowProblem } from "./inspect.js";

/** The options a command's files are placed by. */
interface PlaceOptions {
  readonly out?: string;
  readonly trace?: readonly string[];
  readonly tableEntries?: unknown;
  readonly waveform?: boolean;
  readonly markdown?: string;
  readonly json?: string;
}

/** Each command's check of where its files go (its directory, a name taken by a directory or device), by the option that placed them. */
const CHECKS: Record<string, (options: PlaceOptions) => string[]> = {
  "plain-traffic": ({ out, waveform }) => (out === undefined ? [] : outputNameProblems(plainTrafficFileNames(out, waveform !== false), { givenBy: "--out" })),
  latency: ({ out }) => (out === undefined ? [] : outputNameProblems(latencyReportFiles(out), { givenBy: "--out" })),
  demo: ({ out }) => (out === undefined ? [] : outputNameProblems([`${out}.vcd`, `${out}.gtkw`], { givenBy: "--out" })),
  // Refused rather than ignored, as inspect's window without --signal.
  "policy-eval": ({ trace, tableEntries }) => (tableEntries !== undefined && (trace ?? []).length === 0 ? ["--table-entries: the sizes are for replaying --trace files; the generated workloads have their own"] : []),
  // Written into as they are, so a device (/dev/stdout) will do.
  validate: ({ markdown, json }) => [
    ...(markdown === undefined ? [] : outputNameProblems([markdown], { intoDevices: true, givenBy: "--markdown" })),
    ...(json === undefined ? [] : outputNameProblems([json], { intoDevices: true, givenBy: "--json" })),
  ],
};

/**
 * What is wrong with where a command's files would go, said with its options' other mistakes and
 * before its work (a suite's minutes, a benchmark's runs). Empty for a command that places its
 * files otherwise (run, sweep and serve check theirs with their scenario's).
 */
export function placeProblems(command: string, options: PlaceOptions): string[] {
  return CHECKS[command]?.(options) ?? [];
}

/**
 * The checks a command makes of its arguments and files as it starts (the files it reads, where it
 * writes), for a command whose options have mistakes too: so that both are said at once.
 */
export function argumentProblems(command: string, options: PlaceOptions, args: readonly string[]): string[] {
  if (command === "sweep-merge" && options.out !== undefined) return sweepMergeProblems(args, options.out).problems;
  if (command === "policy-eval" && options.out !== undefined) return policyEvaluationProblems(options.out, options.trace ?? [], "--out", options.tableEntries as TableEntries | undefined).problems;
  return [];
}

/** Why a file argument cannot be read; a name that does not end as such a file's and names nothing is not shown (a word of a value typed without quotes may be a key). */
export function unreadable(file: string, ending: string): string[] {
  try {
    statSync(file);
    return [];
  } catch (error) {
    // cannotRead leaves out a name with '=' in it itself.
    return [file.toLowerCase().endsWith(ending) || file.includes("=") ? cannotRead(file, error) : `a file given does not exist, and its name does not end in ${ending} (not shown: it may be a word of a value typed without quotes, which may hold a key)`];
  }
}

/** inspect's file that cannot be read, its window that is empty, and the options the listing or the signal's changes does not use (refused rather than ignored). */
export function inspectProblems(command: Command): string[] {
  // Two files refused alike (neither named, as neither ends in .vcd) are said once.
  const others = [...new Set(command.args.flatMap((file) => unreadable(file, ".vcd"))), ...inspectOptionProblems(command)];
  // An empty window alone is said as the file is read, with a signal it does not have (inspectVcd): said here, the signal came only on the next try.
  const { from, to } = command.opts<{ from: number; to?: number }>();
  const window = others.length > 0 && typeof to === "number" && typeof from === "number" ? emptyWindowProblem(from, to) : null;
  return window === null ? others : [...others, window];
}

function inspectOptionProblems(command: Command): string[] {
  const given = (name: string) => command.getOptionValueSource(name) === "cli";
  const options = command.opts<{ signal?: string; match?: string }>();
  if (options.signal === undefined) return (["from", "to"] as const).filter(given).map((name) => `--${name}: the window is for --signal's changes; without --signal the signals are listed`);
  return options.match !== undefined ? ["--match: it narrows the list of signals; with --signal none is listed"] : [];
}
