import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { type AesGcmBackend, AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { EspInbound, EspOutbound, type EspDropReason, RekeyRequiredError } from "../../sim/ipsec/esp.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, ethernetFrame, etherType, type MacAddress, macAddress } from "../../sim/packet/ethernet.js";
import { IPV4_HEADER_BYTES, PROTOCOL_ESP, PROTOCOL_UDP } from "../../sim/packet/ipv4.js";
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
  });
  readonly profiles = new IsakmpProfiles();
  readonly isadb = new Isadb(this.profiles);
  readonly sadb: Sadb;
  readonly spd = new Spd();
  /** class-map … match qos-group N: the traffic class each tag is queued in. */
  readonly classMap = new Map<number, number>();
  readonly drops = new Map<IntermediateDropReason, number>();
  readonly encrypted = this.signal("encrypted", 32, { kind: "integer", lastWriteWins: true });
  readonly decrypted = this.signal("decrypted", 32, { kind: "integer", lastWriteWins: true });
  readonly softwareBusy = this.signal("sw_busy", 1, { lastWriteWins: true });
  onDeliver: (packet: DeliveredPacket) => void = () => {};
  localMac: MacAddress = macAddress("02:00:00:00:00:01");
  gatewayMac: MacAddress = macAddress("02:00:00:00:00:02");
  private readonly outbound = new Map<IpsecSa, EspOutbound>();
  private readonly inbound = new Map<IpsecSa, EspInbound>();
  private readonly received: Uint8Array[] = [];
  private readonly arrival = this.event("esp_arrival");
  private busy = 0;
  private encryptedCount = 0;
  private decryptedCount = 0;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(BaseDriver) readonly base: BaseDriver,
    @inject(AesGcmBackendToken) private readonly backend: AesGcmBackend,
  ) {
    super(context);
    this.sadb = new Sadb(base.bus.memory);
    base.onReceive = (frame) => {
      this.received.push(frame.bytes);
      this.arrival.fire();
    };
    this.process("receiver", () => this.receiver());
  }

  /** Send an inner IPv4 packet through the SPD (a generator: `yield* intermediate.send(packet)`). */
  *send(packet: Uint8Array) {
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
    yield* this.charge(packet.length);
    let outer: Uint8Array;
    try {
      // The outer DSCP carries the class, so that the network (and the receiving NIC) can queue the ESP packet by it.
      outer = tunnelEncapsulate(this.outboundOf(sa), packet, { source: sa.source, destination: sa.destination, dscp: trafficClass << 3 });
    } catch (error) {
      if (error instanceof RekeyRequiredError) return this.drop("REKEY_REQUIRED");
      throw error;
    }
    this.encrypted.set(++this.encryptedCount);
    yield* this.base.transmit(this.base.queueOfClass(trafficClass), this.frame(outer), { trafficClass, saPointer: sa.record });
  }

  dropCount(reason: IntermediateDropReason): number {
    return this.drops.get(reason) ?? 0;
  }

  private *receiver() {
    for (;;) {
      if (this.received.length === 0) yield this.arrival;
      const frame = this.received.shift();
      if (!frame) continue;
      if (etherType(frame) !== ETHERTYPE_IPV4) continue;
      const outer = frame.subarray(ETHERNET_HEADER_BYTES);
      const headerLength = (outer[0]! & 0x0f) * 4;
      if (outer[9] !== PROTOCOL_ESP) {
        this.onDeliver({ packet: outer, time: this.kernel.now, sa: null });
        continue;
      }
      const esp = outer.subarray(headerLength, (outer[2]! << 8) | outer[3]!);
      // A unicast SA is found by its SPI alone (RFC 4301 4.1).
      const sa = esp.length >= 4 ? this.sadb.find("inbound", read32(esp, 0)) : undefined;
      if (!sa) {
        this.drop("UNKNOWN_SPI");
        continue;
      }
      yield* this.charge(esp.length);
      const result = this.inboundOf(sa).decapsulate(esp);
      if (result.kind === "dropped") {
        this.drop(result.reason);
        continue;
      }
      this.decrypted.set(++this.decryptedCount);
      this.onDeliver({ packet: result.payload, time: this.kernel.now, sa });
    }
  }

  private *charge(bytes: number) {
    const cycles = this.params.cyclesPerPacket + bytes * this.params.cyclesPerByte;
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
