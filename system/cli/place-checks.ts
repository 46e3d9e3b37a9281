import { outputNameProblems } from "../../sim/output-files.js";
import { latencyReportFiles } from "../latency-report.js";
import { plainTrafficFileNames } from "../run-scenario.js";

/** The options a command's files are placed by. */
interface PlaceOptions {
  readonly out?: string;
  readonly waveform?: boolean;
  readonly markdown?: string;
  readonly json?: string;
}

/** Each command's check of where its files go (its directory, a name taken by a directory or device), by the option that placed them. */
const CHECKS: Record<string, (options: PlaceOptions) => string[]> = {
  "plain-traffic": ({ out, waveform }) => (out === undefined ? [] : outputNameProblems(plainTrafficFileNames(out, waveform !== false), { givenBy: "--out" })),
  latency: ({ out }) => (out === undefined ? [] : outputNameProblems(latencyReportFiles(out), { givenBy: "--out" })),
  demo: ({ out }) => (out === undefined ? [] : outputNameProblems([`${out}.vcd`, `${out}.gtkw`], { givenBy: "--out" })),
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
