/** What a failed or interrupted run says of the files it left, and the steps that take them all in turn. */
import type { LeftFile, OutputFiles } from "./output-files.js";

/**
 * Take every step, whether or not one before it threw, then throw the first failure: for closing
 * or writing several files, so that one that cannot be written (a full disk) loses no other. Each
 * step is told whether one before it failed.
 */
export function eachAttempted(steps: readonly ((failedBefore: boolean) => void)[]): void {
  let failure: { error: unknown } | null = null;
  for (const step of steps) {
    try {
      step(failure !== null);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== null) throw failure.error;
}

/**
 * Run `body`, which writes a run's files through `outputs`. If it throws, `flush` makes the files
 * being streamed hold what was written before the failure, and the failure is thrown again as a
 * RunFailedError naming each file left and its state.
 */
export function leavingFilesOnFailure<T>(outputs: OutputFiles | null, flush: () => void, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (outputs === null) throw error;
    outputs.unlock();
    try {
      flush();
    } catch {
      // The failure may be in the writer itself: what is on disk is then all there is.
    }
    throw new RunFailedError(error, outputs.left(), outputs.renamedFiles, outputs.extent);
  }
}

/** How far a failed run got: whether its simulation was over (only writing its files failed), and the files it was to write and never began. */
export interface FailedRunExtent {
  readonly simulationFinished: boolean;
  /** The finished simulation's outcome in words (every packet arrived, …), which a failure writing its files must not hide. */
  readonly outcome: string | null;
  readonly unwritten: readonly string[];
  /** Files begun and no longer on the disk (removed during the run, with their directory or by hand). */
  readonly lost?: readonly string[];
  /** The finished run's summary in words, which a failure writing its files must not lose: the command prints it. */
  readonly summaryText?: string;
}

/** A run that stopped before its simulation was over, with nothing known of the files it did not begin. */
const UNFINISHED: FailedRunExtent = { simulationFinished: false, outcome: null, unwritten: [] };

/** A run that failed or was interrupted: why, the files it left under temporary names, and those it had given their own names. */
export class RunFailedError extends Error {
  constructor(
    readonly failure: unknown,
    readonly left: readonly LeftFile[],
    readonly renamed: readonly string[] = [],
    readonly extent: FailedRunExtent = UNFINISHED,
  ) {
    super(`${failure instanceof Error ? failure.message : String(failure)}\n${describeLeftFiles(left, renamed, extent)}`);
  }
}

export function describeLeftFiles(left: readonly LeftFile[], renamed: readonly string[] = [], extent: FailedRunExtent = UNFINISHED): string {
  const lines = left.map(({ path, state, bytes, device }) =>
    device !== undefined ? `  ${path}: a link to ${device}, written into it: nothing of it kept` : `  ${path}: ${state === "complete" ? "complete" : "partial, cut off where the run stopped"} (${bytes} bytes)`,
  );
  const lostLine = extent.lost?.length ? `\nLost (begun, and gone from the disk during the run: their directory or they were removed): ${extent.lost.join(", ")}` : "";
  if (renamed.length === 0) {
    const what = extent.simulationFinished ? `The simulation finished${extent.outcome === null ? "" : ` (${extent.outcome})`}, but writing its files failed` : "The run did not finish";
    const unwritten = (extent.unwritten.length === 0 ? "" : `\nNot written: ${extent.unwritten.join(", ")}`) + lostLine;
    if (left.length === 0) return `${what}, and no file was written.${unwritten}`;
    return `${what}; no file was given its own name (those of an earlier run are as they were). Left under temporary names:\n${lines.join("\n")}${unwritten}`;
  }
  return [
    `The run finished, but giving its files their own names failed part way. Given their own names (this run's files, complete):`,
    ...renamed.map((path) => `  ${path}`),
    left.length === 0 ? "No file is left under a temporary name." : `Left under temporary names (files of an earlier run with these names are as they were):\n${lines.join("\n")}`,
  ].join("\n") + lostLine;
}
