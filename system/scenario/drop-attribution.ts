import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { concatenate, read32 } from "../../sim/bytes.js";
import { EspInbound, ESP_HEADER_BYTES, ESP_IV_BYTES, type EspSaParameters } from "../../sim/ipsec/esp.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType } from "../../sim/packet/ethernet.js";
import { IPV4_HEADER_BYTES, ipv4Payload, PROTOCOL_ESP, PROTOCOL_UDP } from "../../sim/packet/ipv4.js";
import type { DroppedBytes } from "../../sim/stats/drop-counter.js";
import type { Flow } from "./flow.js";

/** A packet by its identity: its flow (stream and direction) and its sequence number there. */
export interface PacketIdentity {
  readonly flow: Flow;
  readonly sequence: number;
}

/** Where a drop was counted. */
export type DropPlace = "nic" | "driver" | "intermediate" | "gateway";

/** Undelivered packets listed in a violation, at most. */
const LISTED = 5;

/**
 * Which packet each counted drop took. Every drop site hands over what it holds of the packet;
 * the packet is named from the stream index and sequence number in its payload when that is in
 * plaintext, from the SPI and ESP sequence number of a frame the gateway sent, or else by
 * opening the ESP with the SA's keys. At the end every undelivered packet needs drops of its
 * own, one per copy sent (the gateway's replays and forged copies are copies): one drop can never cover another loss.
 */
export class DropAttribution {
  /** Frames the gateway sent, by SPI and ESP sequence number, until their packet is delivered. */
  private readonly toHost = new Map<number, Map<number, PacketIdentity>>();
  /** Per flow and sequence number: copies sent beyond the first (replays), and drops. Only packets with either. */
  private readonly extraCopies = new Map<Flow, Map<number, number>>();
  /** One drop's place and reason (the one text for each kind, shared), or for a packet dropped more than once, each. A run with many drops keeps one of these per packet to its end. */
  private readonly drops = new Map<Flow, Map<number, string | { count: number; reasons: string[] }>>();
  private readonly reasonTexts = new Map<string, string>();
  /** Drops whose packet could not be named (not one of the scenario's, or too little of it left). */
  readonly unattributed = new Map<string, number>();

  constructor(
    /** The flow a stream index and direction name, for a packet's payload. */
    private readonly flowOf: (streamIndex: number, direction: Flow["direction"]) => Flow | undefined,
    /** The identity a packet's payload claims: stream index and sequence number. */
    private readonly stamp: (packet: Uint8Array) => { stream: number; sequence: number },
    /** Every SA's parameters by SPI (rekeys add theirs), to open ESP the gateway dropped. */
    private readonly saBySpi: (spi: number) => EspSaParameters | undefined,
    private readonly backend: AesGcmBackend,
    /** Host memory as it is now, or null where nothing is mapped: the frame of a drop that names only its buffers. */
    private readonly hostBytes: (address: number, length: number) => Uint8Array | null,
  ) {}

  /** The gateway sent the frame of this packet. */
  sentToHost(frame: Uint8Array, identity: PacketIdentity): void {
    const { spi, espSequence } = this.named(frame, identity)!;
    identity.flow.sentInFrame(identity.sequence, spi, espSequence);
  }

  /**
   * The gateway sends a further copy of the packet to deliver or drop: its frame again (a replay), or a forged `frame`, which,
   * carrying ESP under an SPI and sequence number of its own (a copy under another tunnel's SA), is named by them.
   */
  copySent(identity: PacketIdentity, frame?: Uint8Array): void {
    bump(this.extraCopies, identity, (count = 0) => count + 1);
    if (frame) this.named(frame, identity);
  }

  /** A frame the gateway sent, named by its SPI and ESP sequence number, which it returns; null for one without ESP (a copy in the clear). */
  private named(frame: Uint8Array, identity: PacketIdentity): { spi: number; espSequence: number } | null {
    const esp = etherType(frame) === ETHERTYPE_IPV4 ? espOf(frame.subarray(ETHERNET_HEADER_BYTES)) : null;
    if (!esp) return null;
    const spi = read32(esp, 0);
    const espSequence = read32(esp, 4);
    let bySequence = this.toHost.get(spi);
    if (!bySequence) this.toHost.set(spi, (bySequence = new Map()));
    bySequence.set(espSequence, identity);
    return { spi, espSequence };
  }

