import { insertAt } from "./array-places.js";
import type { Kernel } from "./kernel.js";
import type { Command, Process } from "./process.js";

/**
 * One holder at a time, the others waiting in turn: `yield* mutex.acquire()`, then `mutex.release()`.
 * A waiter of a higher priority goes before those of a lower one, in turn within one (all 0: first come, first served).
 */
export class Mutex {
  private holder = false;
  private readonly waiting: { readonly process: Process; readonly priority: number }[] = [];
  /** The priority of the acquire about to wait: the kernel arms its command as soon as it yields. */
  private priority = 0;
  private readonly wait: Command;

  constructor(private readonly kernel: Kernel, description: string) {
    this.wait = { arm: (_scheduler, process) => this.enqueue(process, this.priority), describe: () => description };
  }

  *acquire(priority = 0): Generator<Command, void, unknown> {
    if (!this.holder) {
      this.holder = true;
      return;
    }
    // release() hands the mutex over to the first waiter.
    this.priority = priority;
    yield this.wait;
  }

  /** Whether someone holds it (others may be waiting). */
  get held(): boolean {
    return this.holder;
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) this.kernel.resumeAt(next.process, this.kernel.now);
    else this.holder = false;
  }

  private enqueue(process: Process, priority: number): void {
    const after = this.waiting.findIndex((waiting) => waiting.priority < priority);
    insertAt(this.waiting, after < 0 ? this.waiting.length : after, { process, priority });
  }
}
