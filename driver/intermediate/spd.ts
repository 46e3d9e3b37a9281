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
