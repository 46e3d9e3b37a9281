import { SingleBar } from "cli-progress";

/** Seconds between progress lines where stderr is a file or a pipe (a batch job's log). */
export const LOG_LINE_SECONDS = 30;

/** A rate to two significant figures below 10 (a sweep's 0.04 runs/s), to a tenth above. */
export const formatRate = (perSecond: number) => (perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toPrecision(2));

/** Where progress goes, and how it is shown there: replaced in tests. */
export interface ProgressOutput {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** Under CI nothing is shown: its logs are read only when something failed. */
  readonly ci: boolean;
  /** Wall milliseconds, from any origin. */
  readonly now: () => number;
}

const STDERR: ProgressOutput = { stream: process.stderr, ci: Boolean(process.env.CI), now: () => performance.now() };

/**
 * Progress on stderr for anything that takes more than a second: simulated time, wall time and
 * rate. On a terminal, a bar; in a file or a pipe (a batch job's log), a line every
 * LOG_LINE_SECONDS, so a job that runs for hours says how far it is without filling its log.
 * Nothing under CI, or when asked to be quiet.
 */
export class Progress {
  private bar: SingleBar | null = null;
  private readonly started: number;
  private readonly mode: "bar" | "lines" | "none";
  private nextLine = LOG_LINE_SECONDS;

  constructor(private readonly label: string, quiet = false, private readonly output: ProgressOutput = STDERR) {
    this.started = output.now();
    this.mode = quiet || output.ci ? "none" : output.stream.isTTY === true ? "bar" : "lines";
  }

  /** `done` of `total` units (µs simulated, runs, …), shown as `unit`; past the total (a run draining after its traffic), `past` says what is going on. */
  update(done: number, total: number, unit: string, past = ""): void {
    if (this.mode === "none") return;
    const wall = (this.output.now() - this.started) / 1000;
    const over = done > total;
    const rate = formatRate(done / Math.max(wall, 1e-3));
    const pastNote = over && past !== "" ? ` (${past})` : "";
    if (this.mode === "lines") {
      if (wall < this.nextLine) return;
      while (this.nextLine <= wall) this.nextLine += LOG_LINE_SECONDS;
      this.output.stream.write(`${this.label}: ${Math.round(Math.min(done, total))}/${Math.round(total)} ${unit}${pastNote} | wall ${wall.toFixed(1)} s | ${rate} ${unit}/s\n`);
      return;
    }
    if (!this.bar) {
      if (wall < 1) return;
      this.bar = new SingleBar({ format: `${this.label} [{bar}] {value}/{total} ${unit}{past} | wall {wall} s | {rate} ${unit}/s`, stream: this.output.stream, hideCursor: true, clearOnComplete: true });
      this.bar.start(Math.round(total), 0, { wall: "0.0", rate: "0", past: "" });
    }
    // Past its total the bar stays full and says why, rather than counting past 100 %.
    this.bar.setTotal(Math.round(over ? done : total));
    this.bar.update(Math.round(done), { wall: wall.toFixed(1), rate, past: pastNote });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
