import type { Kernel } from "./kernel.js";
import type { Command, Process } from "./process.js";

/**
 * Items handed to one consuming process in order: `yield* mailbox.take()` waits for the next.
 * Unlike a SimEvent it leaves nothing in the waveform, so a model can keep one per SA or socket.
 */
export class Mailbox<T> {
  private readonly items: T[] = [];
  private waiter: Process | null = null;
  private readonly wait: Command;

  constructor(private readonly kernel: Kernel, description: string) {
    this.wait = {
      arm: (_scheduler, process) => {
        this.waiter = process;
      },
      describe: () => description,
    };
  }

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    this.kernel.resumeAt(waiter, this.kernel.now);
  }

  *take(): Generator<Command, T, unknown> {
    while (this.items.length === 0) yield this.wait;
    return this.items.shift()!;
  }
}
