import { read32 } from "../../sim/bytes.js";
import { IPV4_HEADER_BYTES, PROTOCOL_UDP } from "../../sim/packet/ipv4.js";
import type { AddressSpan } from "./identity.js";
import type { IpsecSa } from "./sadb.js";

/** trap: to be protected by SAs IKE negotiates (RFC 4301's "acquire"); until then, and after they are deleted, its packets are dropped (NO_SA). */
export type SpdAction = { readonly kind: "protect"; readonly sa: IpsecSa } | { readonly kind: "trap" } | { readonly kind: "bypass" } | { readonly kind: "discard" };

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
  readonly sourcePort?: number;
}

/**
 * An IPv4 packet's selectors (a UDP packet's ports among them); null for one too short to hold its
 * header, or not IPv4. A fragment after the first has no ports (RFC 4301's OPAQUE: its bytes there
 * are data), so it matches no entry that selects by port.
 */
export function packetSelectors(packet: Uint8Array): PacketSelectors | null {
  if (packet.length < IPV4_HEADER_BYTES || packet[0]! >> 4 !== 4) return null;
  const protocol = packet[9]!;
  const headerLength = (packet[0]! & 0x0f) * 4;
  const fragmentOffset = ((packet[6]! & 0x1f) << 8) | packet[7]!;
  const ported = protocol === PROTOCOL_UDP && fragmentOffset === 0 && packet.length >= headerLength + 4;
  const source = BigInt(read32(packet, 12));
  const destination = BigInt(read32(packet, 16));
  if (!ported) return { source, destination, protocol };
  return { source, destination, protocol, sourcePort: (packet[headerLength]! << 8) | packet[headerLength + 1]!, destinationPort: (packet[headerLength + 2]! << 8) | packet[headerLength + 3]! };
}

/** What an entry selects by: its addresses, protocol and destination ports. */
export type Selectors = Pick<SpdEntry, "source" | "destination" | "protocol" | "destinationPorts">;

/** Whether an outbound packet falls under selectors. */
export function selects(selectors: Selectors, packet: PacketSelectors): boolean {
  return selectsFlow(selectors, packet.source, packet.destination, packet.protocol, packet.destinationPort);
}

/** Whether selectors hold a flow of these addresses, protocol and destination port: the fields taken one by one, so that the mirrored look makes no packet of its own (every packet received asks it). */
function selectsFlow(selectors: Selectors, source: bigint, destination: bigint, protocol: number, destinationPort: number | undefined): boolean {
  return (
    source >= selectors.source.first &&
    source <= selectors.source.last &&
    destination >= selectors.destination.first &&
    destination <= selectors.destination.last &&
    (selectors.protocol === undefined || selectors.protocol === protocol) &&
    (selectors.destinationPorts === undefined || (destinationPort !== undefined && destinationPort >= selectors.destinationPorts[0] && destinationPort <= selectors.destinationPorts[1]))
  );
}

/**
 * Whether an inbound packet falls under selectors written for the outbound direction: mirrored,
 * its source is their destination (RFC 4301 5.2), and their destination ports its source port; or,
 * as the model's tunnels select a flow by its destination port both ways, its own destination port.
 */
export function selectsInbound(selectors: Selectors, packet: PacketSelectors): boolean {
  return selectsFlow(selectors, packet.destination, packet.source, packet.protocol, packet.sourcePort) || selectsFlow(selectors, packet.destination, packet.source, packet.protocol, packet.destinationPort);
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

  /** Point the entry with exactly these selectors (a trap, or one a rekey moves on) at `sa`; false when there is none. */
  protect(selectors: Omit<SpdEntry, "name" | "action">, sa: IpsecSa): boolean {
    const same = (a: AddressSpan, b: AddressSpan) => a.family === b.family && a.first === b.first && a.last === b.last;
    const index = this.entries.findIndex(
      (entry) =>
        (entry.action.kind === "trap" || entry.action.kind === "protect") &&
        same(entry.source, selectors.source) &&
        same(entry.destination, selectors.destination) &&
        entry.protocol === selectors.protocol &&
        entry.destinationPorts?.[0] === selectors.destinationPorts?.[0] &&
        entry.destinationPorts?.[1] === selectors.destinationPorts?.[1],
    );
    if (index < 0) return false;
    this.entries[index] = { ...this.entries[index]!, action: { kind: "protect", sa } };
    return true;
  }

  /** Every entry that protects with this SA goes back to a trap: IKE must negotiate again before its packets pass. */
  trap(sa: IpsecSa): void {
    this.entries.forEach((entry, index) => {
      if (entry.action.kind === "protect" && entry.action.sa === sa) this.entries[index] = { ...entry, action: { kind: "trap" } };
    });
  }

  lookup(packet: PacketSelectors): SpdEntry | null {
    for (const entry of this.entries) if (selects(entry, packet)) return entry;
    return null;
  }

  /** The entry deciding an inbound packet that came in the clear (RFC 4301 5.2 step 3a): the first whose selectors, mirrored, hold it. */
  lookupInbound(packet: PacketSelectors): SpdEntry | null {
    for (const entry of this.entries) if (selectsInbound(entry, packet)) return entry;
    return null;
  }
}
