import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedScenario } from "./scenario/load.js";
import { runScenario } from "./scenario/run.js";
import { outputDifferences, type OutputDifference } from "./output-differences.js";

/** The two ways a run is made: blocks that say they are idle skipped (every run's way), or every block evaluated on every edge. */
export const EVERY_EDGE_RUNS = ["skip-idle", "every-edge"] as const;
export type EveryEdgeRun = (typeof EVERY_EDGE_RUNS)[number];

export interface EveryEdgeCheck {
  /** Each compared output's first difference; empty when the two runs agree. */
  readonly differences: readonly OutputDifference[];
  /** Frames on the wire in the run that skips idle blocks: how much the agreement covers. */
  readonly wireFrames: number;
  /** Wall seconds of each run. */
  readonly seconds: Readonly<Record<EveryEdgeRun, number>>;
  /** Where each run's files are, when kept. */
  readonly kept: Readonly<Record<EveryEdgeRun, string>> | null;
}

/**
 * Run a scenario twice, skipping idle blocks and evaluating every block on every edge, and
 * compare what each wrote. A block that says it is idle while it has work to do, or that acts on
 * how often it is asked, makes them differ: the check every component's author runs (README,
 * "Writing a component"). `load` gives the scenario afresh for each run; every output but the
 * HTML report is written, whatever the scenario asks. `keep`: the directory to leave both runs'
 * files in (`skip-idle/` and `every-edge/` under it); without it they go to a temporary one, removed.
 */
export function checkEveryEdge(load: (outputs: Record<string, unknown>) => LoadedScenario, keep: string | null = null): EveryEdgeCheck {
  const base = keep ?? mkdtempSync(join(tmpdir(), "nicsim-every-edge-"));
  try {
    const outputs = { "outputs.waveform": true, "outputs.pcap": true, "outputs.saTrace": true, "outputs.html": false };
    const runs = EVERY_EDGE_RUNS.map((way) => {
      const started = performance.now();
      const run = runScenario(load(outputs), { directory: join(base, way), skipIdle: way === "skip-idle" });
      return { run, seconds: (performance.now() - started) / 1000 };
    });
    const [skipping, everyEdge] = runs as [(typeof runs)[number], (typeof runs)[number]];
    return {
      differences: outputDifferences(skipping.run.files, everyEdge.run.files),
      wireFrames: skipping.run.summary.wireFrames.toPeer + skipping.run.summary.wireFrames.toHost,
      seconds: { "skip-idle": skipping.seconds, "every-edge": everyEdge.seconds },
      kept: keep === null ? null : { "skip-idle": join(keep, "skip-idle"), "every-edge": join(keep, "every-edge") },
    };
  } finally {
    if (keep === null) rmSync(base, { recursive: true, force: true });
  }
}
