/** The signals that stop a served run, as they stop `nicsim run`: the exit status is 128 + the signal's number (130, 143). */
// SIGHUP too: a session that drops (ssh, a batch system) stops a run as Ctrl-C does, its files flushed and its keys written.
export const STOPPING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StoppingSignal = (typeof STOPPING_SIGNALS)[number];

/**
 * A stop asked of a served run from outside (Ctrl-C, SIGTERM): whoever serves the run listens for
 * it, and ends the run between two of the client's messages, flushing its files.
 */
export class StopRequest {
  private requested: StoppingSignal | null = null;
  private readonly listeners: Array<(signal: StoppingSignal) => void> = [];

  /** The signal that asked for the stop, or null. */
  get signal(): StoppingSignal | null {
    return this.requested;
  }

  /** Ask for the stop (once: a second request changes nothing here). */
  request(signal: StoppingSignal): void {
    if (this.requested !== null) return;
    this.requested = signal;
    for (const listener of this.listeners.splice(0)) listener(signal);
  }

  /** Hear the stop: at once if it was already asked for. */
  onRequest(listener: (signal: StoppingSignal) => void): void {
    if (this.requested !== null) listener(this.requested);
    else this.listeners.push(listener);
  }
}
