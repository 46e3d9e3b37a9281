/**
 * Start-time fair queueing (Goyal, Vin and Cheng, 1996) over a scheduler's queues: each queue's
 * virtual finish, the cost it was served divided by its weight, and the virtual time, the start
 * of the frame served last. The queue whose next frame starts first in virtual time goes, so
 * backlogged queues share what the bottleneck carries in proportion to their weights, whatever
 * their frame sizes, and a queue that was idle comes back at the virtual time, with no credit
 * saved up. Only a charge moves the tags: a pick whose frame then waits (for reads, for room)
 * changes nothing, so how often a block asks cannot change whose turn it is.
 */
export class StartTimeFairQueue {
  private readonly finish: number[];
  private virtualTime = 0;
  /** Where ties are broken from: the queue after the one served last, in round-robin order. */
  private next = 0;

  constructor(private readonly queues: number) {
    this.finish = new Array<number>(queues).fill(0);
  }

  /** Of the queues `eligible` admits, the one whose next frame starts first in virtual time (ties: the first in round-robin order); -1 if none. */
  pick(eligible: (queue: number) => boolean): number {
    let winner = -1;
    let winnerStart = Infinity;
    for (let step = 0; step < this.queues; step++) {
      const queue = (this.next + step) % this.queues;
      if (!eligible(queue)) continue;
      const start = Math.max(this.finish[queue]!, this.virtualTime);
      if (start < winnerStart) {
        winner = queue;
        winnerStart = start;
      }
    }
    return winner;
  }

  /** The queue was served `cost` at `weight` (a negative cost: given back, its finish moved back by as much). */
  charge(queue: number, cost: number, weight: number): void {
    if (cost <= 0) {
      this.finish[queue] = this.finish[queue]! + cost / weight;
      return;
    }
    const start = Math.max(this.finish[queue]!, this.virtualTime);
    this.finish[queue] = start + cost / weight;
    this.virtualTime = start;
    this.next = (queue + 1) % this.queues;
  }

  /** The queue's weight changed: its lead over the virtual time, counted at the old weight, is counted at the new one. */
  reweigh(queue: number, oldWeight: number, newWeight: number): void {
    const lead = this.finish[queue]! - this.virtualTime;
    // Unchanged, it is left alone: lead × w / w need not give lead back to the last bit.
    if (lead > 0 && oldWeight !== newWeight) this.finish[queue] = this.virtualTime + (lead * oldWeight) / newWeight;
  }
}
