import type { InjectionToken } from "../../sim/di.js";
import type { IpsecSa } from "./sadb.js";

/** The "not in table" message: an SA a packet needs is not in the NIC's table. */
export interface NotInTable {
  readonly direction: "tx" | "rx";
  readonly sa: IpsecSa;
  /** Free entries in that direction's table. */
  readonly freeEntries: number;
  readonly time: number;
}

/** Where a packet whose SA is not in the NIC's table is processed: install the SA and offload, or software. */
export interface SaPlacementPolicy {
  readonly name: string;
  decide(message: NotInTable): "install" | "software";
}

/** The simple default: install when an entry is free, otherwise process in software. */
export class InstallIfFree implements SaPlacementPolicy {
  readonly name = "install-if-free";

  decide(message: NotInTable): "install" | "software" {
    return message.freeEntries > 0 ? "install" : "software";
  }
}

export const SaPlacementPolicyToken: InjectionToken<SaPlacementPolicy> = Symbol("SaPlacementPolicy");
