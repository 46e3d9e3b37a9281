import { type Due, DueSource, handledBefore } from "./request.js";

/** A first-in first-out list that drops its handled head in bulk rather than shifting per item. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The item `index` places after the head. */
  at(index: number): T | undefined {
    return this.items[this.head + index];
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Insert keeping the list sorted: `before(a, b)` says a goes first; equal items keep their arrival order. */
  insertSorted(item: T, before: (first: T, second: T) => boolean): void {
    const items = this.items;
    let index = items.length;
    while (index > this.head && before(item, items[index - 1]!)) index--;
    if (index === items.length) items.push(item);
    else items.splice(index, 0, item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++]!;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * The completions the DMA engine has scheduled, in three lists each already in handling order:
 * unmapped errors and write landings are scheduled in time order, read pieces are sorted on
 * insertion (a timed-out piece completes long after the pieces issued after it).
 */
export class DueQueues {
  readonly reads = new Fifo<Due>();
  readonly writes = new Fifo<Due>();
  readonly unmapped = new Fifo<Due>();
  private readonly lists = [this.unmapped, this.reads, this.writes];

  add(due: Due): void {
    if (due.source === DueSource.read) this.reads.insertSorted(due, (first, second) => first.time < second.time);
    else if (due.source === DueSource.write) this.writes.push(due);
    else this.unmapped.push(due);
  }

  /** The first edge after `edge` on which a scheduled completion is handled. */
  nextReadyEdge(edge: number, period: number): number {
    let ready = Infinity;
    for (const list of this.lists) {
      const head = list.at(0);
      if (head && head.time < ready) ready = head.time;
    }
    return ready === Infinity ? Infinity : Math.max(ready, edge + period);
  }

  /** The next completion handled on the edge at `time`, in handling order, or null. */
  takeReady(time: number): Due | null {
    let best: Fifo<Due> | null = null;
    for (const list of this.lists) {
      const head = list.at(0);
      if (!head || head.time > time) continue;
      if (best === null || handledBefore(head, best.at(0)!)) best = list;
    }
    return best ? best.shift()! : null;
  }
}
