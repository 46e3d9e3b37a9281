import type { SimEvent } from "../../sim/sim-event.js";

/**
 * Packets of one SA reach the ring in the order of their sequence numbers, though the host's
 * cores encrypt them in parallel: each takes a ticket with its sequence number and posts only on
 * its turn. A ticket abandoned (the SA deleted or evicted meanwhile) is given up, not posted.
 */
export class SendOrder<K> {
  private readonly lanes = new Map<K, { issued: number; next: number; finished: Set<number> }>();

  constructor(private readonly advanced: SimEvent) {}

  take(key: K): number {
    const lane = this.lanes.get(key) ?? { issued: 0, next: 0, finished: new Set<number>() };
    this.lanes.set(key, lane);
    return lane.issued++;
  }

  /** Until every ticket before this one is posted or given up. */
  *turn(key: K, ticket: number) {
    const lane = this.lanes.get(key)!;
    // Woken only once it is its turn: every packet of every SA waiting its turn was woken whenever any SA's lane moved on (from a performance check).
    if (lane.next !== ticket) yield this.advanced.when(() => lane.next === ticket, `ticket ${ticket}'s turn`);
  }

  /** The ticket's packet is posted, or given up. */
  done(key: K, ticket: number): void {
    const lane = this.lanes.get(key)!;
    lane.finished.add(ticket);
    const before = lane.next;
    while (lane.finished.delete(lane.next)) lane.next++;
    if (lane.next !== before) this.advanced.fire();
    if (lane.next === lane.issued) this.lanes.delete(key);
  }
}
