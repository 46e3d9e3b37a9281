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
  /** Items pushed and taken so far, and the processes waiting for the consumer to have taken all pushed before they began to wait. */
  private pushed = 0;
  private taken = 0;
  private drainWaiters: { readonly process: Process; readonly until: number }[] = [];

  constructor(private readonly kernel: Kernel, private readonly description: string) {
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

  /** The items waiting to be taken, oldest first. */
  get waiting(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    this.items.push(item);
    this.pushed++;
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    this.kernel.resumeAt(waiter, this.kernel.now);
  }

  *take(): Generator<Command, T, unknown> {
    while (this.items.length === 0) yield this.wait;
    return this.handedOver(this.items.shift()!);
  }

  /** Take the waiting item at `index` (of `waiting`) now, out of turn: for a consumer that lets an urgent one go first (drained() counts items, so a mailbox someone waits to drain is taken in turn). */
  takeAt(index: number): T {
    if (!(index >= 0 && index < this.items.length)) throw new RangeError(`${this.description}: no item waiting at ${index} (${this.items.length} waiting)`);
    return this.handedOver(this.items.splice(index, 1)[0]!);
  }

  /** An item taken: those waiting for the consumer to have taken so many go on. */
  private handedOver(item: T): T {
    this.taken++;
    if (this.drainWaiters.length > 0) {
      const taken = this.taken;
      for (const waiter of this.drainWaiters) if (waiter.until <= taken) this.kernel.resumeAt(waiter.process, this.kernel.now);
      this.drainWaiters = this.drainWaiters.filter((waiter) => waiter.until > taken);
    }
    return item;
  }

  /** Wait until the consumer has taken every item pushed so far: those pushed meanwhile are not waited for. */
  *drained(): Generator<Command, void, unknown> {
    const until = this.pushed;
    if (this.taken >= until) return;
    yield {
      arm: (_scheduler, process) => {
        this.drainWaiters.push({ process, until });
      },
      describe: () => `${this.description}: the ${until - this.taken} item(s) held when the wait began taken`,
    };
  }
}
