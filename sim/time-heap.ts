/** A binary min-heap of times: the edges members asked a clock domain to wake at. */
export class TimeHeap {
  private readonly times: number[] = [];

  get size(): number {
    return this.times.length;
  }

  peek(): number | undefined {
    return this.times[0];
  }

  push(time: number): void {
    const times = this.times;
    let index = times.length;
    times.push(time);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (times[parent]! <= time) break;
      times[index] = times[parent]!;
      index = parent;
    }
    times[index] = time;
  }

  /** Drop every time at or before `time`. */
  dropThrough(time: number): void {
    const times = this.times;
    while (times.length > 0 && times[0]! <= time) {
      const last = times.pop()!;
      if (times.length === 0) break;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= times.length) break;
        const right = left + 1;
        const child = right < times.length && times[right]! < times[left]! ? right : left;
        if (times[child]! >= last) break;
        times[index] = times[child]!;
        index = child;
      }
      times[index] = last;
    }
  }
}
