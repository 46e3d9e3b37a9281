/**
 * Binary heap of timed entries. Ties at one time are broken by insertion sequence, so the
 * order in which simultaneous entries run never depends on heap layout.
 */
export interface QueueEntry {
  time: number;
  sequence: number;
}

export class EventQueue<T extends QueueEntry> {
  private readonly heap: T[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The sequence number the next pushed entry will get; entries below it were queued earlier. */
  get sequenceMark(): number {
    return this.nextSequence;
  }

  peekTime(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0]!.time;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(entry: Omit<T, "sequence"> & { sequence?: number }): T {
    const item = entry as T;
    item.sequence = this.nextSequence++;
    const heap = this.heap;
    let index = heap.length;
    heap.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = item;
    return item;
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
