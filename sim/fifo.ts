/** The edge of an item that is an edge itself (Fifo.takeThrough). */
export const itsOwnEdge = (edge: number): number => edge;

/** The edge of an item told for one (Fifo.takeThrough). */
export const itsEdge = (item: { readonly edge: number }): number => item.edge;

/** What reading a list in order needs: an array or a Fifo (indexes from 0; an array's at() counts a negative one from its end). */
export interface InOrder<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/**
 * A first-in first-out list that drops its handled head in bulk rather than shifting per item:
 * V8's shift() moves every element of an array of up to 100, and splice at the front does at any
 * length (about 230 ns at 64, a descriptor cache's size, for a long-lived array of new objects).
 */
export class Fifo<T> implements InOrder<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** The item `index` places after the head (none for a negative index, which would reach items already taken). */
  at(index: number): T | undefined {
    return index >= 0 ? this.items[this.head + index] : undefined;
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

  /** Take the first `count` items (fewer if it holds fewer; none for a count below 1, as splice(0, count)). */
  take(count: number): T[] {
    const taken = this.items.slice(this.head, this.head + Math.max(0, count));
    this.head += taken.length;
    this.compact();
    return taken;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
  }

  /**
   * For a list kept in the order of the edges its items are for (work told ahead of its edge):
   * take the head items whose edge, `edgeOf`, is `through` or earlier, handing each to `each`;
   * returns how many were taken.
   */
  takeThrough(through: number, edgeOf: (item: T) => number, each?: (item: T) => void): number {
    let taken = 0;
    for (let item = this.at(0); item !== undefined && edgeOf(item) <= through; item = this.at(0)) {
      this.shift();
      each?.(item);
      taken++;
    }
    return taken;
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head++]!;
    this.compact();
    return item;
  }

  private compact(): void {
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
}
