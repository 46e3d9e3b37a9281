import type { Command, Process, ProcessScheduler } from "./process.js";

export interface EventHost extends ProcessScheduler {
  eventFired(event: SimEvent): void;
}

/** A process waiting for an event, and what must hold for a fire to resume it (null: any fire). */
interface Waiter {
  readonly process: Process;
  readonly ready: (() => boolean) | null;
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
  private waiters: Waiter[] = [];

  constructor(private readonly host: EventHost, readonly path: string) {}

  fire(): void {
    this.host.eventFired(this);
  }

  /** Called by the kernel when the phase of a fire commits: those waiting with a condition that does not hold keep waiting, in their places. */
  release(): void {
    this.fireCount++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (waiter.ready === null || waiter.ready()) this.host.resumeAt(waiter.process, this.host.now);
      else this.waiters.push(waiter);
    }
  }

  arm(_scheduler: ProcessScheduler, process: Process): void {
    this.waiters.push({ process, ready: null });
  }

  /**
   * Wait for the first fire after which `ready` holds (checked as the fire commits): a process
   * that would only wait again (one of many in a line, not yet its turn) is not resumed by every fire.
   */
  when(ready: () => boolean, description: string): Command {
    return {
      arm: (_scheduler, process) => {
        this.waiters.push({ process, ready });
      },
      describe: () => `event ${this.path}, ${description}`,
    };
  }

  describe(): string {
    return `event ${this.path}`;
  }
}
