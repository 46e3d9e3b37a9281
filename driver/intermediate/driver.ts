import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { type AesGcmBackend, AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { EspInbound, type EspInboundResult, EspOutbound, type EspDropReason, RekeyRequiredError, type Spi } from "../../sim/ipsec/esp.js";
import { DriverMessage, type DriverMessageName, MessageChannel } from "./message-channel.js";
import type { Command } from "../../sim/process.js";
import { STATUS_IPSEC, STATUS_SA_MISS } from "../../hw/spec/descriptors.js";
import type { DriverReceivedFrame } from "../base/driver.js";
import { type SaPlacementPolicy, SaPlacementPolicyToken } from "./policy.js";
import { MetricPlacement } from "../caching/metric-placement.js";
import { TraceRecorder } from "../caching/trace.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, ethernetFrame, etherType, type MacAddress, macAddress } from "../../sim/packet/ethernet.js";
import { IPV4_HEADER_BYTES, ipv4Packet, PROTOCOL_ESP, PROTOCOL_IPV4, PROTOCOL_UDP } from "../../sim/packet/ipv4.js";
import { tunnelEncapsulate } from "../../sim/ipsec/modes.js";
import { param } from "../../sim/parameters.js";
import { delay } from "../../sim/process.js";
import { BaseDriver } from "../base/driver.js";
import { IsakmpProfiles } from "./isakmp-profile.js";
import { Isadb } from "./isadb.js";
import { type IpsecSa, Sadb } from "./sadb.js";
import { Spd } from "./spd.js";
import { read32 } from "../../sim/bytes.js";


export interface DeliveredPacket {
  readonly packet: Uint8Array;
  readonly time: number;
  /** When the base driver took its frame from the RX ring: from then on the packet was the host's. */
  readonly received: number;
  /** The inbound SA that protected it, or null for a packet that bypassed IPsec. */
  readonly sa: IpsecSa | null;
}

/** Why the intermediate driver dropped a packet, beside the ESP receiver's reasons. */
export type IntermediateDropReason = EspDropReason | "SPD_DISCARD" | "NO_POLICY" | "UNKNOWN_SPI" | "REKEY_REQUIRED" | "NOT_IPV4";

/**
 * The intermediate driver (the IPsec layer): SPD, SADB, ISADB and ISAKMP profiles, and software
 * ESP in tunnel mode with a modelled CPU cost. Outbound, it looks the inner packet up in the SPD,
 * classifies it by the SA's ipsec_qos_group tag (through the class map) or, without a tag, by the
 * inner DSCP, encrypts, and hands the frame to the base driver with a pointer to the SA record.
 * Inbound, it takes ESP frames from the base driver, finds the SA by SPI, and decrypts.
 */
@injectable()
export class IntermediateDriver extends Component {
  readonly params = this.parameters({
    cpuMegahertz: param.megahertz(3000, "Host CPU clock the software ESP cost is counted in"),
    cyclesPerPacket: param.integer(1500, "CPU cycles of software ESP per packet (lookup, headers, setup)", { minimum: 0, unit: "cycles" }),
    cyclesPerByte: param.number(1.5, "CPU cycles of software ESP per byte encrypted or decrypted", { minimum: 0, unit: "cycles" }),
    replayWindow: param.integer(64, "Anti-replay window of inbound SAs", { minimum: 32, maximum: 65536 }),
    offload: param.boolean(true, "Place SAs in the NIC's SA table (as the placement policy decides) and let the NIC do ESP inline"),
    offloadCyclesPerPacket: param.integer(300, "CPU cycles per packet to prepare ESP for inline offload (headers, sequence number)", { minimum: 0, unit: "cycles" }),
    messageNanoseconds: param.integer(150, "Cost of a message between the base and intermediate drivers, handled one at a time (at least 1 ns, so that each has its own time in the waveform)", { minimum: 1, unit: "ns" }),
    placement: param.choice("token", ["token", "metric"] as const, "Which SAs the NIC caches: the policy registered under SaPlacementPolicyToken (default install-if-free), or seed 003's metric policy (parameters under .metric)"),
  });
  readonly profiles = new IsakmpProfiles();
  readonly isadb = new Isadb(this.profiles);
  readonly sadb: Sadb;
  readonly spd = new Spd();
  /** class-map … match qos-group N: the traffic class each tag is queued in. */
  readonly classMap = new Map<number, number>();
  readonly drops = new Map<IntermediateDropReason, number>();
  /** Every packet's SA use, to replay against other policies (see driver/caching). */
  readonly trace = new TraceRecorder();
  /** Where packets whose SA is not in the NIC's table go (seed 002's decision, seed 003's metric). */
  readonly policy: SaPlacementPolicy;
  readonly encrypted = this.signal("encrypted", 32, { kind: "integer", lastWriteWins: true });
  readonly decrypted = this.signal("decrypted", 32, { kind: "integer", lastWriteWins: true });
  readonly softwareBusy = this.signal("sw_busy", 1, { lastWriteWins: true });
  /** The last message between the drivers: its kind and the SA's table handle (0: none yet). */
  readonly messageKind = this.enumSignal("message", DriverMessage);
  readonly messageHandle = this.signal("message_handle", 17);
  readonly messageCount = this.signal("message_count", 32, { kind: "integer" });
  readonly messageEvent = this.event("message_sent");
  /** The path between the layers: every message in turn, each shown in the waveform. */
  readonly messages: MessageChannel;
  readonly hardwarePackets = this.signal("hw_packets", 32, { kind: "integer", lastWriteWins: true });
  readonly softwarePackets = this.signal("sw_packets", 32, { kind: "integer", lastWriteWins: true });
  /** Packets by path and direction: NIC inline or software ESP. */
  readonly counts = { hardwareTx: 0, softwareTx: 0, hardwareRx: 0, softwareRx: 0, notInTable: 0, installs: 0, evictions: 0, removals: 0 };
  onDeliver: (packet: DeliveredPacket) => void = () => {};
  localMac: MacAddress = macAddress("02:00:00:00:00:01");
  gatewayMac: MacAddress = macAddress("02:00:00:00:00:02");
  private readonly outbound = new Map<IpsecSa, EspOutbound>();
  private readonly inbound = new Map<IpsecSa, EspInbound>();
  private readonly received: DriverReceivedFrame[] = [];
  private readonly arrival = this.event("esp_arrival");
  private busy = 0;
  private encryptedCount = 0;
  private decryptedCount = 0;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(BaseDriver) readonly base: BaseDriver,
    @inject(AesGcmBackendToken) private readonly backend: AesGcmBackend,
    @inject(SaPlacementPolicyToken) registered: SaPlacementPolicy,
  ) {
    super(context);
    this.policy = this.params.placement === "metric" ? this.child(MetricPlacement, "metric") : registered;
    this.messages = new MessageChannel(this.kernel, { kind: this.messageKind, handle: this.messageHandle, count: this.messageCount, sent: this.messageEvent }, this.params.messageNanoseconds * 1000);
    this.sadb = new Sadb(base.bus.memory);
    base.onReceive = (frame) => {
      this.received.push(frame);
      this.arrival.fire();
    };
    this.process("receiver", () => this.receiver());
  }

  /** Send an inner IPv4 packet through the SPD (a generator: `yield* intermediate.send(packet)`). */
  *send(packet: Uint8Array): Generator<Command, void, unknown> {
    if (packet.length < IPV4_HEADER_BYTES || packet[0]! >> 4 !== 4) return this.drop("NOT_IPV4");
    const protocol = packet[9]!;
    const headerLength = (packet[0]! & 0x0f) * 4;
    const destinationPort = protocol === PROTOCOL_UDP ? (packet[headerLength + 2]! << 8) | packet[headerLength + 3]! : undefined;
    const entry = this.spd.lookup({ source: BigInt(read32(packet, 12)), destination: BigInt(read32(packet, 16)), protocol, destinationPort });
    if (!entry) return this.drop("NO_POLICY");
    if (entry.action.kind === "discard") return this.drop("SPD_DISCARD");
    const innerClass = packet[1]! >> 5;
    if (entry.action.kind === "bypass") {
      yield* this.base.transmit(this.base.queueOfClass(innerClass), this.frame(packet), { trafficClass: innerClass });
      return;
    }
    const sa = entry.action.sa;
    // With an ipsec_qos_group tag the class map decides; without one, the inner DSCP does (seed 001).
    const trafficClass = sa.qosGroup !== null ? (this.classMap.get(sa.qosGroup) ?? 0) : innerClass;
    const outer = { source: sa.source, destination: sa.destination, dscp: trafficClass << 3 };
    const queue = this.base.queueOfClass(trafficClass);
    this.use(sa, packet.length, "tx");
    const handle = yield* this.placeTx(sa);
    // Rekeyed or deleted while we waited: the SPD now names the SA to use (its record may be freed).
    if (!this.live(sa)) return yield* this.send(packet);
    if (handle !== null) yield* this.charge(0, this.params.offloadCyclesPerPacket);
    else yield* this.charge(packet.length);
    // Deleted, or evicted from the NIC's table, while the CPU worked: start again.
    if (!this.live(sa) || (handle && this.base.saTable.handleOf(sa.record) !== handle)) return yield* this.send(packet);
    // From here the packet holds the SA: a delete waits for it before taking the SA out of the NIC and freeing its record.
    this.senders.set(sa, (this.senders.get(sa) ?? 0) + 1);
    try {
      if (handle !== null) {
        // Inline: ESP laid out in plaintext, the NIC encrypts with the SA found through the handle or the pointer.
        const esp = this.outboundOf(sa).prepare(packet, PROTOCOL_IPV4);
        this.countPath("hardwareTx");
        yield* this.base.transmit(queue, this.frame(ipv4Packet({ ...outer, protocol: PROTOCOL_ESP }, esp)), { trafficClass, ipsec: { saPointer: sa.record, saHandle: handle } });
        return;
      }
      // The outer DSCP carries the class, so that the network (and the receiving NIC) can queue the ESP packet by it.
      const encrypted = tunnelEncapsulate(this.outboundOf(sa), packet, outer);
      this.encrypted.set(++this.encryptedCount);
      this.countPath("softwareTx");
      yield* this.base.transmit(queue, this.frame(encrypted), { trafficClass });
    } catch (error) {
      if (error instanceof RekeyRequiredError) return this.drop("REKEY_REQUIRED");
      throw error;
    } finally {
      const left = this.senders.get(sa)! - 1;
      if (left > 0) this.senders.set(sa, left);
      else {
        this.senders.delete(sa);
        if (this.awaited.has(sa)) this.senderDone.fire();
      }
    }
  }

  /**
   * Where an outbound SA's packets are processed: the NIC handle to use (0 when the NIC fetches
   * through the pointer), or null for software. A miss is a "not in table" message to this layer,
   * which asks the placement policy.
   */
  private *placeTx(sa: IpsecSa): Generator<Command, number | null, unknown> {
    if (!this.params.offload || sa.parameters.esn) return null;
    if (this.base.params.saFill === "pointer") return 0;
    const table = this.base.saTable;
    const handle = table.handleOf(sa.record);
    if (handle) return handle;
    yield* this.message("TX_NOT_IN_TABLE", 0);
    if (!this.live(sa)) return null;
    const installed = yield* this.place("tx", sa);
    return installed || null;
  }

  /** Ask the policy about an SA that is not in the NIC's table, and carry out its decision; returns the handle, or 0. */
  private *place(direction: "tx" | "rx", sa: IpsecSa): Generator<Command, number, unknown> {
    // An SA being deleted must not enter the table: its deletion has already taken it out, and its record is about to be freed.
    if (!this.live(sa)) return 0;
    const table = this.base.saTable;
    const cached = table.installed(direction).map((pointer) => this.sadb.byRecord(pointer)).filter((entry): entry is IpsecSa => entry !== undefined);
    const decision = this.policy.decide({ direction, sa, freeEntries: table.freeEntries(direction), cached, time: this.kernel.now });
    if (decision === "software") return 0;
    let handle: number;
    if (decision === "install") handle = yield* table.install(direction, sa.record);
    else {
      yield* this.message("EVICT", table.handleOf(decision.replace.record));
      const victim = decision.replace;
      handle = yield* table.replace(direction, victim.record, sa.record, () => this.waitForSenders(victim));
      if (handle) this.counts.evictions++;
    }
    if (!handle) return 0;
    this.counts.installs++;
    this.policy.installed?.(sa, this.kernel.now);
    yield* this.message("INSTALL", handle);
    return handle;
  }

  /**
   * Rekey: a new SA under a new SPI and keys takes over the old one's policy at once; the old one
   * is then deleted as deleteSa does, so packets already on their way finish under it or are dropped.
   */
  *rekeySa(old: IpsecSa, spi: Spi, keyMaterial: Uint8Array) {
    const fresh = this.sadb.add({ direction: old.direction, parameters: { ...old.parameters, spi, keyMaterial }, source: old.source, destination: old.destination }, old.qosGroup);
    this.spd.replace(old, fresh);
    yield* this.deleteSa(old);
    return fresh;
  }

  /** Take an SA out of use: out of the SPD, out of the NIC, and its record freed only once no posted packet can still name it. */
  *deleteSa(sa: IpsecSa) {
    this.retiring.add(sa);
    this.spd.removeFor(sa);
    yield* this.waitForSenders(sa);
    let slot: { direction: "tx" | "rx"; index: number } | null = null;
    if (this.base.saTable.isInstalled(sa.record) || this.base.params.saFill === "pointer") {
      const handle = this.base.saTable.handleOf(sa.record);
      slot = yield* this.base.saTable.remove(sa.record);
      this.counts.removals++;
      yield* this.message("REMOVE", handle);
    }
    // Descriptors posted before now may name the entry or carry the record's pointer: wait until the device is done with them.
    yield* this.base.transmitFence();
    if (slot) this.base.saTable.release(slot);
    this.outbound.delete(sa);
    this.inbound.delete(sa);
    this.sadb.delete(sa.direction, sa.parameters.spi, sa.destination);
    this.retiring.delete(sa);
  }

  /** Whether an SA is in use: in the SADB, and not being deleted. */
  private live(sa: IpsecSa): boolean {
    return !this.retiring.has(sa) && this.sadb.byRecord(sa.record) === sa;
  }
  private readonly retiring = new Set<IpsecSa>();
  /** Sends holding each SA (past their last liveness check, not yet posted to the base driver). */
  private readonly senders = new Map<IpsecSa, number>();
  private readonly awaited = new Set<IpsecSa>();
  private readonly senderDone = this.event("sa_sender_done");

  /** Until the packets already holding an SA are posted (one may be waiting for ring space with the SA's table handle). */
  private *waitForSenders(sa: IpsecSa) {
    this.awaited.add(sa);
    while (this.senders.has(sa)) yield this.senderDone;
    this.awaited.delete(sa);
  }

  dropCount(reason: IntermediateDropReason): number {
    return this.drops.get(reason) ?? 0;
  }

  private *receiver() {
    for (;;) {
      if (this.received.length === 0) yield this.arrival;
      const frame = this.received.shift();
      if (!frame) continue;
      const bytes = frame.bytes;
      if (etherType(bytes) !== ETHERTYPE_IPV4) continue;
      const outer = bytes.subarray(ETHERNET_HEADER_BYTES);
      const headerLength = (outer[0]! & 0x0f) * 4;
      if (outer[9] !== PROTOCOL_ESP) {
        this.onDeliver({ packet: outer, time: this.kernel.now, received: frame.time, sa: null });
        continue;
      }
      const esp = outer.subarray(headerLength, (outer[2]! << 8) | outer[3]!);
      // A unicast SA is found by its SPI alone (RFC 4301 4.1).
      const sa = esp.length >= 4 ? this.sadb.find("inbound", read32(esp, 0)) : undefined;
      if (!sa) {
        this.drop("UNKNOWN_SPI");
        continue;
      }
      if (frame.status & STATUS_IPSEC) {
        this.use(sa, esp.length, "rx");
        // Decrypted and authenticated by the NIC; the replay window stays here.
        yield* this.charge(0, this.params.offloadCyclesPerPacket);
        this.deliver(this.inboundOf(sa).acceptDecrypted(esp), sa, frame, "hardwareRx");
        continue;
      }
      this.use(sa, esp.length, "rx");
      if (frame.status & STATUS_SA_MISS && this.params.offload && !sa.parameters.esn) {
        yield* this.message("RX_NOT_IN_TABLE", 0);
        if (!this.base.saTable.isInstalled(sa.record)) yield* this.place("rx", sa);
      }
      yield* this.charge(esp.length);
      this.deliver(this.inboundOf(sa).decapsulate(esp), sa, frame, "softwareRx");
    }
  }

  private deliver(result: EspInboundResult, sa: IpsecSa, frame: DriverReceivedFrame, path: "hardwareRx" | "softwareRx"): void {
    if (result.kind === "dropped") return this.drop(result.reason);
    if (path === "softwareRx") this.decrypted.set(++this.decryptedCount);
    this.countPath(path);
    this.onDeliver({ packet: result.payload, time: this.kernel.now, received: frame.time, sa });
  }

  /** A packet of an SA: the policy's metric, and the trace. */
  private use(sa: IpsecSa, bytes: number, direction: "tx" | "rx"): void {
    this.policy.packet?.(sa, bytes, this.kernel.now);
    this.trace.record({ sa: sa.uniqueId, time: this.kernel.now, bytes, direction });
  }

  private countPath(path: "hardwareTx" | "softwareTx" | "hardwareRx" | "softwareRx"): void {
    this.counts[path]++;
    this.hardwarePackets.set(this.counts.hardwareTx + this.counts.hardwareRx);
    this.softwarePackets.set(this.counts.softwareTx + this.counts.softwareRx);
  }

  /** A message between the layers: it costs time and shows in the waveform with its kind and handle. */
  private *message(kind: DriverMessageName, handle: number) {
    if (kind === "TX_NOT_IN_TABLE" || kind === "RX_NOT_IN_TABLE") this.counts.notInTable++;
    yield* this.messages.send(kind, handle);
  }

  private *charge(bytes: number, perPacket = this.params.cyclesPerPacket) {
    const cycles = perPacket + bytes * this.params.cyclesPerByte;
    const picoseconds = Math.round((cycles * 1e6) / this.params.cpuMegahertz);
    this.busy++;
    this.softwareBusy.set(1);
    yield delay(picoseconds);
    if (--this.busy === 0) this.softwareBusy.set(0);
  }

  private outboundOf(sa: IpsecSa): EspOutbound {
    let state = this.outbound.get(sa);
    if (!state) this.outbound.set(sa, (state = new EspOutbound(this.backend, sa.parameters)));
    return state;
  }

  private inboundOf(sa: IpsecSa): EspInbound {
    let state = this.inbound.get(sa);
    if (!state) this.inbound.set(sa, (state = new EspInbound(this.backend, sa.parameters, { replayWindow: this.params.replayWindow })));
    return state;
  }

  private frame(packet: Uint8Array): Uint8Array {
    return ethernetFrame(this.gatewayMac, this.localMac, packet);
  }

  private drop(reason: IntermediateDropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}
