import type { SimEvent } from "../../sim/sim-event.js";
import type { IpsecSa, Sadb } from "./sadb.js";

/**
 * Which SAs are in use: live (in the SADB, not being deleted), and how many packets hold each
 * (past their last liveness check, not yet posted to the base driver). A delete or an eviction
 * waits for an SA's holders before taking it out of the NIC and freeing its record.
 */
export class SaHolders {
  private readonly retiring = new Set<IpsecSa>();
  private readonly holders = new Map<IpsecSa, number>();
  private readonly awaited = new Set<IpsecSa>();

  constructor(private readonly sadb: Sadb, private readonly released: SimEvent) {}

  /** Whether an SA is in use: in the SADB, and not being deleted. */
  live(sa: IpsecSa): boolean {
    return !this.retiring.has(sa) && this.sadb.byRecord(sa.record) === sa;
  }

  /** The SA is being deleted: no new packet may take it. */
  retire(sa: IpsecSa): void {
    this.retiring.add(sa);
  }

  retired(sa: IpsecSa): void {
    this.retiring.delete(sa);
  }

  hold(sa: IpsecSa): void {
    this.holders.set(sa, (this.holders.get(sa) ?? 0) + 1);
  }

  release(sa: IpsecSa): void {
    const left = this.holders.get(sa)! - 1;
    if (left > 0) this.holders.set(sa, left);
    else {
      this.holders.delete(sa);
      if (this.awaited.has(sa)) this.released.fire();
    }
  }

  /** Until the packets already holding an SA are posted (one may be waiting for ring space with the SA's table handle). */
  *waitFor(sa: IpsecSa) {
    this.awaited.add(sa);
    while (this.holders.has(sa)) yield this.released;
    this.awaited.delete(sa);
  }
}
