import type { AesGcmBackend } from "../sim/crypto/backend.js";
import { EspInbound, type EspDropReason, EspOutbound, type EspSaParameters } from "../sim/ipsec/esp.js";
import { read32 } from "../sim/bytes.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType, HOST_MAC, PEER_MAC, writeEthernetHeader } from "../sim/packet/ethernet.js";
import { type Ipv4Address, ipv4Payload, PROTOCOL_ESP } from "../sim/packet/ipv4.js";
import { tunnelEncapsulate } from "../sim/ipsec/modes.js";
import type { ReceivedFrame, RemotePeer } from "../hw/link/peer.js";
import { DropCounter } from "../sim/stats/drop-counter.js";
import { classDscp } from "../sim/packet/dscp.js";
import { tunnelFrameBytes } from "./ipsec-setup.js";

/** Why the gateway dropped a packet: the ESP checks of what it received, or one it could not send (no SA; its output queue full). */
export type GatewayDropReason = EspDropReason | "UNKNOWN_SPI" | "NO_SA" | "QUEUE_FULL" | "POLICED";

export interface PeerTunnel {
  /** The peer's end of host-to-peer traffic. */
  readonly inbound: EspSaParameters;
  /** The peer's end of peer-to-host traffic. */
  readonly outbound: EspSaParameters;
  readonly peerAddress: Ipv4Address;
  readonly hostAddress: Ipv4Address;
  readonly trafficClass: number;
  /** The outbound SA's hard lifetime in ESP bytes (SPI to ICV, as the host counts them): the tunnel stops sending under it once that many have gone, and says so. */
  readonly hardLifetime?: { readonly bytes: number; readonly reached: () => void };
  /** Its soft lifetime, less: said once, as the outbound SA has carried that many. */
  readonly softLifetime?: { readonly bytes: number; readonly reached: () => void };
}

/**
 * The remote IPsec gateway: it decrypts the ESP the host sends and encrypts what it sends back,
 * with its own copies of the SAs (the other end of each), through the same ESP code.
 */
export class EspPeer {
  readonly drops = new DropCounter<GatewayDropReason>();
  onDeliver: (packet: Uint8Array, frame: ReceivedFrame) => void = () => {};
  /** A packet for a tunnel with no SA, dropped: IKE may negotiate one, as a trap in the gateway's SPD would have it do (an acquire). */
  onNoSa: (index: number) => void = () => {};
  /** Frames that are not ESP (IKE's UDP 500 among them): the gateway's other protocols. */
  onOther: (frame: ReceivedFrame) => void = () => {};
  /** An ESP frame under an SPI no inbound SA has (dropped, UNKNOWN_SPI). */
  onUnknownSpi: (spi: number, frame: ReceivedFrame) => void = () => {};
  private readonly inbound = new Map<number, EspInbound>();
  /** Each tunnel's end now; null until IKE has negotiated its SAs, or after they were deleted. */
  private readonly tunnels: (PeerTunnel | null)[] = [];
  private readonly outbound: (EspOutbound | null)[] = [];
  /** ESP bytes each tunnel's outbound SA has carried, against its hard lifetime. */
  private readonly carried: number[] = [];
  /** ESP bytes that arrived under each inbound SA, and the tunnel (one with a hard lifetime) whose pair it is now. */
  private readonly arrived = new Map<number, number>();
  private readonly tunnelOfInbound = new Map<number, number>();

  constructor(private readonly peer: RemotePeer, private readonly backend: AesGcmBackend, tunnels: readonly PeerTunnel[]) {
    for (const tunnel of tunnels) this.setTunnel(this.addTunnel(), tunnel);
    peer.onReceive = (frame) => this.receive(frame);
  }

  /** A tunnel with no SAs yet (IKE will negotiate them): returns its index. */
  addTunnel(): number {
    this.tunnels.push(null);
    this.outbound.push(null);
    this.carried.push(0);
    return this.tunnels.length - 1;
  }

