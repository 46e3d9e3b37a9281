import type { Random } from "../sim/random.js";
import { type EspSaParameters, espPacketBytes, spi } from "../sim/ipsec/esp.js";
import type { CapturedSa } from "../sim/ipsec/wireshark-esp-sa.js";
import { ipv4Address, IPV4_HEADER_BYTES, PROTOCOL_UDP } from "../sim/packet/ipv4.js";
import { ETHERNET_HEADER_BYTES } from "../sim/packet/ethernet.js";
import { INNER_PORT_BASE } from "../sim/packet/test-frames.js";
import { identity, subnetSpan } from "../driver/intermediate/identity.js";
import { matchHostDomain } from "../driver/intermediate/isakmp-profile.js";
import type { IntermediateDriver } from "../driver/intermediate/driver.js";
import type { IkeSa } from "../driver/intermediate/isadb.js";
import type { Selectors } from "../driver/intermediate/spd.js";
import type { PeerTunnel } from "./esp-peer.js";

export const HOST_GATEWAY = ipv4Address("192.0.2.1");
export const PEER_GATEWAY = ipv4Address("192.0.2.2");
/** Every customer uses the same inner addresses: only their IKE identities tell them apart (seed 001). */
export const INNER_SUBNET = "10.0.0.0/24";
export { INNER_PORT_BASE };

/** The Ethernet frame of a tunnel-mode ESP packet around an inner packet of `inner` bytes: outer IPv4, SPI and sequence, IV, trailer padded to 4 bytes, 16-byte ICV. */
export const tunnelFrameBytes = (inner: number, icvLength = 16) => ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + espPacketBytes(inner, icvLength);

export interface CustomerTunnel {
  readonly name: string;
  readonly trafficClass: number;
  readonly qosGroup: number;
}

/**
 * Configure the intermediate driver as the scenario's IPsec gateway: per customer an ISAKMP
 * profile matching its identity and setting its ipsec_qos_group, a class map entry, an IKE SA,
 * an outbound and an inbound ESP SA negotiated under it, and an SPD entry selecting the
 * customer's traffic by destination port. Returns the peer's side of each tunnel and every SA
 * for the esp_sa file.
 */
export function configureTunnels(intermediate: IntermediateDriver, customers: readonly CustomerTunnel[], random: Random): { peer: PeerTunnel[]; captured: CapturedSa[] } {
  const tunnels = new TunnelBuilder(intermediate, random);
  customers.forEach((customer) => {
    const domain = `${customer.name}.example`;
    intermediate.profiles.add({ name: customer.name, matches: [matchHostDomain(domain)], ipsecQosGroup: customer.qosGroup });
    intermediate.classMap.set(customer.qosGroup, customer.trafficClass);
    const ikeSa = intermediate.isadb.establish("192.0.2.2", identity("ID_FQDN", `gw.${domain}`));
    tunnels.add(ikeSa, customer.name, INNER_PORT_BASE + customer.trafficClass, customer.trafficClass);
  });
  intermediate.base.setQosClasses(intermediate.classMap);
  return { peer: tunnels.peer, captured: tunnels.captured };
}

/**
 * Negotiates ESP SA pairs under IKE SAs: an outbound and an inbound SA, and an SPD entry selecting
 * the tunnel's inner traffic (every customer's 10.0.0.0/24) by destination port.
 */
export class TunnelBuilder {
  readonly peer: PeerTunnel[] = [];
  readonly captured: CapturedSa[] = [];

  constructor(
    private readonly intermediate: IntermediateDriver,
    private readonly random: Random,
  ) {}

  /** Add a tunnel; returns its index (the peer's tunnel index) and its outbound and inbound SAs. */
  add(ikeSa: IkeSa, name: string, port: number, outerClass: number) {
    const index = this.peer.length;
    const keys = (): EspSaParameters["keyMaterial"] => this.random.bytes(20);
    const toPeer: EspSaParameters = { spi: spi(0x1000 + index), keyMaterial: keys(), icvLength: 16, esn: false };
    const toHost: EspSaParameters = { spi: spi(0x2000 + index), keyMaterial: keys(), icvLength: 16, esn: false };
    const selectors: Selectors = { source: subnetSpan(4, INNER_SUBNET), destination: subnetSpan(4, INNER_SUBNET), protocol: PROTOCOL_UDP, destinationPorts: [port, port] };
    const outbound = this.intermediate.sadb.negotiate(ikeSa, { direction: "outbound", parameters: toPeer, source: HOST_GATEWAY, destination: PEER_GATEWAY, selectors });
    const inbound = this.intermediate.sadb.negotiate(ikeSa, { direction: "inbound", parameters: toHost, source: PEER_GATEWAY, destination: HOST_GATEWAY, selectors });
    this.intermediate.spd.add({ name, ...selectors, action: { kind: "protect", sa: outbound } });
    this.peer.push({ inbound: toPeer, outbound: toHost, peerAddress: PEER_GATEWAY, hostAddress: HOST_GATEWAY, trafficClass: outerClass });
    this.captured.push({ sa: toPeer, source: HOST_GATEWAY, destination: PEER_GATEWAY }, { sa: toHost, source: PEER_GATEWAY, destination: HOST_GATEWAY });
    return { index, outbound, inbound };
  }
}
