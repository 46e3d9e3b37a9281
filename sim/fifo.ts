/** A first-in first-out list that drops its handled head in bulk rather than shifting per item. */
export class Fifo<T> {
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
