import type { Kernel } from "./kernel.js";
import type { Command, Process } from "./process.js";

/** One holder at a time, the others waiting in turn: `yield* mutex.acquire()`, then `mutex.release()`. */
export class Mutex {
  private held = false;
  private readonly waiting: Process[] = [];
  private readonly wait: Command;

  constructor(private readonly kernel: Kernel, description: string) {
    this.wait = { arm: (_scheduler, process) => this.waiting.push(process), describe: () => description };
  }

  *acquire(): Generator<Command, void, unknown> {
    if (!this.held) {
      this.held = true;
      return;
    }
    // release() hands the mutex over to the first waiter.
    yield this.wait;
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) this.kernel.resumeAt(next, this.kernel.now);
    else this.held = false;
  }
}
