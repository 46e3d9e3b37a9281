/** A binary min-heap of times, each with who asked for it: the edges members asked a clock domain to wake at. */
export class TimeHeap<Owner> {
  private readonly times: number[] = [];
  private readonly owners: Owner[] = [];

  get size(): number {
    return this.times.length;
  }

  peek(): number | undefined {
    return this.times[0];
  }

  push(time: number, owner: Owner): void {
    const times = this.times;
    const owners = this.owners;
    let index = times.length;
    times.push(time);
    owners.push(owner);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (times[parent]! <= time) break;
      times[index] = times[parent]!;
      owners[index] = owners[parent]!;
      index = parent;
    }
    times[index] = time;
    owners[index] = owner;
  }

  /** Drop every time at or before `time`, handing each one's owner to `served` if given. */
  dropThrough(time: number, served?: (owner: Owner) => void): void {
    const times = this.times;
    const owners = this.owners;
    while (times.length > 0 && times[0]! <= time) {
      served?.(owners[0]!);
      const last = times.pop()!;
      const lastOwner = owners.pop()!;
      if (times.length === 0) break;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= times.length) break;
        const right = left + 1;
        const child = right < times.length && times[right]! < times[left]! ? right : left;
        if (times[child]! >= last) break;
        times[index] = times[child]!;
        owners[index] = owners[child]!;
        index = child;
      }
      times[index] = last;
      owners[index] = lastOwner;
    }
  }
}
