import { join } from "node:path";
import { outputPlaceProblem } from "../../sim/output-files.js";
import { defaultScenario } from "../scenario/default-scenario.js";
import { loadScenarioFile } from "../scenario/load.js";
import { checkSweepPoints, sweepAxesNotes, sweepAxesProblems, sweepGrid, type SweepPoint } from "../scenario/sweep.js";
import { redactSecrets } from "../scenario/secret-paths.js";
import { checkEveryEdge, EVERY_EDGE_RUNS } from "../every-edge-check.js";
import { describeOutputDifference } from "../output-differences.js";
import { Progress } from "./progress.js";

export interface EveryEdgeCommandOptions {
  readonly grid: Array<[string, unknown[]]>;
  readonly set: Record<string, unknown>;
  readonly keep?: string;
  readonly quiet?: boolean;
}

/** What is wrong with the options before any run: the grid's axes, and where --keep puts the files. */
export function everyEdgeOptionProblems(options: EveryEdgeCommandOptions): string[] {
  const keep = options.keep === undefined ? null : outputPlaceProblem(options.keep, `${options.keep} (--keep)`);
  return [...sweepAxesProblems(options.grid, options.set), ...(keep === null ? [] : [keep])];
}

/**
 * `nicsim every-edge`: each configuration (the scenario with --set, or each of --grid's, as a
 * sweep makes them) run twice, skipping idle blocks and evaluating every block on every edge; the
 * first difference in each output, or that they agree. Every configuration is checked before any
 * runs. The exit status is 1 when any configuration's runs differ.
 */
export function everyEdgeCommand(file: string | undefined, options: EveryEdgeCommandOptions): void {
  const say = (message: string) => process.stderr.write(`nicsim every-edge: ${message}\n`);
  for (const note of sweepAxesNotes(options.grid)) say(`note: ${note}`);
  const points = sweepGrid(options.grid, options.set);
  checkSweepPoints(file ?? null, points, everyEdgeOptionProblems(options), say);
  const progress = new Progress("every-edge", options.quiet);
  let differing = 0;
  for (const point of points) {
    progress.update(point.index, points.length, "configurations");
    const keep = options.keep === undefined ? null : points.length === 1 ? options.keep : join(options.keep, String(point.index));
    const check = checkEveryEdge((outputs) => (file === undefined ? defaultScenario({ ...point.overrides, ...outputs }) : loadScenarioFile(file, { ...point.overrides, ...outputs })), keep);
    progress.stop();
    const seconds = EVERY_EDGE_RUNS.map((way) => `${way} ${check.seconds[way].toFixed(1)} s`).join(", ");
    const kept = check.kept === null ? "" : `\n  files: ${EVERY_EDGE_RUNS.map((way) => check.kept![way]).join(" and ")}`;
    if (check.differences.length === 0) {
      process.stdout.write(`${label(point, points.length)}the same: capture, keys, SA trace and waveform to its last change, over ${check.wireFrames} wire frames (${seconds})${kept}\n`);
      continue;
    }
    differing++;
    const lines = check.differences.map((difference) => `  ${describeOutputDifference(difference, EVERY_EDGE_RUNS)}`);
    process.stdout.write(`${label(point, points.length)}DIFFERENT (${seconds}):\n${lines.join("\n")}${kept}\n`);
  }
  progress.stop();
  if (differing > 0) {
    process.stdout.write(`${differing} of ${points.length} configuration${points.length === 1 ? "" : "s"} differ: a block skipped as idle had work to do, or acts on how often it is asked (README, "Writing a component")\n`);
    process.exitCode = 1;
  }
}

/** A configuration as its line begins: its index and grid values, when there is a grid. */
function label(point: SweepPoint, count: number): string {
  if (count === 1) return "";
  const shown = point.shown ?? redactSecrets(point.overrides);
  const values = (point.grid ?? []).map((path) => `${path}=${JSON.stringify(shown[path])}`).join(" ");
  return `configuration ${point.index} (${values}): `;
}