  /** Tunnel `index` sends and takes under these SAs from now on; the SAs it had still take what is on its way under them, until removed, and its outbound SA may be resumed. */
  setTunnel(index: number, tunnel: PeerTunnel): void {
    const before = this.tunnels[index];
    if (before) this.tunnelOfInbound.delete(before.inbound.spi);
    if (before && this.outbound[index] && before.outbound.spi !== tunnel.outbound.spi) this.superseded.set(before.outbound.spi, { tunnel: before, outbound: this.outbound[index]!, carried: this.carried[index]! });
    this.tunnels[index] = tunnel;
    if (tunnel.hardLifetime !== undefined) this.tunnelOfInbound.set(tunnel.inbound.spi, index);
    // An inbound SA taken up early (a Quick Mode responder's, at QM2) keeps its replay window.
    if (!this.inbound.has(tunnel.inbound.spi)) this.inbound.set(tunnel.inbound.spi, new EspInbound(this.backend, tunnel.inbound));
    this.outbound[index] = new EspOutbound(this.backend, tunnel.outbound);
    this.carried[index] = 0;
  }

  /** Outbound SAs a tunnel sent under before its latest pair, as they were, by SPI: until forgotten (their pair deleted), a tunnel may go back to one. */
  private readonly superseded = new Map<number, { readonly tunnel: PeerTunnel; readonly outbound: EspOutbound; readonly carried: number }>();

  /** Tunnel `index` sends under an outbound SA it had before, from the sequence number it had reached: false when it has no such SA. */
  resume(index: number, outboundSpi: number): boolean {
    const kept = this.superseded.get(outboundSpi);
    if (kept === undefined) return false;
    this.superseded.delete(outboundSpi);
    // One that reached its kilobyte lifetime while superseded, either way, is dead: what arrived under its inbound SA went on counting.
    const lifetime = kept.tunnel.hardLifetime;
    if (lifetime !== undefined && Math.max(kept.carried, this.arrivedUnder(kept.tunnel.inbound.spi)) >= lifetime.bytes) return false;
    this.closeTunnel(index);
    this.tunnels[index] = kept.tunnel;
    if (kept.tunnel.hardLifetime !== undefined) this.tunnelOfInbound.set(kept.tunnel.inbound.spi, index);
    this.outbound[index] = kept.outbound;
    this.carried[index] = kept.carried;
    return true;
  }

  /** An outbound SA whose pair is deleted: no tunnel goes back to it. */
  forgetOutbound(spi: number): void {
    this.superseded.delete(spi);
  }

  /** Stop taking packets under an inbound SPI (an SA deleted). */
  removeInbound(spi: number): void {
    this.inbound.delete(spi);
    this.arrived.delete(spi);
  }

  /** Tunnel `index` has no SAs any more: what it would send is dropped (NO_SA). */
  closeTunnel(index: number): void {
    const before = this.tunnels[index];
    if (before) this.tunnelOfInbound.delete(before.inbound.spi);
    this.tunnels[index] = null;
    this.outbound[index] = null;
  }

  /** Whether tunnel `index` has SAs to send under. */
  isOpen(index: number): boolean {
    return this.outbound[index] != null;
  }

  /** The SPI tunnel `index` sends under now, or null when it has no SA. */
  outboundSpi(index: number): number | null {
    return this.tunnels[index]?.outbound.spi ?? null;
  }

  /** ESP bytes that arrived under an inbound SPI so far (from its first packet, a Quick Mode responder's before its pair is up). */
  arrivedUnder(spi: number): number {
    return this.arrived.get(spi) ?? 0;
  }

  /** Whether it takes packets under this SPI. */
  accepts(spi: number): boolean {
    return this.inbound.has(spi);
  }

  /** Accept packets under an additional inbound SA (the other end of a rekey). */
  addInbound(parameters: EspSaParameters, backend: AesGcmBackend = this.backend): void {
    this.inbound.set(parameters.spi, new EspInbound(backend, parameters));
  }

  /** Send tunnel `index`'s packets under a new SA from now on (the other end of an inbound rekey). */
  replaceOutbound(index: number, parameters: EspSaParameters, backend: AesGcmBackend): void {
    this.outbound[index] = new EspOutbound(backend, parameters);
    this.carried[index] = 0;
  }

