import type { AesGcmBackend } from "../sim/crypto/backend.js";
import { EspInbound, type EspDropReason, EspOutbound, type EspSaParameters } from "../sim/ipsec/esp.js";
import { read32 } from "../sim/bytes.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, ethernetFrame, etherType, macAddress } from "../sim/packet/ethernet.js";
import { type Ipv4Address, PROTOCOL_ESP } from "../sim/packet/ipv4.js";
import { tunnelEncapsulate } from "../sim/ipsec/modes.js";
import type { ReceivedFrame, RemotePeer } from "../hw/link/peer.js";
import { DropCounter } from "../sim/stats/drop-counter.js";
import { classDscp } from "../sim/packet/dscp.js";

export interface PeerTunnel {
  /** The peer's end of host-to-peer traffic. */
  readonly inbound: EspSaParameters;
  /** The peer's end of peer-to-host traffic. */
  readonly outbound: EspSaParameters;
  readonly peerAddress: Ipv4Address;
  readonly hostAddress: Ipv4Address;
  readonly trafficClass: number;
}

/**
 * The remote IPsec gateway: it decrypts the ESP the host sends and encrypts what it sends back,
 * with its own copies of the SAs (the other end of each), through the same ESP code.
 */
export class EspPeer {
  readonly drops = new DropCounter<EspDropReason | "UNKNOWN_SPI">();
  onDeliver: (packet: Uint8Array, frame: ReceivedFrame) => void = () => {};
  private readonly inbound = new Map<number, EspInbound>();
  private readonly outbound: EspOutbound[];

  constructor(private readonly peer: RemotePeer, backend: AesGcmBackend, private readonly tunnels: readonly PeerTunnel[]) {
    for (const tunnel of tunnels) this.inbound.set(tunnel.inbound.spi, new EspInbound(backend, tunnel.inbound));
    this.outbound = tunnels.map((tunnel) => new EspOutbound(backend, tunnel.outbound));
    peer.onReceive = (frame) => this.receive(frame);
  }

  /** Accept packets under an additional inbound SA (the other end of a rekey). */
  addInbound(parameters: EspSaParameters, backend: AesGcmBackend): void {
    this.inbound.set(parameters.spi, new EspInbound(backend, parameters));
  }

  /** Send tunnel `index`'s packets under a new SA from now on (the other end of an inbound rekey). */
  replaceOutbound(index: number, parameters: EspSaParameters, backend: AesGcmBackend): void {
    this.outbound[index] = new EspOutbound(backend, parameters);
  }

  /** Encrypt an inner IPv4 packet in tunnel `index` and send it to the host; returns when its last bit leaves. */
  send(index: number, inner: Uint8Array): number {
    return this.peer.send(this.frame(index, inner));
  }

  /** The Ethernet frame that carries an inner packet through tunnel `index` (its ESP sequence number taken). */
  frame(index: number, inner: Uint8Array): Uint8Array {
    const tunnel = this.tunnels[index]!;
    const outer = tunnelEncapsulate(this.outbound[index]!, inner, { source: tunnel.peerAddress, destination: tunnel.hostAddress, dscp: classDscp(tunnel.trafficClass) });
    return ethernetFrame(macAddress("02:00:00:00:00:01"), macAddress("02:00:00:00:00:02"), outer);
  }

  private receive(frame: ReceivedFrame): void {
    if (etherType(frame.bytes) !== ETHERTYPE_IPV4) return;
    const outer = frame.bytes.subarray(ETHERNET_HEADER_BYTES);
    if (outer[9] !== PROTOCOL_ESP) return;
    const esp = outer.subarray((outer[0]! & 0x0f) * 4, (outer[2]! << 8) | outer[3]!);
    const inbound = this.inbound.get(read32(esp, 0));
    if (!inbound) return this.drop("UNKNOWN_SPI", frame.bytes);
    const result = inbound.decapsulate(esp);
    if (result.kind === "dropped") return this.drop(result.reason, frame.bytes);
    this.onDeliver(result.payload, frame);
  }

  private drop(reason: EspDropReason | "UNKNOWN_SPI", frame: Uint8Array): void {
    this.drops.count(reason, { frame });
  }
}
