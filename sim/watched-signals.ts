import { type AnySignal, watchChanges } from "./signal.js";

/**
 * Whether any of a block's signals is watched (in the waveform's window, or waited on). A block
 * asks on every run, and skips edges that would only draw them while none is: worked out again
 * only after some signal's watched changed (watchChanges), not signal by signal on every ask.
 */
export class WatchedSignals {
  private asOf = -1;
  private answer = false;

  constructor(readonly signals: readonly AnySignal[]) {}

  get any(): boolean {
    if (this.asOf === watchChanges.count) return this.answer;
    this.asOf = watchChanges.count;
    this.answer = this.signals.some((signal) => signal.watched);
    return this.answer;
  }
}
