import { type EarlierRuns, EVERY_EDGE_RUNS, type EveryEdgeCheck } from "../every-edge-check.js";
import { describeOutputDifference } from "../output-differences.js";
import { ScenarioError } from "../scenario/load.js";
import { redactSecrets } from "../scenario/secret-paths.js";
import type { SweepPoint } from "../scenario/sweep.js";
import type { EveryEdgeReport } from "./every-edge-worker.js";

/** A configuration's outcome, as its thread reported it. */
export type Outcome = Exclude<EveryEdgeReport, { kind: "progress" }>;

/** Whether the outcome's files stay for a look: a run that failed, or runs that did not end well (one stopped, or with nothing to look at, leaves none). */
export function leavesFiles(outcome: Outcome): boolean {
  return (outcome.kind === "failed" && !outcome.stopped) || (outcome.kind === "checked" && !outcome.check.endedWell);
}

/** A configuration's outcome as lines for a person, and what it counts for in the closing tally: which runs differed, and whether it failed. */
export interface DescribedOutcome {
  readonly text: string;
  /** The run on every edge differed from the first: a block skipped as idle had work, or acts on how often it is asked. */
  readonly differs: boolean;
  /** The run without the waveform differed from the first: a block shows something one way while watched, another while not. */
  readonly differsWithoutWaveform: boolean;
  readonly failed: boolean;
}

/** A configuration's outcome as lines for a person. */
export function describeOutcome(point: SweepPoint, outcome: Outcome, kept: string | null, directory: string): DescribedOutcome {
  const head = label(point);
  switch (outcome.kind) {
    case "checked":
      return describeCheck(head, outcome.check, kept, directory);
    case "failed": {
      // A stopped run's temporary directory is removed: the files its message names are gone.
      const message = outcome.stopped && kept === null ? `${outcome.message.split("\n")[0]!}; its temporary files are removed` : outcome.message;
      // A skip-idle run that fails leaves the others unmade.
      const left = kept === null && leavesFiles(outcome) ? `\n  ${outcome.run === "skip-idle" ? "its files are" : "the runs' files are"} left for a look, in the temporary directory named above` : "";
      const earlier = outcome.earlier === null ? [] : describeEarlierRuns(outcome.earlier);
      const text = `${head}${outcome.stopped ? "STOPPED" : "FAILED"}: the ${outcome.run} run ${outcome.stopped ? "was" : "failed:"} ${message}${left}\n${earlier.map((line) => `${line}\n`).join("")}`;
      return { text, differs: (outcome.earlier?.differences.length ?? 0) > 0, differsWithoutWaveform: false, failed: !outcome.stopped };
    }
    case "scenario":
      return { text: `${head}FAILED: ${new ScenarioError(outcome.problems).message}\n`, differs: false, differsWithoutWaveform: false, failed: true };
    case "error":
      return { text: `${head}FAILED: ${outcome.message}\n`, differs: false, differsWithoutWaveform: false, failed: true };
  }
}

function describeCheck(head: string, check: EveryEdgeCheck, keep: string | null, directory: string): DescribedOutcome {
  const seconds = EVERY_EDGE_RUNS.map((way) => `${way} ${check.seconds[way].toFixed(1)} s`).join(", ");
  const kept = keep === null || check.kept === null ? "" : `\n  files: ${EVERY_EDGE_RUNS.map((way) => check.kept![way]).join(", ")}`;
  if (check.differences.length + check.withoutWaveform.length > 0) {
    const lines = [
      ...check.differences.map((difference) => `  ${describeOutputDifference(difference, ["skip-idle", "every-edge"])}`),
      // A block drew what it shows one way while watched and another while not: named apart from the every-edge differences, which a wrong idle flag makes.
      ...check.withoutWaveform.map((difference) => `  without the waveform: ${describeOutputDifference(difference, ["skip-idle", "no-waveform"])}`),
    ];
    return { text: `${head}DIFFERENT (${seconds}):\n${lines.join("\n")}${kept}\n`, differs: check.differences.length > 0, differsWithoutWaveform: check.withoutWaveform.length > 0, failed: false };
  }
  const same = `${sameOutputs(check, ", and all but the waveform without it")} (${seconds})`;
  // The runs end as the scenario's checks say, alike: a run that did not end well is a failure here as in nicsim run.
  if (!check.endedWell) {
    const left = keep === null ? `\n  the runs' files are left for a look: ${directory}` : "";
    return { text: `${head}FAILED: the runs did not end well (nicsim run exits 1 on it): ${check.outcome}\n  they are the same: ${same}${kept}${left}\n`, differs: false, differsWithoutWaveform: false, failed: true };
  }
  return { text: `${head}the same: ${same}${kept}\n`, differs: false, differsWithoutWaveform: false, failed: false };
}

/** What the skip-idle and every-edge runs showed, when the run after them failed or was stopped: its failure hid it (from an outside check). */
function describeEarlierRuns(earlier: EarlierRuns): string[] {
  if (earlier.differences.length === 0) return [`  the skip-idle and every-edge runs before it are the same: ${sameOutputs(earlier, "")}`];
  return [`  the skip-idle and every-edge runs before it differ:`, ...earlier.differences.map((difference) => `  ${describeOutputDifference(difference, ["skip-idle", "every-edge"])}`)];
}

/** What runs that agree agree on; `more`: what else agreed, said before the frames it covers. */
function sameOutputs(runs: EarlierRuns, more: string): string {
  const waveform = runs.waveformLimits === null ? "waveform" : `waveform (only what the scenario records: ${runs.waveformLimits})`;
  return `capture, keys, SA trace, summary and ${waveform}${more}, over ${runs.wireFrames} wire frames`;
}

/** A configuration as its line begins: its index and grid values, when there is a grid. */
function label(point: SweepPoint): string {
  if ((point.grid ?? []).length === 0) return "";
  const shown = point.shown ?? redactSecrets(point.overrides);
  const values = (point.grid ?? []).map((path) => `${path}=${JSON.stringify(shown[path])}`).join(" ");
  return `configuration ${point.index} (${values}): `;
}
