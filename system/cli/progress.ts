import { SingleBar } from "cli-progress";

/**
 * A progress bar on stderr for anything that takes more than a second: simulated time, wall
 * time and rate. Quiet when stderr is not a terminal, under CI, or when asked.
 */
export class Progress {
  private bar: SingleBar | null = null;
  private readonly started = performance.now();
  private readonly enabled: boolean;

  constructor(private readonly label: string, quiet = false) {
    this.enabled = !quiet && process.stderr.isTTY === true && !process.env.CI;
  }

  /** `done` of `total` units (µs simulated, runs, …), shown as `unit`; past the total (a run draining after its traffic), `past` says what is going on. */
  update(done: number, total: number, unit: string, past = ""): void {
    if (!this.enabled) return;
    const wall = (performance.now() - this.started) / 1000;
    if (!this.bar) {
      if (wall < 1) return;
      this.bar = new SingleBar({ format: `${this.label} [{bar}] {value}/{total} ${unit}{past} | wall {wall} s | {rate} ${unit}/s`, stream: process.stderr, hideCursor: true, clearOnComplete: true });
      this.bar.start(Math.round(total), 0, { wall: "0.0", rate: "0", past: "" });
    }
    // Past its total the bar stays full and says why, rather than counting past 100 %.
    const over = done > total;
    this.bar.setTotal(Math.round(over ? done : total));
    this.bar.update(Math.round(done), { wall: wall.toFixed(1), rate: (done / Math.max(wall, 1e-3)).toFixed(1), past: over && past !== "" ? ` (${past})` : "" });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
