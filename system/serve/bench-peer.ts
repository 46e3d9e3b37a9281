import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { type EspDropReason, EspInbound, EspOutbound, type EspSaParameters } from "../../sim/ipsec/esp.js";
import { tunnelEncapsulate } from "../../sim/ipsec/modes.js";
import type { CapturedSa } from "../../sim/ipsec/wireshark-esp-sa.js";
import { read32 } from "../../sim/bytes.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, ethernetFrame, etherType } from "../../sim/packet/ethernet.js";
import { type Ipv4Address, ipv4Payload, PROTOCOL_ESP, PROTOCOL_IPV4 } from "../../sim/packet/ipv4.js";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import type { Kernel } from "../../sim/kernel.js";
import type { ReceivedFrame, RemotePeer } from "../../hw/link/peer.js";

/** Why the peer refused an ESP frame. */
export type PeerRefusal = EspDropReason | "UNKNOWN_SPI";

export interface PeerCounts {
  received: number;
  decrypted: number;
  refused: number;
  sent: number;
}

/** One end of an SA as a client gives it (PEER_SA). */
export interface PeerSa {
  readonly parameters: EspSaParameters;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** host-to-peer: the peer decrypts under it; peer-to-host: the peer encrypts under it. */
  readonly direction: "host-to-peer" | "peer-to-host";
}

/**
 * The remote peer of a served run: it decrypts what the host sends under the SAs the client gave
 * it, echoes what it receives when asked, and sends the sequenced test frames of plain-traffic.
 */
export class BenchPeer {
  readonly counts: PeerCounts = { received: 0, decrypted: 0, refused: 0, sent: 0 };
  readonly refusals = new Map<PeerRefusal, number>();
  /** Every SA given, for the esp_sa file. */
  readonly sas: CapturedSa[] = [];
  echo = false;
  private readonly inbound = new Map<number, EspInbound>();
  private outbound: { readonly esp: EspOutbound; readonly sa: PeerSa } | null = null;
  private readonly nextSequence = new Map<number, number>();

  constructor(
    private readonly peer: RemotePeer,
    private readonly kernel: Kernel,
    private readonly backend: AesGcmBackend,
  ) {
    peer.keepReceived = false;
    peer.onReceive = (frame) => this.receive(frame);
  }

  get canEncrypt(): boolean {
    return this.outbound !== null;
  }

  /** How an SA given earlier clashes with this one: the same SPI and destination (one SA in the key file), or the same SPI to decrypt under (the peer's inbound SAs go by SPI); null when none does. */
  holds(spi: number, destination: Ipv4Address, direction: PeerSa["direction"]): "spi and destination" | "spi" | null {
    if (this.sas.some((given) => given.sa.spi === spi && given.destination.every((byte, index) => byte === destination[index]))) return "spi and destination";
    return direction === "host-to-peer" && this.inbound.has(spi) ? "spi" : null;
  }

  addSa(sa: PeerSa): void {
    this.sas.push({ sa: sa.parameters, source: sa.source, destination: sa.destination });
    if (sa.direction === "host-to-peer") this.inbound.set(sa.parameters.spi, new EspInbound(this.backend, sa.parameters));
    else this.outbound = { esp: new EspOutbound(this.backend, sa.parameters), sa };
  }

  /**
   * Send `count` sequenced frames of one class, one every `gap` ps from now (or as the line frees,
   * when it is slower), plain or through the peer-to-host SA. Each frame is made as the line can
   * take it: frames handed over faster than the line sends them would wait in memory (9 GB for
   * a million jumbo frames) and, with no gap, loop without time passing.
   */
  send(count: number, gap: number, bytes: number, trafficClass: number, esp: boolean): void {
    const first = this.nextSequence.get(trafficClass) ?? 0;
    this.nextSequence.set(trafficClass, first + count);
    const peer = this;
    const kernel = this.kernel;
    this.kernel.process(`peer_send_class${trafficClass}_from${first}`, function* () {
      for (let sequence = first; sequence < first + count; sequence++) {
        const lineFree = peer.transmit(esp ? peer.encrypt(sequencedPacket("to-host", trafficClass, sequence, bytes + ETHERNET_HEADER_BYTES), trafficClass) : sequencedFrame("to-host", trafficClass, sequence, bytes));
        if (sequence + 1 < first + count) yield delay(Math.max(gap, lineFree - kernel.now));
      }
    });
  }

  /** Hand a frame to the line; returns when the line will be free after it. */
  private transmit(frame: Uint8Array): number {
    this.counts.sent++;
    return this.peer.send(frame);
  }

  /** An inner IPv4 packet as an Ethernet frame through the peer-to-host SA (tunnel mode), or plain without one. */
  private encrypt(inner: Uint8Array, trafficClass: number): Uint8Array {
    if (!this.outbound) return toHost(inner);
    const { esp, sa } = this.outbound;
    return toHost(tunnelEncapsulate(esp, inner, { source: sa.source, destination: sa.destination, dscp: trafficClass << 3 }));
  }

  private receive(frame: ReceivedFrame): void {
    this.counts.received++;
    const bytes = frame.bytes;
    const ip = ETHERNET_HEADER_BYTES;
    if (etherType(bytes) !== ETHERTYPE_IPV4 || bytes.length < ip + 20 || bytes[ip + 9] !== PROTOCOL_ESP) {
      if (this.echo) this.transmit(swapAddresses(bytes));
      return;
    }
    const outer = bytes.subarray(ip);
    const esp = ipv4Payload(outer);
    const inbound = esp.length >= 4 ? this.inbound.get(read32(esp, 0)) : undefined;
    if (!inbound) return this.refuse("UNKNOWN_SPI");
    const result = inbound.decapsulate(esp);
    if (result.kind === "dropped") return this.refuse(result.reason);
    this.counts.decrypted++;
    if (this.echo && result.nextHeader === PROTOCOL_IPV4) this.transmit(this.encrypt(result.payload.slice(), outer[1]! >> 5));
  }

  private refuse(reason: PeerRefusal): void {
    this.counts.refused++;
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }
}

const HOST_MAC = [0x02, 0, 0, 0, 0, 0x01] as const;
const PEER_MAC = [0x02, 0, 0, 0, 0, 0x02] as const;

function toHost(packet: Uint8Array): Uint8Array {
  return ethernetFrame(HOST_MAC, PEER_MAC, packet);
}

/** The frame back where it came from: destination and source MAC addresses swapped. */
function swapAddresses(frame: Uint8Array): Uint8Array {
  const echoed = frame.slice();
  echoed.set(frame.subarray(6, 12), 0);
  echoed.set(frame.subarray(0, 6), 6);
  return echoed;
}
