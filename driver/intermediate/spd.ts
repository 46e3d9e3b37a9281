import type { AddressSpan } from "./identity.js";
import type { IpsecSa } from "./sadb.js";

export type SpdAction = { readonly kind: "protect"; readonly sa: IpsecSa } | { readonly kind: "bypass" } | { readonly kind: "discard" };

/** Selectors of an SPD entry (RFC 4301 4.4.1): inner addresses, protocol, destination ports. */
export interface SpdEntry {
  readonly name: string;
  readonly source: AddressSpan;
  readonly destination: AddressSpan;
  readonly protocol?: number;
  readonly destinationPorts?: readonly [number, number];
  readonly action: SpdAction;
}

export interface PacketSelectors {
  readonly source: bigint;
  readonly destination: bigint;
  readonly protocol: number;
  readonly destinationPort?: number;
}

/** The security policy database: ordered entries, the first that matches decides. */
export class Spd {
  private readonly entries: SpdEntry[] = [];

  add(entry: SpdEntry): void {
    if (entry.action.kind === "protect" && entry.action.sa.direction !== "outbound") throw new Error(`SPD entry '${entry.name}' protects with an inbound SA`);
    this.entries.push(entry);
  }

  /** Drop every entry that protects with this SA (it is being deleted). */
  removeFor(sa: IpsecSa): void {
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const action = this.entries[index]!.action;
      if (action.kind === "protect" && action.sa === sa) this.entries.splice(index, 1);
    }
  }

  /** Point every entry that protects with `old` at `fresh` (a rekey). */
  replace(old: IpsecSa, fresh: IpsecSa): void {
    this.entries.forEach((entry, index) => {
      if (entry.action.kind === "protect" && entry.action.sa === old) this.entries[index] = { ...entry, action: { kind: "protect", sa: fresh } };
    });
  }

  lookup(packet: PacketSelectors): SpdEntry | null {
    return (
      this.entries.find(
        (entry) =>
          packet.source >= entry.source.first &&
          packet.source <= entry.source.last &&
          packet.destination >= entry.destination.first &&
          packet.destination <= entry.destination.last &&
          (entry.protocol === undefined || entry.protocol === packet.protocol) &&
          (entry.destinationPorts === undefined ||
            (packet.destinationPort !== undefined && packet.destinationPort >= entry.destinationPorts[0] && packet.destinationPort <= entry.destinationPorts[1])),
      ) ?? null
    );
  }
}
