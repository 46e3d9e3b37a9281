/**
 * The live regions' starts and ends in address order, in typed arrays beside host memory's region
 * objects: the binary search made for every CPU access and every DMA request reads these. Among
 * 8,000 buffers' objects each probe was a load from somewhere else in the heap, and the search was
 * a twentieth of a 60-byte TX frame's wall time.
 */
export class RegionBounds {
  private starts = new Float64Array(64);
  private ends = new Float64Array(64);
  private count = 0;

  /** A region [start, end) goes in at `index` of the address order. */
  insert(index: number, start: number, end: number): void {
    if (this.count === this.starts.length) this.grow();
    this.starts.copyWithin(index + 1, index, this.count);
    this.ends.copyWithin(index + 1, index, this.count);
    this.starts[index] = start;
    this.ends[index] = end;
    this.count++;
  }

  remove(index: number): void {
    this.starts.copyWithin(index, index + 1, this.count);
    this.ends.copyWithin(index, index + 1, this.count);
    this.count--;
  }

  /** The index of the region holding [address, address + length), or -1: in none, or running past the one it starts in. */
  find(address: number, length: number): number {
    const starts = this.starts;
    const ends = this.ends;
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (address < starts[middle]!) high = middle - 1;
      else if (address >= ends[middle]!) low = middle + 1;
      else return address + length <= ends[middle]! ? middle : -1;
    }
    return -1;
  }

  private grow(): void {
    const starts = new Float64Array(this.starts.length * 2);
    const ends = new Float64Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