  /** The packet arrives (before its flow forgets it): its gateway frame need not be named any more, unless copies of it may still be dropped. */
  delivered(identity: PacketIdentity): void {
    const frame = identity.flow.frameOf(identity.sequence);
    if (frame && !this.extraCopies.get(identity.flow)?.has(identity.sequence)) this.toHost.get(frame.spi)?.delete(frame.espSequence);
  }

  /** A drop was counted: name its packet and charge it. */
  dropped(place: DropPlace, reason: string, bytes: DroppedBytes): void {
    const identity = bytes ? this.identify(bytes) : null;
    if (!identity) {
      const key = `${place} ${reason}`;
      this.unattributed.set(key, (this.unattributed.get(key) ?? 0) + 1);
      return;
    }
    const key = `${place} ${reason}`;
    let text = this.reasonTexts.get(key);
    if (text === undefined) this.reasonTexts.set(key, (text = key));
    bump(this.drops, identity, (drops) => (drops === undefined ? text : { count: dropCount(drops) + 1, reasons: [...dropReasons(drops), text] }));
  }

  /** Replayed copies of delivered packets neither delivered nor dropped yet: on their way still (in the NIC, between the drivers), or lost uncounted. */
  get copiesOutstanding(): number {
    let outstanding = 0;
    for (const { extra, drops } of this.copiesNotDropped()) outstanding += extra - drops;
    return outstanding;
  }

  /** Each delivered packet some of whose replayed copies no counted drop has taken: its extra copies, and the drops counted. */
  private *copiesNotDropped(): Generator<{ flow: Flow; sequence: number; extra: number; drops: number }> {
    for (const [flow, bySequence] of this.extraCopies) {
      for (const [sequence, extra] of bySequence) {
        if (flow.isPending(sequence)) continue;
        const record = this.drops.get(flow)?.get(sequence);
        const drops = record === undefined ? 0 : dropCount(record);
        if (drops < extra) yield { flow, sequence, extra, drops };
      }
    }
  }

  /**
   * The end of a quiet run: each undelivered packet dropped once per copy sent, each replayed copy
   * of a delivered one dropped, and no packet dropped more often than it had copies not delivered.
   * The first problem, or null.
   */
  check(flows: readonly Flow[]): string | null {
    const uncovered: string[] = [];
    let count = 0;
    for (const flow of flows) {
      for (const sequence of flow.pendingSequences()) {
        const copies = 1 + (this.extraCopies.get(flow)?.get(sequence) ?? 0);
        const record = this.drops.get(flow)?.get(sequence);
        const drops = record === undefined ? 0 : dropCount(record);
        if (drops >= copies) continue;
        count++;
        if (uncovered.length < LISTED) uncovered.push(`${flow.stream} ${flow.direction} packet ${sequence}${copies > 1 ? ` (${copies} copies, ${drops} dropped)` : ""}`);
      }
    }
    if (count > 0) {
      const others = [...this.unattributed].map(([where, drops]) => `${where} ×${drops}`).join(", ");
      return `${count} packets undelivered without a drop that took them: ${uncovered.join(", ")}${count > LISTED ? ", ..." : ""}${others ? `; drops not attributed to a packet: ${others}` : ""}`;
    }
    // A copy neither delivered nor dropped was lost uncounted (a run that stopped with copies still waiting for a host core said every law held).
    const lost = this.copiesNotDropped().next();
    if (!lost.done) {
      const { flow, sequence, extra, drops } = lost.value;
      return `${flow.stream} ${flow.direction} packet ${sequence}: delivered, and of ${extra} further ${extra === 1 ? "copy" : "copies"} (replays, forged copies) ${drops} counted as dropped`;
    }
    for (const [flow, bySequence] of this.drops) {
      for (const [sequence, drops] of bySequence) {
        const copies = 1 + (this.extraCopies.get(flow)?.get(sequence) ?? 0) - (flow.isPending(sequence) ? 0 : 1);
        if (dropCount(drops) > copies) return `${flow.stream} ${flow.direction} packet ${sequence}: ${dropCount(drops)} drops counted (${dropReasons(drops).join(", ")}) for ${copies} undelivered ${copies === 1 ? "copy" : "copies"}`;
      }
    }
    return null;
  }

