import type { Command, Process, ProcessScheduler } from "./process.js";

export interface EventHost extends ProcessScheduler {
  eventFired(event: SimEvent): void;
}

/**
 * A named occurrence that processes wait for by yielding it. Like a signal it is two-phase: a
 * fire takes effect when the phase commits, and resumes every process waiting by then (also one
 * that began waiting later in the same phase), in the next delta cycle. Traced as a VCD `event`.
 */
export class SimEvent implements Command {
  traceIndex = -1;
  fireCount = 0;
  /** Phase of the last fire, so that several fires in one phase count once. */
  firePhase = -1;
  private waiters: Process[] = [];

  constructor(private readonly host: EventHost, readonly path: string) {}

  fire(): void {
    this.host.eventFired(this);
  }

  /** Called by the kernel when the phase of a fire commits. */
  release(): void {
    this.fireCount++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const process of waiters) this.host.resumeAt(process, this.host.now);
  }

  arm(_scheduler: ProcessScheduler, process: Process): void {
    this.waiters.push(process);
  }

  describe(): string {
    return `event ${this.path}`;
  }
}
