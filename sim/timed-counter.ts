import { Fifo } from "./fifo.js";
import type { Kernel } from "./kernel.js";
import type { Signal } from "./signal.js";

/**
 * A counter signal that goes up at times known in advance (a frame's last bit leaving the line),
 * given in order. Watched (the waveform's window, a waiting process), each count is an event at its
 * time, as it is drawn; unwatched, the times are kept and a reader is shown the count they make by
 * then, with no event per count: an event that only drew the counter was one of the eight timesteps
 * of a 60-byte frame received.
 */
export class TimedCounter {
  private counted = 0;
  /** Times of counts kept while unwatched, not yet shown. */
  private readonly due = new Fifo<number>();

  constructor(private readonly kernel: Kernel, private readonly signal: Signal, private readonly label: string) {
    signal.refresh = () => this.showDue();
    signal.onWatched = () => this.scheduleDue();
  }

  /** One more at `time`: now or later, and no earlier than the last count given. */
  countAt(time: number): void {
    // Before the first run a waveform may still come, which would show the signal from its start: counted as events.
    if (this.signal.watched || !this.kernel.begun) this.kernel.schedule(time - this.kernel.now, this.label, this.countOne);
    else {
      // Those seen by now are folded as each comes, so that what is kept is only what is still to come, however long the run.
      this.showDue();
      this.due.push(time);
    }
  }

  private readonly countOne = (): void => {
    this.signal.set(++this.counted);
  };

  /**
   * Whether a count at `time` shows now: its event would have run in the first phase at its time,
   * so a reader in that phase, before its edges, still sees the count without it.
   */
  private seen(time: number): boolean {
    return time <= this.kernel.committedThrough;
  }

  /** Fold the kept counts seen by now into the signal's value. */
  private showDue(): void {
    const due = this.due;
    if (due.length === 0 || !this.seen(due.at(0)!)) return;
    while (due.length > 0 && this.seen(due.at(0)!)) {
      due.shift();
      this.counted++;
    }
    this.signal.showDrawn(this.counted);
  }

  /** Watched from now: the counts kept and still to come become events at their times; one due now, in the phase its event would have run in (the first). */
  private scheduleDue(): void {
    this.showDue();
    const due = this.due;
    const kernel = this.kernel;
    while (due.length > 0) {
      const time = due.shift()!;
      if (time === kernel.now && kernel.phaseRanNow) this.countOne();
      else kernel.schedule(time - kernel.now, this.label, this.countOne);
    }
  }
}
