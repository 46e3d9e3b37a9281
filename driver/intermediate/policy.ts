import type { InjectionToken } from "../../sim/di.js";
import type { IpsecSa } from "./sadb.js";

/** The "not in table" message: an SA a packet needs is not in the NIC's table. */
export interface NotInTable {
  readonly direction: "tx" | "rx";
  readonly sa: IpsecSa;
  /** Free entries in that direction's table, and the SAs cached in it. */
  readonly freeEntries: number;
  readonly cached: readonly IpsecSa[];
  readonly time: number;
}

/** Where a packet whose SA is not in the NIC's table is processed: install its SA (replacing a cached one), or software. */
export type PlacementDecision = "software" | "install" | { readonly replace: IpsecSa };

export interface SaPlacementPolicy {
  readonly name: string;
  decide(message: NotInTable): PlacementDecision;
  /** Every packet of an SA on either path (a metric policy counts them). */
  packet?(sa: IpsecSa, bytes: number, time: number): void;
  /** The SA was added to the NIC's table. */
  installed?(sa: IpsecSa, time: number): void;
}

/** The simple default: install when an entry is free, otherwise process in software. */
export class InstallIfFree implements SaPlacementPolicy {
  readonly name = "install-if-free";

  decide(message: NotInTable): PlacementDecision {
    return message.freeEntries > 0 ? "install" : "software";
  }
}

export const SaPlacementPolicyToken: InjectionToken<SaPlacementPolicy> = Symbol("SaPlacementPolicy");
