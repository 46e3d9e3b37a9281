import { Fifo } from "../../sim/fifo.js";
import { type Due, DueSource, handledBefore } from "./request.js";

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