  private identify(bytes: NonNullable<DroppedBytes>): PacketIdentity | null {
    if ("hostBuffers" in bytes) {
      // The driver frees a frame's buffers only after the device wrote back its descriptors: they still hold it.
      const parts = bytes.hostBuffers.map((buffer) => this.hostBytes(buffer.address, buffer.length));
      if (parts.some((part) => part === null)) return null;
      return this.identify({ frame: concatenate(parts as Uint8Array[]) });
    }
    let ip: Uint8Array;
    if ("packet" in bytes) ip = bytes.packet;
    else if (bytes.frame.length > ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES && etherType(bytes.frame) === ETHERTYPE_IPV4) ip = bytes.frame.subarray(ETHERNET_HEADER_BYTES);
    else return null;
    if (ip.length < IPV4_HEADER_BYTES || ip[0]! >> 4 !== 4) return null;
    if (ip[9] === PROTOCOL_UDP) return this.inner(ip);
    const esp = espOf(ip);
    if (!esp) return null;
    const spi = read32(esp, 0);
    // Sent by the gateway; else sent by the host: inline ESP still holds its packet in plaintext, software ESP is opened.
    return this.toHost.get(spi)?.get(read32(esp, 4)) ?? this.inner(esp.subarray(ESP_HEADER_BYTES + ESP_IV_BYTES)) ?? this.opened(spi, esp);
  }

  /** The packet whose payload this is, if every byte present is the one sent. */
  private inner(packet: Uint8Array): PacketIdentity | null {
    if (packet.length < IPV4_HEADER_BYTES + 16 || packet[0] !== 0x45 || packet[9] !== PROTOCOL_UDP) return null;
    const { stream, sequence } = this.stamp(packet);
    for (const direction of ["to-peer", "to-host"] as const) {
      const flow = this.flowOf(stream, direction);
      if (!flow || sequence >= flow.sent) continue;
      const sent = flow.packet(sequence);
      const length = Math.min(sent.length, packet.length);
      let same = true;
      for (let index = 0; index < length && same; index++) same = packet[index] === sent[index];
      if (same) return { flow, sequence };
    }
    return null;
  }

  /** ESP the host sent, opened with its SA's keys (a fresh replay window: a copy seen before opens too). */
  private opened(spi: number, esp: Uint8Array): PacketIdentity | null {
    const sa = this.saBySpi(spi);
    if (!sa) return null;
    const result = new EspInbound(this.backend, sa).decapsulate(esp);
    return result.kind === "payload" ? this.inner(result.payload) : null;
  }
}

/** The ESP of an IPv4 packet (up to its total length), or null. */
function espOf(ip: Uint8Array): Uint8Array | null {
  if (ip[9] !== PROTOCOL_ESP) return null;
  const esp = ipv4Payload(ip);
  return esp.length >= ESP_HEADER_BYTES ? esp : null;
}

const dropCount = (record: string | { count: number }) => (typeof record === "string" ? 1 : record.count);
const dropReasons = (record: string | { reasons: string[] }) => (typeof record === "string" ? [record] : record.reasons);

function bump<T>(table: Map<Flow, Map<number, T>>, identity: PacketIdentity, next: (value?: T) => T): void {
  let bySequence = table.get(identity.flow);
  if (!bySequence) table.set(identity.flow, (bySequence = new Map()));
  bySequence.set(identity.sequence, next(bySequence.get(identity.sequence)));
}
