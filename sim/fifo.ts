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
 * Its items lie between `head` and `tail` of an array it reuses: emptied, it starts again at slot
 * 0 rather than truncate the array (a runtime call in V8: a push and a shift that emptied it took
 * 60 ns, 11 now, and truncation was 1.5 % of a 60-byte RX frame's wall time). A slot taken is
 * set to undefined, so that the list keeps no item it has handed out.
 */
export class Fifo<T> implements InOrder<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private tail = 0;

  get length(): number {
    return this.tail - this.head;
  }

  /** The item `index` places after the head (none for a negative index, which would reach items already taken). */
  at(index: number): T | undefined {
    return index >= 0 && index < this.tail - this.head ? this.items[this.head + index] : undefined;
  }

  push(item: T): void {
    if (this.tail < this.items.length) this.items[this.tail] = item;
    else this.items.push(item);
    this.tail++;
  }

  /** Insert keeping the list sorted: `before(a, b)` says a goes first; equal items keep their arrival order. */
  insertSorted(item: T, before: (first: T, second: T) => boolean): void {
    const items = this.items;
    let index = this.tail;
    while (index > this.head && before(item, items[index - 1]!)) index--;
    // The slots from the insertion to the tail move up one, into the free slot at the tail (or a new one).
    if (this.tail === items.length) items.push(undefined);
    items.copyWithin(index + 1, index, this.tail);
    items[index] = item;
    this.tail++;
  }

  /** Take the first `count` items (fewer if it holds fewer; none for a count below 1, as splice(0, count)). */
  take(count: number): T[] {
    // slice() cuts a fraction off the count (and takes nothing for NaN), as splice(0, count) does: the head moves by what it took.
    const taken = this.items.slice(this.head, Math.min(this.tail, this.head + Math.max(0, count))) as T[];
    this.items.fill(undefined, this.head, this.head + taken.length);
    this.head += taken.length;
    this.compact();
    return taken;
  }

  clear(): void {
    this.items.fill(undefined, this.head, this.tail);
    this.head = 0;
    this.tail = 0;
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
    if (this.head === this.tail) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined;
    this.compact();
    return item;
  }

  /** Emptied, back to slot 0; a long run of taken slots ahead of a few items moves them down. */
  private compact(): void {
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tail) {
      this.items.copyWithin(0, this.head, this.tail);
      this.items.fill(undefined, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }
}