  /** Encrypt an inner IPv4 packet in tunnel `index` and send it to the host; returns when its last bit leaves. */
  send(index: number, inner: Uint8Array): number {
    return this.peer.send(this.frame(index, inner));
  }

  /** The Ethernet frame that carries an inner packet through tunnel `index` (its ESP sequence number taken). */
  frame(index: number, inner: Uint8Array): Uint8Array {
    const tunnel = this.tunnels[index];
    const outbound = this.outbound[index];
    if (!tunnel || !outbound) throw new RangeError(`tunnel ${index} has no SA: ask isOpen() first`);
    const frame = tunnelEncapsulate(outbound, inner, { source: tunnel.peerAddress, destination: tunnel.hostAddress, dscp: classDscp(tunnel.trafficClass) }, ETHERNET_HEADER_BYTES);
    writeEthernetHeader(frame, HOST_MAC, PEER_MAC);
    const lifetime = tunnel.hardLifetime;
    if (lifetime === undefined) return frame;
    const before = this.carried[index]!;
    const carried = (this.carried[index] = before + espBytes(frame));
    const soft = tunnel.softLifetime;
    if (soft !== undefined && before < soft.bytes && carried >= soft.bytes) soft.reached();
    // The packet that reaches the lifetime is the SA's last, as the host counts its end.
    if (carried >= lifetime.bytes) {
      this.closeTunnel(index);
      lifetime.reached();
    }
    return frame;
  }

  /** An inner packet the gateway could not send: tunnel `index` has no SA (IKE has not negotiated one, or failed, or the pair ended). */
  dropUnsent(index: number, inner: Uint8Array): void {
    this.drops.count("NO_SA", { packet: inner });
    this.onNoSa(index);
  }

  /**
   * Whether the gateway's output queue takes inner packet `inner` of open tunnel `index` now (its
   * tunnel frame's size reckoned before it is encrypted). One it refuses, its queue full or its
   * priority class over its rate, is dropped before it is encrypted, so it takes no sequence number, and counted.
   */
  admits(index: number, inner: Uint8Array): boolean {
    const refusal = this.peer.refusal(this.tunnels[index]!.trafficClass, tunnelFrameBytes(inner.length, this.outbound[index]!.sa.icvLength));
    if (refusal !== null) this.drops.count(refusal, { packet: inner });
    return refusal === null;
  }

  private receive(frame: ReceivedFrame): void {
    if (etherType(frame.bytes) !== ETHERTYPE_IPV4) return;
    const outer = frame.bytes.subarray(ETHERNET_HEADER_BYTES);
    if (outer[9] !== PROTOCOL_ESP) return this.onOther(frame);
    const esp = ipv4Payload(outer);
    const spi = read32(esp, 0);
    const inbound = this.inbound.get(spi);
    if (!inbound) {
      this.drop("UNKNOWN_SPI", frame.bytes);
      return this.onUnknownSpi(spi, frame);
    }
    this.countArrived(spi, esp.length);
    const result = inbound.decapsulate(esp);
    if (result.kind === "dropped") return this.drop(result.reason, frame.bytes);
    this.onDeliver(result.payload, frame);
  }

  /** The host ends an SA pair when either SA reaches its lifetime: so does the gateway, its own outbound by what it sent, the pair's inbound by what arrived under it. */
  private countArrived(spi: number, bytes: number): void {
    // Counted from its first packet: a Quick Mode responder's inbound SA takes packets from QM2, before its tunnel takes up the pair at QM3.
    const arrived = (this.arrived.get(spi) ?? 0) + bytes;
    this.arrived.set(spi, arrived);
    const index = this.tunnelOfInbound.get(spi);
    if (index === undefined) return;
    const lifetime = this.tunnels[index]!.hardLifetime!;
    if (arrived < lifetime.bytes) return;
    this.closeTunnel(index);
    lifetime.reached();
  }

  private drop(reason: GatewayDropReason, frame: Uint8Array): void {
    this.drops.count(reason, { frame });
  }
}

/** An ESP frame's ESP bytes, SPI to ICV. */
function espBytes(frame: Uint8Array): number {
  return ipv4Payload(frame.subarray(ETHERNET_HEADER_BYTES)).length;
}
