/**
 * Counts packets that arrive behind one sent after them (reordering). A packet lost on the way
 * leaves a gap, which is not reordering: the packets after it are still in order.
 */
export class ArrivalOrder {
  private highest = -1;
  outOfOrder = 0;

  arrived(sequence: number): void {
    if (sequence < this.highest) this.outOfOrder++;
    else this.highest = sequence;
  }
}
