import { appendFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { sweepLines } from "./sweep-shard-file.js";
import type { SweepResult } from "./sweep-result.js";

/**
 * `text` written under `<log>.new` and renamed to `target`: never a file half written under
 * `target`. What an earlier sweep killed there left, a link among them, is removed, not written through.
 */
function writeAsWhole(log: string, text: string, target: string): void {
  const fresh = `${log}.new`;
  rmSync(fresh, { force: true });
  try {
    writeFileSync(fresh, text, { flag: "wx" });
    renameSync(fresh, target);
  } catch (error) {
    rmSync(fresh, { force: true });
    throw error;
  }
}

/**
 * A sweep's finished runs, each appended to `<out>.partial` as it finishes, after the sweep's header:
 * what a sweep killed outright (SIGKILL, the OOM killer, a lost session, a crash) leaves for
 * --resume, not only one that could handle a signal. The file is begun afresh, with the rows a
 * resume kept, under another name and then renamed, so that a failed write never costs rows
 * already safe; a failed append is said once and the sweep goes on (its rows are held in memory).
 */
export class SweepResultsLog {
  private failure: string | null = null;
  private rows: number;
  /** Whether the file was made at all. */
  private begun = true;

  constructor(
    readonly path: string,
    header: string,
    kept: readonly SweepResult[],
    private readonly warn: (message: string) => void,
  ) {
    this.rows = kept.length;
    try {
      writeAsWhole(path, header + sweepLines(kept), path);
    } catch (error) {
      // Nothing was written there (its own name never made): said so, not as rows it holds (an outside check, on a disk of 4 KB).
      this.rows = 0;
      this.begun = false;
      this.fail(error);
    }
  }

  /** How many rows the file holds whole, and why it stopped taking more (null while it takes them). */
  get state(): { readonly rows: number; readonly failure: string | null; readonly begun: boolean } {
    return { rows: this.rows, failure: this.failure, begun: this.begun };
  }

  append(result: SweepResult): void {
    if (this.failure !== null) return;
    try {
      appendFileSync(this.path, sweepLines([result]));
      this.rows++;
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * The sweep is whole: `text` becomes `out`, written under another name and renamed, and only then
   * is the log removed, so that no moment holds neither (a kill between the two leaves both, and
   * --resume runs nothing again).
   */
  finish(out: string, text: string): void {
    try {
      writeAsWhole(this.path, text, out);
    } catch (error) {
      // What the log holds, said as it is: its appends may have stopped before the last runs (a disk full), which --resume then runs again.
      const held = this.rows === 0 ? "none of the finished runs' rows" : `the rows of ${this.rows} finished run${this.rows === 1 ? "" : "s"}`;
      const log = this.begun ? `${this.path} holds ${held}${this.failure === null ? "" : ` (its appends stopped: ${this.failure})`}, for --resume` : `${this.path} could not be made either (${this.failure}): no row is kept for --resume`;
      throw new Error(`${out}: ${(error as Error).message.split("\n")[0]}; ${log}`, { cause: error });
    }
    rmSync(this.path, { force: true });
  }

  private fail(error: unknown): void {
    this.failure = (error as Error).message.split("\n")[0]!;
    this.warn(`${this.path}: ${this.failure}: the finished runs' rows are no longer written there as they come (the sweep goes on; its results are written whole at its end)`);
  }
}
