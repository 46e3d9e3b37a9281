import type { InjectionToken } from "../../sim/di.js";
import type { CostModel } from "../caching/metric-policy.js";
import type { IpsecSa } from "./sadb.js";

/** The "not in table" message: an SA a packet needs is not in the NIC's table. */
export interface NotInTable {
  readonly direction: "tx" | "rx";
  readonly sa: IpsecSa;
  /** Free entries in that direction's table, and the SAs cached in it. */
  readonly freeEntries: number;
  readonly cached: readonly IpsecSa[];
  readonly time: number;
  /** What an install and a packet on either path cost the host now (the driver's parameters, and the packet sizes seen so far). */
  readonly costs: CostModel;
}

/** Where a packet whose SA is not in the NIC's table is processed: install its SA (replacing a cached one), or software. */
export type PlacementDecision = "software" | "install" | { readonly replace: IpsecSa };

/** What a periodic look at one direction of the table sees: the SAs not cached that could be, beside what a message holds. */
export interface TableView extends Omit<NotInTable, "sa"> {
  readonly uncached: readonly IpsecSa[];
}

/** A periodic decision: cache `install`, in a free entry or in place of `replace`. */
export interface PeriodicDecision {
  readonly install: IpsecSa;
  readonly replace: IpsecSa | null;
}

export interface SaPlacementPolicy {
  readonly name: string;
  decide(message: NotInTable): PlacementDecision;
  /** The driver received a new SA (negotiated, added, or the new SA of a rekey). */
  received?(sa: IpsecSa, time: number): void;
  /** Every packet of an SA on either path (a metric policy counts them). */
  packet?(sa: IpsecSa, bytes: number, time: number): void;
  /** The SA was added to the NIC's table. */
  installed?(sa: IpsecSa, time: number): void;
  /** The SA is gone (deleted, or replaced by a rekey): whatever the policy kept about it goes too. */
  forget?(sa: IpsecSa): void;
  /** Picoseconds between periodic looks at the table (0 or absent: none). */
  readonly period?: number;
  /** Look at one direction of the table, traffic or not: an SA to cache now, or null. */
  periodic?(view: TableView): PeriodicDecision | null;
}

/** The simple default: install when an entry is free, otherwise process in software. */
export class InstallIfFree implements SaPlacementPolicy {
  readonly name = "install-if-free";

  decide(message: NotInTable): PlacementDecision {
    return message.freeEntries > 0 ? "install" : "software";
  }
}

export const SaPlacementPolicyToken: InjectionToken<SaPlacementPolicy> = Symbol("SaPlacementPolicy");
