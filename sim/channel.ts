interface Host {
  readonly now: number;
  readonly phase: number;
}

/** Whoever takes from a channel, woken by each push: a clock domain, or a member that knows which edge it needs. */
export interface ChannelConsumer {
  wakeAfter(time: number): void;
}

/**
 * A FIFO between components, two-phase like a signal: an item pushed in one phase can be taken
 * from the next phase on, so whether the consumer evaluates before or after the producer in a
 * phase never changes what it sees. A push wakes the consumer's clock domain for its first edge
 * after now: an edge at now runs in the pushing phase, too early to take the item.
 */
export class Channel<T> {
  /** Taken slots are cleared: a frame taken must not stay reachable (with the slab it lies in) until the next compaction. */
  private readonly items: (T | undefined)[] = [];
  private readonly phases: number[] = [];
  private head = 0;

  constructor(private readonly host: Host, public consumer: ChannelConsumer | null = null) {}

  push(item: T): void {
    this.items.push(item);
    this.phases.push(this.host.phase);
    this.consumer?.wakeAfter(this.host.now);
  }

  /** Whether an item pushed in an earlier phase is waiting. */
  get ready(): boolean {
    return this.head < this.items.length && this.phases[this.head]! < this.host.phase;
  }

  /** Items waiting, including those pushed in this phase. */
  get length(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.ready ? this.items[this.head] : undefined;
  }

  take(): T | undefined {
    if (!this.ready) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.phases.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}
