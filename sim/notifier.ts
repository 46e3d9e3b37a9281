import type { Kernel } from "./kernel.js";
import type { Command, Process } from "./process.js";

/**
 * Wakes the processes waiting on it, all at once, when told something changed: each looks again at
 * what it waits for. Unlike a SimEvent it leaves nothing in the waveform, so a model can keep one
 * per queue for waits of its own bookkeeping.
 */
export class Notifier {
  private waiters: Process[] = [];
  /** `yield notifier.next`: until the next notify(). */
  readonly next: Command;

  constructor(
    private readonly kernel: Kernel,
    description: string,
  ) {
    this.next = {
      arm: (_scheduler, process) => {
        this.waiters.push(process);
      },
      describe: () => description,
    };
  }

  notify(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const process of waiters) this.kernel.resumeAt(process, this.kernel.now);
  }
}
