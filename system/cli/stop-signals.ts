import { constants } from "node:os";
import { STOPPING_SIGNALS, type StoppingSignal } from "../serve/stop-request.js";

/** The exit status of a command a signal stopped, as a shell gives it: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitStatus(signal: StoppingSignal): number {
  return 128 + constants.signals[signal];
}

/** What a command does on the stopping signals: the first asks its runs to stop (`first`); a later one, when given, stops at once (`again`). */
export interface StopHandlers {
  readonly first: (signal: StoppingSignal) => void;
  readonly again?: (signal: StoppingSignal) => void;
}

/**
 * The stopping signals (SIGINT, SIGTERM, SIGHUP), heard for as long as a command runs: each command
 * keeps the first one heard, as its exit status says it, and decides what a second does.
 */
export class StopSignals {
  private received: StoppingSignal | null = null;
  private readonly listener = (signal: StoppingSignal): void => {
    if (this.received !== null) return this.handlers.again?.(signal);
    this.received = signal;
    this.handlers.first(signal);
  };

  constructor(private readonly handlers: StopHandlers) {
    for (const signal of STOPPING_SIGNALS) process.on(signal, this.listener);
  }

  /** The first signal heard, or null. */
  get signal(): StoppingSignal | null {
    return this.received;
  }

  /** No longer heard here: once the command's runs are over, a signal takes its default course. */
  release(): void {
    for (const signal of STOPPING_SIGNALS) process.off(signal, this.listener);
  }
}
