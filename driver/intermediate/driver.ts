import { INTERMEDIATE_DRIVER_PARAMETERS } from "./parameters.js";
import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { type AesGcmBackend, AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { type EspInboundResult, espPacketBytes, RekeyRequiredError, type Spi } from "../../sim/ipsec/esp.js";
import type { IntermediateDropReason } from "./drop-reason.js";
import { DriverMessage, MessageChannel } from "./message-channel.js";
import type { Command } from "../../sim/process.js";
import { STATUS_IPSEC, STATUS_SA_MISS } from "../../hw/spec/descriptors.js";
import type { DriverReceivedFrame, TxReservation } from "../base/driver.js";
import { InstallIfFree, type SaPlacementPolicy, SaPlacementPolicyToken } from "./policy.js";
import { METRIC_PLACEMENT_PARAMETERS, MetricPlacement } from "../caching/metric-placement.js";
import type { CostModel } from "../caching/metric-policy.js";
import { TraceRecorder } from "../caching/trace.js";
import { ETHERNET_HEADER_BYTES, ethernetFrame, HOST_MAC, type MacAddress, PEER_MAC, writeEthernetHeader } from "../../sim/packet/ethernet.js";
import { IPV4_HEADER_BYTES, PROTOCOL_ESP, PROTOCOL_IPV4, writeIpv4Header } from "../../sim/packet/ipv4.js";
import { BaseDriver } from "../base/driver.js";
import { HostCpu } from "../cpu/host-cpu.js";
import { defineEnum } from "../../sim/enum-type.js";
import { IsakmpProfiles } from "./isakmp-profile.js";
import { Isadb } from "./isadb.js";
import { type IpsecSa, Sadb } from "./sadb.js";
import { packetSelectors, Spd } from "./spd.js";
import { clearPacketProblem, outsideSelectors, receivedFrameProblem } from "./inbound-policy.js";
import { SaLease, SaLifecycle } from "./sa-lifecycle.js";
import { TablePlacement } from "./table-placement.js";
import { SendOrder } from "./send-order.js";
import { ReceiveLanes } from "./receive-lanes.js";
import { read32 } from "../../sim/bytes.js";
import { countFlaggedIcv, inboundSa, outerAddress, receivedEsp } from "./received-esp.js";
import { DropCounter, type DroppedBytes } from "../../sim/stats/drop-counter.js";
import { classDscp, dscpClass } from "../../sim/packet/dscp.js";
import { ikeDatagram } from "../../sim/packet/ike-datagram.js";
import { IkeDaemon } from "./ike-daemon.js";

export interface DeliveredPacket {
  readonly packet: Uint8Array;
  readonly time: number;
  /** When the base driver took its frame from the RX ring: from then on the packet was the host's. */
  readonly received: number;
  /** The inbound SA that protected it, or null for a packet that bypassed IPsec. */
  readonly sa: IpsecSa | null;
}

export type { IntermediateDropReason } from "./drop-reason.js";

/** Each packet's path through ESP, as the waveform shows the last one: the NIC inline, or software on a host core. */
export const EspPath = defineEnum("esp_path", ["NONE", "HARDWARE_TX", "SOFTWARE_TX", "HARDWARE_RX", "SOFTWARE_RX"]);
type PathCount = "hardwareTx" | "softwareTx" | "hardwareRx" | "softwareRx";
/** Ethernet and outer IPv4 headers in front of an ESP packet in tunnel mode. */
const OUTER_HEADER_BYTES = ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES;

const PATH_NAMES = { hardwareTx: "HARDWARE_TX", softwareTx: "SOFTWARE_TX", hardwareRx: "HARDWARE_RX", softwareRx: "SOFTWARE_RX" } as const;

/**
 * The intermediate driver (the IPsec layer): SPD, SADB, ISADB and ISAKMP profiles, and software
 * ESP in tunnel mode on the host's cores. Outbound, it looks the inner packet up in the SPD,
 * classifies it by the SA's ipsec_qos_group tag (through the class map) or, without a tag, by the
 * inner DSCP, encrypts, and hands the frame to the base driver with a pointer to the SA record.
 * Inbound, the base driver's poll hands it each frame; it finds the SA by SPI and decrypts. All its
 * work is CPU jobs of the packet's traffic class, software crypto among them suspended for higher
 * classes (seed 000 on the host).
 */
@injectable()
export class IntermediateDriver extends Component {
  readonly params = this.parameters(INTERMEDIATE_DRIVER_PARAMETERS);
  readonly profiles = new IsakmpProfiles();
  readonly isadb = new Isadb(this.profiles);
  readonly sadb: Sadb;
  readonly spd = new Spd();
  /** class-map … match qos-group N: the traffic class each tag is queued in. */
  readonly classMap = new Map<number, number>();
  readonly drops = new DropCounter<IntermediateDropReason>();
  /** Every packet's SA use and path, to replay against other policies (see driver/caching). */
  readonly trace = new TraceRecorder();
  /** Where packets whose SA is not in the NIC's table go (seed 002's decision, seed 003's metric). */
  readonly policy: SaPlacementPolicy;
  readonly encrypted = this.signal("encrypted", 32, { kind: "integer", lastWriteWins: true });
  readonly decrypted = this.signal("decrypted", 32, { kind: "integer", lastWriteWins: true });
  /** The last message between the drivers: its kind and the SA's table handle (0: none yet). */
  // Software state: a message handled sets NONE and 0 as it hands the channel on, and the next, in the same phase, its own kind and handle.
  readonly messageKind = this.enumSignal("message", DriverMessage, { lastWriteWins: true });
  readonly messageHandle = this.signal("message_handle", 32, { lastWriteWins: true });
  readonly messageCount = this.signal("message_count", 32, { kind: "integer" });
  readonly messageEvent = this.event("message_sent");
  /** The path between the layers: every message in turn, each shown in the waveform. */
  readonly messages: MessageChannel;
  readonly hardwarePackets = this.signal("hw_packets", 32, { kind: "integer", lastWriteWins: true });
  readonly softwarePackets = this.signal("sw_packets", 32, { kind: "integer", lastWriteWins: true });
  /** The last packet's path and SPI, and a pulse per packet. */
  readonly lastPath = this.enumSignal("path", EspPath, { lastWriteWins: true });
  readonly lastSpi = this.signal("path_spi", 32, { lastWriteWins: true });
  readonly pathEvent = this.event("path_taken");
  readonly placement: TablePlacement;
  /** The IKE daemon: phase 1 with each gateway, Quick Modes, rekeys and Deletes (configured by the scenario; idle otherwise). */
  readonly ike: IkeDaemon;
  /** Every SA's state (larval, mature, dying, dead), the leases packets hold on it, and its ESP state. */
  readonly lifecycle: SaLifecycle;
  readonly saStates = { mature: this.signal("sas_mature", 32, { kind: "integer", lastWriteWins: true }), dying: this.signal("sas_dying", 32, { kind: "integer", lastWriteWins: true }) };
  private readonly sendOrder = new SendOrder<IpsecSa>(this.event("sa_send_turn"));
  onDeliver: (packet: DeliveredPacket) => void = () => {};
  localMac: MacAddress = HOST_MAC;
  gatewayMac: MacAddress = PEER_MAC;
  private readonly paths: Record<PathCount, number> = { hardwareTx: 0, softwareTx: 0, hardwareRx: 0, softwareRx: 0 };
  private encryptedCount = 0;
  private decryptedCount = 0;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(BaseDriver) readonly base: BaseDriver,
    @inject(HostCpu) readonly cpu: HostCpu,
    @inject(AesGcmBackendToken) backend: AesGcmBackend,
  ) {
    super(context);
    const registered = this.container.isRegistered(SaPlacementPolicyToken, true) ? this.container.resolve(SaPlacementPolicyToken) : null;
    // One registered beside placement: metric (the default scenario's) was never asked, and nothing said so (from a new user's check).
    if (registered !== null && this.params.placement === "metric") this.misfitParameter("placement", `a placement policy ('${String(registered.name)}') is registered under SaPlacementPolicyToken, and under metric it would not be used: set placement to token to use it`);
    this.policy = this.params.placement === "metric" ? this.child(MetricPlacement, "metric") : (registered ?? new InstallIfFree());
    if (this.params.placement !== "metric") this.overrides.notBuilt(`${this.path}.metric`, Object.keys(METRIC_PLACEMENT_PARAMETERS), `applies only with ${this.path.replace(/^top\./, "")}.placement: metric (it is ${this.params.placement})`);
    this.messages = new MessageChannel(this.kernel, { kind: this.messageKind, handle: this.messageHandle, count: this.messageCount, sent: this.messageEvent }, this.params.messageNanoseconds * 1000);
    this.lifecycle = new SaLifecycle(backend, { replayWindow: this.params.replayWindow }, this.event("sa_lease_released"), (counts) => {
      this.saStates.mature.set(counts.mature);
      this.saStates.dying.set(counts.dying);
    });
    // Keys given with the SA (manual keying, as PF_KEY's SADB_ADD) make it mature at once. The policy
    // hears of each SA as the driver receives it (seed 003's claim 7), and forgets it when it goes.
    this.sadb = new Sadb(base.bus.memory, {
      added: (sa) => {
        this.lifecycle.born(sa);
        this.lifecycle.mature(sa);
        this.policy.received?.(sa, this.kernel.now);
      },
      removed: (sa) => this.policy.forget?.(sa),
    });
    this.ike = this.child(IkeDaemon, "ike");
    this.placement = new TablePlacement(`${this.path}.placement`, this.kernel, base, this.sadb, this.lifecycle, this.policy, this.messages, { offload: this.params.offload, classOf: (sa) => this.classOf(sa), costs: () => this.costs() });
    base.onReceive = (frame) => this.receive(frame);
    base.onReceiveError = (frame) => countFlaggedIcv(frame, this.sadb, this.lifecycle, (sa, bytes) => this.ike.used(sa, bytes));
  }

  /** Packets by path and direction (NIC inline or software ESP), and what the placement did. */
  get counts() {
    return { ...this.paths, ...this.placement.counts };
  }

  /** The traffic class of an SA's packets: its tag's class through the class map; untagged, class-default. */
  classOf(sa: IpsecSa): number {
    return this.classOfGroup(sa.qosGroup);
  }

  /** The traffic class of an ipsec_qos_group tag through the class map (class-default for none). */
  classOfGroup(qosGroup: number | null): number {
    return qosGroup !== null ? (this.classMap.get(qosGroup) ?? 0) : 0;
  }

  /** Send an inner IPv4 packet through the SPD (a generator: `yield* intermediate.send(packet)`). */
  *send(packet: Uint8Array): Generator<Command, void, unknown> {
    const selectors = packetSelectors(packet);
    if (selectors === null) return this.drop("NOT_IPV4", { packet });
    const entry = this.spd.lookup(selectors);
    if (!entry) return this.drop("NO_POLICY", { packet });
    if (entry.action.kind === "discard") return this.drop("SPD_DISCARD", { packet });
    // Policy asks for IPsec, but IKE has no SA for it (still negotiating, failed, or deleted).
    if (entry.action.kind === "trap") {
      if (entry.protocol !== undefined && entry.destinationPorts) this.ike.acquire({ source: entry.source, destination: entry.destination, protocol: entry.protocol, port: entry.destinationPorts[0] });
      return this.drop("NO_SA", { packet });
    }
    const innerClass = dscpClass(packet[1]! >> 2);
    if (entry.action.kind === "bypass") {
      yield* this.base.transmit(this.base.queueOfClass(innerClass), this.frame(packet), { trafficClass: innerClass });
      return;
    }
    const sa = entry.action.sa;
    // The packet holds the SA from here until it is on the ring: a delete or a replacement of its NIC entry waits for it.
    const lease = this.lifecycle.lease(sa);
    if (!lease) return this.drop("NO_MATURE_SA", { packet });
    try {
      // With an ipsec_qos_group tag the class map decides; without one, the inner DSCP does (seed 001).
      yield* this.sendUnder(lease, packet, sa.qosGroup !== null ? this.classOf(sa) : innerClass);
    } finally {
      lease.release();
    }
  }

  /** The ESP packet of a leased SA, inline or in software, on the ring of its class in the order of its sequence numbers. */
  private *sendUnder(lease: SaLease, packet: Uint8Array, trafficClass: number): Generator<Command, void, unknown> {
    const sa = lease.sa;
    const queue = this.base.queueOfClass(trafficClass);
    // Its lifetime counts the ESP bytes as they are posted (below), not here.
    this.used(sa, packet.length, null);
    const handle = this.params.offload && !sa.parameters.esn ? yield* this.placement.transmit(lease) : null;
    // Inline, the host's share (ESP headers) comes before the ring; in software the encryption needs the sequence number.
    if (handle !== null) yield* this.cpu.run("INLINE_TX", trafficClass, this.cpu.picoseconds(this.params.offloadCyclesPerPacket));
    if (!lease.valid()) return this.drop("SA_DEAD", { packet });
    const frameBytes = OUTER_HEADER_BYTES + espPacketBytes(packet.length, sa.parameters.icvLength);
    // The sequence number first (and in software the encryption), then room on the ring on the SA's turn, as a host's IPsec layer encrypts before the device's queue:
    // room held while a core encrypted left descriptors idle, and a ring of 8 passed jumbo frames one at a time, 5 µs slower each (from an outside check).
    // Both paths alike: an inline packet holding room while it waited for an earlier software one's turn could leave that one no room at all.
    // The ESP packet is laid out after room for the outer headers: the frame is one buffer, written once (null: its encryption was dropped, the SA ended meanwhile).
    let frame: Uint8Array | null;
    let ticket: number;
    try {
      if (handle !== null) {
        // Inline: ESP laid out in plaintext, the NIC encrypts with the SA found through the handle or the pointer.
        frame = lease.outbound().prepare(packet, PROTOCOL_IPV4, OUTER_HEADER_BYTES);
        ticket = this.sendOrder.take(sa);
      } else {
        const seal = lease.outbound().seal(packet, PROTOCOL_IPV4, OUTER_HEADER_BYTES);
        ticket = this.sendOrder.take(sa);
        const encrypted = yield* this.cpu.crypto("ESP_ENCRYPT", trafficClass, { operation: seal.operation, bytes: seal.bytes, setupCycles: this.params.cyclesPerPacket, cyclesPerByte: this.params.cyclesPerByte, stillWanted: () => lease.valid() });
        frame = encrypted ? seal.finish() : null;
      }
    } catch (error) {
      if (error instanceof RekeyRequiredError) return this.drop("REKEY_REQUIRED", { packet });
      throw error;
    }
    try {
      // Packets of the SA with earlier sequence numbers, encrypted on other cores, go on the ring first; its later ones wait their turn behind it for room.
      yield* this.sendOrder.turn(sa, ticket);
      const reservation: TxReservation | null = frame !== null && lease.valid() ? yield* this.base.reserve(queue, frameBytes) : null;
      // Deletes wait for leases: only an SA revoked (its hard lifetime, or the gateway's Delete) fails here, its encryption dropped or done before.
      if (frame === null || reservation === null || !lease.valid()) {
        if (reservation !== null) this.base.cancel(reservation);
        return this.drop("SA_DEAD", { packet });
      }
      this.took(handle !== null ? "hardwareTx" : "softwareTx", sa, packet.length);
      // Its lifetime counts the ESP bytes posted, as the gateway's inbound SA counts what arrives (the inner packet's alone let an SA of small packets run 56 % past its lifetime; counted at the lookup, packets then dropped, SA_DEAD, ended it before the gateway's count did: outside checks).
      this.ike.used(sa, espPacketBytes(packet.length, sa.parameters.icvLength));
      // The outer DSCP carries the class, so that the network (and the receiving NIC) can queue the ESP packet by it.
      writeEthernetHeader(frame, this.gatewayMac, this.localMac);
      writeIpv4Header(frame, ETHERNET_HEADER_BYTES, { source: sa.source, destination: sa.destination, dscp: classDscp(trafficClass), protocol: PROTOCOL_ESP }, frame.length - OUTER_HEADER_BYTES);
      if (handle !== null) yield* this.base.post(reservation, frame, { trafficClass, ipsec: { saPointer: sa.record, saHandle: handle } });
      else {
        this.encrypted.set(++this.encryptedCount);
        yield* this.base.post(reservation, frame, { trafficClass });
      }
    } finally {
      this.sendOrder.done(sa, ticket);
    }
  }

  /**
   * Rekey: a new SA under a new SPI and keys takes over the old one's policy at once; the old one
   * is then deleted as deleteSa does, so packets already holding it finish under it. Returns the
   * new SA, or null when the old one was no longer mature (being deleted, or rekeyed already).
   */
  *rekeySa(old: IpsecSa, spi: Spi, keyMaterial: Uint8Array) {
    if (!this.lifecycle.usable(old)) return null;
    const fresh = this.sadb.add({ direction: old.direction, parameters: { ...old.parameters, spi, keyMaterial }, source: old.source, destination: old.destination, selectors: old.selectors }, old.qosGroup);
    this.spd.replace(old, fresh);
    yield* this.deleteSa(old);
    return fresh;
  }

  /**
   * Take an SA out of use: out of the SPD and dying (no new packet takes it), the packets that
   * hold it finished and their descriptors done, then out of the NIC, dead, and its record freed.
   * The descriptors come before the invalidation: one still carrying the pointer after it would
   * have the NIC read the record again. Deleting an SA already dying waits for it to be dead.
   */
  *deleteSa(sa: IpsecSa) {
    this.spd.removeFor(sa);
    if (!(yield* this.lifecycle.retire(sa))) return;
    yield* this.base.saFence(sa.record);
    const slot = yield* this.placement.remove(sa);
    if (slot) this.base.saTable.release(slot);
    this.lifecycle.bury(sa);
    this.trace.recordRemoval({ sa: sa.uniqueId, time: this.kernel.now, direction: sa.direction === "outbound" ? "tx" : "rx" });
    this.sadb.delete(sa.direction, sa.parameters.spi, sa.destination);
    this.lanes.close(sa);
  }

  dropCount(reason: IntermediateDropReason): number {
    return this.drops.get(reason) ?? 0;
  }

  /**
   * A frame from the base driver's poll: a packet that bypassed IPsec is delivered at once; an ESP
   * packet goes to its SA's receive lane (dropped, counted, when the lane's backlog is full).
   */
  private receive(frame: DriverReceivedFrame): void {
    const bytes = frame.bytes;
    const problem = receivedFrameProblem(bytes);
    if (problem !== null) return this.drop(problem, { frame: bytes });
    const esp = receivedEsp(bytes);
    if (!esp) {
      const datagram = this.ike.configured ? ikeDatagram(bytes) : null;
      if (datagram) return this.ike.receive(datagram, frame.trafficClass);
      return this.receiveClear(frame);
    }
    const sa = inboundSa(this.sadb, esp);
    // One this host ended may still be in use at its gateway (a Delete lost): IKE tells it again.
    if (!sa && esp.length >= 4) this.ike.unknownSpi(outerAddress(bytes, "source"), read32(esp, 0));
    if (!sa || !this.lifecycle.usable(sa)) return this.drop("UNKNOWN_SPI", { frame: bytes });
    if (!this.lanes.push(sa, { frame, esp }, this.params.receiveBacklog)) this.drop("BACKLOG_FULL", { frame: bytes });
  }
  /** A packet that came in the clear: delivered only where the SPD lets it bypass IPsec (a forged packet of a protected flow was delivered; from an outside check). */
  private receiveClear(frame: DriverReceivedFrame): void {
    const packet = frame.bytes.subarray(ETHERNET_HEADER_BYTES);
    const problem = clearPacketProblem(this.spd, packet);
    if (problem !== null) return this.drop(problem, { frame: frame.bytes });
    this.onDeliver({ packet, time: this.kernel.now, received: frame.time, sa: null });
  }

  /** Per inbound SA, its received packets in order. */
  private readonly lanes = new ReceiveLanes<{ frame: DriverReceivedFrame; esp: Uint8Array }>(this.kernel, (name, body) => this.process(name, body), (sa, { frame, esp }) => this.receiveEsp(frame, esp, sa));

  /** Until the SA's receive lane has handed on every packet it held: each then holds the SA, and deleteSa waits for it. */
  receivedUnder(sa: IpsecSa): Generator<Command, void, unknown> {
    return this.lanes.receivedUnder(sa);
  }

  /** One ESP packet of an SA, under a lease taken when its turn comes: its CPU work is of the class the NIC gave it. */
  private *receiveEsp(frame: DriverReceivedFrame, esp: Uint8Array, sa: IpsecSa): Generator<Command, void, unknown> {
    // Being deleted while the packet waited: its inbound state is going, and must not come back.
    const lease = this.lifecycle.lease(sa);
    if (!lease) return this.drop("UNKNOWN_SPI", { frame: frame.bytes });
    try {
      yield* this.receiveUnder(lease, frame, esp);
    } finally {
      lease.release();
    }
  }

  private *receiveUnder(lease: SaLease, frame: DriverReceivedFrame, esp: Uint8Array): Generator<Command, void, unknown> {
    const sa = lease.sa;
    const trafficClass = frame.trafficClass;
    lease.counting(() => this.used(sa, esp.length, lease.inbound().countsToLifetime(esp) ? esp.length : null));
    if (frame.status & STATUS_IPSEC) {
      // Decrypted and authenticated by the NIC; the replay window stays here.
      yield* this.cpu.run("INLINE_RX", trafficClass, this.cpu.picoseconds(this.params.offloadCyclesPerPacket));
      if (!lease.valid()) return this.drop("SA_DEAD", { frame: frame.bytes });
      return this.deliver(lease.inbound().acceptDecrypted(esp), sa, frame, "hardwareRx");
    }
    if (frame.status & STATUS_SA_MISS && this.params.offload && !sa.parameters.esn) yield* this.placement.receiveMiss(sa);
    if (!lease.valid()) return this.drop("SA_DEAD", { frame: frame.bytes });
    const opened = lease.inbound().open(esp);
    if ("reason" in opened) return this.drop(opened.reason, { frame: frame.bytes });
    yield* this.cpu.crypto("ESP_DECRYPT", trafficClass, { operation: opened.operation, bytes: opened.bytes, setupCycles: this.params.cyclesPerPacket, cyclesPerByte: this.params.cyclesPerByte });
    if (!lease.valid()) return this.drop("SA_DEAD", { frame: frame.bytes });
    this.deliver(opened.finish(), sa, frame, "softwareRx");
  }

  /** A packet of an SA, either path: the policy's metric, and the packet sizes the cost model uses; `espBytes` (SPI to ICV) count against its lifetime (null: none; a packet received counts as it comes if its replay check passes, before its ICV is checked, as the gateway counts what it sent, corrupted on the way or not: a replayed copy counts nothing). */
  private used(sa: IpsecSa, bytes: number, espBytes: number | null = bytes): void {
    this.observed.packets++;
    this.observed.bytes += bytes;
    if (espBytes !== null) this.ike.used(sa, espBytes);
    this.policy.packet?.(sa, bytes, this.kernel.now);
  }
  private readonly observed = { packets: 0, bytes: 0 };

  /**
   * What the host pays, in cycles: an install (the mean of those so far, or its MMIO writes before
   * the first), a software ESP packet of the mean size seen so far, and an inline one.
   */
  costs(): CostModel {
    const meanBytes = this.observed.packets > 0 ? this.observed.bytes / this.observed.packets : 0;
    const install = this.base.saTable.meanInstallPicoseconds();
    return {
      installCycles: ((install ?? this.base.saTable.installWritePicoseconds()) * this.cpu.params.megahertz) / 1e6,
      softwareCyclesPerPacket: this.params.cyclesPerPacket + this.params.cyclesPerByte * meanBytes,
      hardwareCyclesPerPacket: this.params.offloadCyclesPerPacket,
    };
  }

  private deliver(result: EspInboundResult, sa: IpsecSa, frame: DriverReceivedFrame, path: "hardwareRx" | "softwareRx"): void {
    if (result.kind === "dropped") return this.drop(result.reason, { frame: frame.bytes });
    // One tunnel's SA carried another's traffic, and it was delivered: a gateway could inject into another customer's flow (from an outside check).
    if (outsideSelectors(sa, result.payload)) return this.drop("SELECTOR_MISMATCH", { frame: frame.bytes });
    if (path === "softwareRx") this.decrypted.set(++this.decryptedCount);
    // The inner packet's length, as TX records it: the SA trace's bytes were the received frame's (70 more) for RX.
    this.took(path, sa, result.payload.length);
    this.onDeliver({ packet: result.payload, time: this.kernel.now, received: frame.time, sa });
  }

  /** A packet took a path: counted, shown in the waveform, and in the SA trace. */
  private took(path: PathCount, sa: IpsecSa, bytes: number): void {
    this.paths[path]++;
    this.hardwarePackets.set(this.paths.hardwareTx + this.paths.hardwareRx);
    this.softwarePackets.set(this.paths.softwareTx + this.paths.softwareRx);
    this.lastPath.set(EspPath.code(PATH_NAMES[path]));
    this.lastSpi.set(sa.parameters.spi);
    this.pathEvent.fire();
    const direction = path === "hardwareTx" || path === "softwareTx" ? "tx" : "rx";
    this.trace.record({ sa: sa.uniqueId, time: this.kernel.now, bytes, direction, path: path.startsWith("hardware") ? "hardware" : "software" });
  }

  private frame(packet: Uint8Array): Uint8Array {
    return ethernetFrame(this.gatewayMac, this.localMac, packet);
  }

  private drop(reason: IntermediateDropReason, dropped: DroppedBytes): void {
    this.drops.count(reason, dropped);
  }
}
