import { type Command, Process, type ProcessScheduler } from "./process.js";

export interface EventHost extends ProcessScheduler {
  eventFired(event: SimEvent): void;
}

/** A process waiting for an event with a condition: a fire resumes it only once that holds. */
interface ConditionalWaiter {
  readonly process: Process;
  readonly ready: () => boolean;
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
  /** In the order they began waiting; a process waiting for any fire is held as itself (no object per wait: events are waited on per frame). */
  private waiters: (Process | ConditionalWaiter)[] = [];

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
      if (waiter instanceof Process) this.host.resumeAt(waiter, this.host.now);
      else if (waiter.ready()) this.host.resumeAt(waiter.process, this.host.now);
      else this.waiters.push(waiter);
    }
  }

  arm(_scheduler: ProcessScheduler, process: Process): void {
    this.waiters.push(process);
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
